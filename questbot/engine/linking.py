"""Linking accounts: a learner who plays on two platforms becomes one learner.

A link code is ``LOCATOR_LENGTH + SECRET_LENGTH`` symbols of a 32-symbol alphabet, shown as
``ABCD-EFGHJK``. Whoever guesses a live code joins their account to its owner's learner, so
guessing is bounded twice: each learner has ``max_failed_checkins`` wrong codes per window,
and each code counts the wrong codes tried against it by anyone (a wrong code counts against
the live codes that share its first ``LOCATOR_LENGTH`` symbols) and stops working at
``max_failed_per_link_code``. README.md gives the arithmetic."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from questbot.domain.changes import FailLinkCode, MergeLearner, PutLinkCode
from questbot.domain.errors import Rejected
from questbot.domain.messages import LinkAccount
from questbot.engine.pathways import award_pathways
from questbot.engine.work import Work

CODE_LIFETIME = timedelta(minutes=10)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols: no 0/O or 1/I to misread
LOCATOR_LENGTH = 4  # 20 bits, in the clear in the store: which code a wrong try was aimed at
SECRET_LENGTH = 6  # 30 bits: at most max_failed_per_link_code tries are tested against them
CODE_LENGTH = LOCATOR_LENGTH + SECRET_LENGTH


def canonical(code: str) -> str:
    """A typed code as it is stored: no spaces or dashes, upper case."""
    return "".join(code.split()).replace("-", "").upper()


def code_hash(code: str) -> str:
    return hashlib.sha256(canonical(code).encode()).hexdigest()


def locator(code: str) -> str:
    return canonical(code)[:LOCATOR_LENGTH]


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    return f"{code[:LOCATOR_LENGTH]}-{code[LOCATOR_LENGTH:]}"


def link(work: Work, command: LinkAccount) -> None:
    learner = work.actor()
    settings = work.ctx.settings
    if command.code is None:
        code = new_code()
        work.changes.append(PutLinkCode(code_hash(code), locator(code), learner.learner_id,
                                        work.now + CODE_LIFETIME, work.now))
        work.say("link.code", code=shown(code), minutes=int(CODE_LIFETIME.total_seconds() // 60))
        return
    window = timedelta(seconds=settings.failed_checkin_window_seconds)
    recent = [t for t in learner.failed_links if work.now - t < window]
    if len(recent) >= settings.max_failed_checkins:
        raise Rejected("link.too_many", minutes=int(window.total_seconds() // 60))
    owner = work.snapshot.target
    expires = work.snapshot.link_code_expires_at
    if owner is None or expires is None or expires < work.now:
        # Remembered, not rolled back: for this learner and for the codes it could have hit.
        learner.failed_links = [*recent, work.now]
        work.touch(learner)
        work.changes.append(FailLinkCode(locator(command.code)))
        work.say("link.bad_code")
        return
    if work.snapshot.link_code_failures >= settings.max_failed_per_link_code:
        raise Rejected("link.locked")
    if owner.learner_id == learner.learner_id:
        raise Rejected("link.same")
    if work.snapshot.granted_between:
        raise Rejected("link.granted")  # a tutor's award to their own second account
    work.changes.append(MergeLearner(learner.learner_id, owner.learner_id,
                                     code_hash(command.code)))
    work.say("link.done", accounts=", ".join(str(a) for a in
                                              sorted({*owner.accounts, *learner.accounts},
                                                     key=str)))
    # Badges from both accounts may complete a pathway neither completed alone.
    owner.awards.extend(learner.awards)
    award_pathways(work, owner, to_actor=True)
