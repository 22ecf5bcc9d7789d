"""Email: badges awarded to an address are emailed to it with a claim code, and an address a
learner gives is used on badges once they type the code emailed to it.

Only when questbot sends email (``EngineSettings.email_enabled``); otherwise ``/email
ADDRESS`` takes the address at once, as it always did. An address counts as the learner's
for the self-award rule (``tutor``) from the moment they ask for it, confirmed or not.

A claim code is a link code (``linking``) that lives longer: whoever types it joins the
address's learner (its badges, its ``email:`` account) to their own, as ``/link`` would.
Guesses count against the same per-learner budget as wrong link codes, and against every
code that shares the guess's first characters, which locks at ``max_failed_per_link_code``."""

from __future__ import annotations

from datetime import datetime, timedelta

from questbot.domain.changes import (
    ClaimEmail,
    FailClaimCode,
    FailEmailConfirmation,
    MergeLearner,
    PutEmailConfirmation,
    QueueEmail,
    UseClaimCode,
    UseEmailConfirmation,
)
from questbot.domain.errors import Rejected
from questbot.domain.mail import (
    CONFIRMATION_LIFETIME,
    CONFIRMATION_WINDOW,
    email_text,
)
from questbot.domain.messages import ClaimBadge, ConfirmEmail, SetEmail
from questbot.engine import views
from questbot.engine.badge_mail import on_chat
from questbot.engine.linking import code_hash, locator, new_code, shown
from questbot.engine.work import Work

MAX_FAILED_CONFIRMATIONS = 5  # wrong codes against one confirmation, then ask again


def set_email(work: Work, command: SetEmail) -> None:
    learner = work.actor()
    address = command.email
    if address is None or not work.ctx.settings.email_enabled:
        views.set_email(work, command)
        if learner.email is not None:
            # An address once registered stays the learner's for the self-award rule.
            work.changes.append(ClaimEmail(learner.learner_id, learner.email))
        return
    if address == learner.email:
        work.say("email.set", email=address)
        return
    limit = work.ctx.settings.max_confirmation_emails
    minutes = int(CONFIRMATION_WINDOW.total_seconds() // 60)
    if _recent(work, work.snapshot.confirmations_by_actor) >= limit:
        raise Rejected("email.too_many", minutes=minutes)
    if _recent(work, work.snapshot.confirmations_to_address) >= limit:
        raise Rejected("email.too_many_address", email=address, minutes=minutes)
    code = new_code()
    lifetime = int(CONFIRMATION_LIFETIME.total_seconds() // 60)
    work.changes.append(PutEmailConfirmation(code_hash(code), learner.learner_id, address,
                                             work.now, work.now + CONFIRMATION_LIFETIME))
    work.changes.append(ClaimEmail(learner.learner_id, address))  # counts before it is proved
    language = work.language
    work.changes.append(QueueEmail(address, learner.learner_id, email_text(
        work.t("email.confirm_subject"),
        work.t("email.confirm_body", code=shown(code), minutes=lifetime), language), work.now))
    work.say("email.code_sent", email=address, minutes=lifetime)


def _recent(work: Work, sent: tuple[datetime, ...]) -> int:
    return sum(1 for at in sent if work.now - at < CONFIRMATION_WINDOW)


def confirm_email(work: Work, command: ConfirmEmail) -> None:
    learner = work.actor()
    pending = work.snapshot.pending_address
    if pending is None or pending.expires_at < work.now:
        raise Rejected("email.no_code")
    if pending.failures >= MAX_FAILED_CONFIRMATIONS:
        raise Rejected("email.code_locked")
    if code_hash(command.code) != pending.code_hash:
        work.changes.append(FailEmailConfirmation(pending.code_hash))  # kept: not rolled back
        work.say("email.bad_code")
        return
    learner.email = pending.email
    work.touch(learner)
    work.changes.append(UseEmailConfirmation(pending.code_hash))
    work.say("email.set", email=pending.email)


def claim(work: Work, command: ClaimBadge) -> None:
    learner = work.actor()
    settings = work.ctx.settings
    window = timedelta(seconds=settings.failed_checkin_window_seconds)
    recent = [t for t in learner.failed_links if work.now - t < window]
    if len(recent) >= settings.max_failed_checkins:
        raise Rejected("claim.too_many", minutes=int(window.total_seconds() // 60))
    owner = work.snapshot.target
    state = work.snapshot.claim_code
    if state is not None and state.used:
        raise Rejected("claim.used")  # before anything else: a race's loser reads it too
    if owner is None or state is None or state.expires_at < work.now:
        learner.failed_links = [*recent, work.now]  # remembered, not rolled back
        work.touch(learner)
        work.changes.append(FailClaimCode(locator(command.code)))
        work.say("claim.bad_code")
        return
    if state.failures >= settings.max_failed_per_link_code:
        raise Rejected("claim.locked")
    if owner.learner_id == learner.learner_id or on_chat(owner):
        raise Rejected("claim.used")  # once; and never joins two chat accounts
    if work.snapshot.granted_between:
        raise Rejected("claim.granted")  # a tutor's award to an address of their own
    hashed = code_hash(command.code)
    work.changes.append(UseClaimCode(hashed, work.now))
    # The chat learner keeps their id; the address's learner (account, badges) moves in.
    work.changes.append(MergeLearner(owner.learner_id, learner.learner_id, hashed))
    work.changes.append(ClaimEmail(learner.learner_id, state.email))
    learner.stored_role = max(learner.stored_role, owner.stored_role)
    if learner.email is None:
        learner.email = state.email  # the person proved it is theirs: later badges name it
    work.touch(learner)  # written after the merge, so it must say what the merge meant
    badges = sorted({a.badge_name for a in owner.awards if not a.revoked})
    work.say("claim.done", email=state.email, badges=", ".join(badges) or "-")
