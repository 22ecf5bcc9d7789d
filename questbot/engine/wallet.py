"""``/wallet`` and ``/record``: the link to the learner's private wallet page (and their
record in it), and the badges they hide from it.

A wallet link's token is 192 random bits. The store keeps its SHA-256 only, so a link is
shown once, when it is made (``/wallet`` the first time, ``/wallet rotate`` after): the
reply the store records for redelivery holds a marker, which the engine replaces with the
token after commit (``ShowSignInLink``), so a redelivered event shows no token and makes
none."""

from __future__ import annotations

from questbot.domain.changes import HideAward, PutWallet, ShowSignInLink
from questbot.domain.errors import Rejected
from questbot.domain.messages import HideBadge, OpenWallet, ShowRecord
from questbot.domain.progress import AwardRecord, LearnerState
from questbot.domain.wallet import RECORD_FILE, in_wallet_order, token_hash, wallet_url
from questbot.engine.work import Work
from questbot.i18n import format_day

TOKEN_MARKER = "WALLET-TOKEN-SHOWN-ONCE"


def _private(work: Work) -> None:
    if not work.event.conversation.private:
        raise Rejected("wallet.private")  # a link in a group is anyone's


def _new_link(work: Work, learner: LearnerState) -> str:
    token = work.ctx.new_id() + work.ctx.new_id()
    work.changes.append(PutWallet(learner.learner_id, token_hash(token), work.now))
    work.effects.append(ShowSignInLink(token, TOKEN_MARKER))
    return wallet_url(work.ctx.settings.base_url, TOKEN_MARKER)


def open_wallet(work: Work, command: OpenWallet) -> None:
    learner = work.actor()
    _private(work)
    made = work.snapshot.wallet_made_at
    if made is not None and not command.rotate:
        work.say("wallet.exists", date=format_day(made.date(), work.language))
    else:
        work.say("wallet.rotated" if made is not None else "wallet.link",
                 url=_new_link(work, learner))
    _list(work, learner)


def _list(work: Work, learner: LearnerState) -> None:
    hidden = work.snapshot.hidden_awards
    lines = [work.t("wallet.line_hidden" if award.award_id in hidden else "wallet.line",
                    number=number, name=award.badge_name,
                    date=format_day(award.awarded_at.date(), work.language))
             for number, award in enumerate(in_wallet_order(learner.awards), start=1)]
    if lines:
        work.say("wallet.badges", badges="\n".join(lines))
    else:
        work.say("wallet.no_badges")


def _find(work: Work, learner: LearnerState, badge: str) -> tuple[int, AwardRecord]:
    listed = in_wallet_order(learner.awards)
    if badge.isdigit() and 0 < int(badge) <= len(listed):
        return int(badge), listed[int(badge) - 1]
    for number, award in enumerate(listed, start=1):
        if award.award_id == badge:
            return number, award
    raise Rejected("wallet.no_badge", badge=badge)


def hide_badge(work: Work, command: HideBadge) -> None:
    learner = work.actor()
    number, award = _find(work, learner, command.badge)
    if (award.award_id in work.snapshot.hidden_awards) == command.hidden:
        work.say("wallet.already_hidden" if command.hidden else "wallet.already_shown",
                 name=award.badge_name, number=number)
        return
    work.changes.append(HideAward(learner.learner_id, award.award_id, command.hidden))
    work.say("wallet.hidden" if command.hidden else "wallet.shown", name=award.badge_name,
             number=number)


def show_record(work: Work, _: ShowRecord) -> None:
    learner = work.actor()
    _private(work)
    if work.snapshot.wallet_made_at is not None:
        work.say("record.exists")
        return
    wallet = _new_link(work, learner)
    work.say("record.link", url=f"{wallet}/{RECORD_FILE}", wallet=wallet)
