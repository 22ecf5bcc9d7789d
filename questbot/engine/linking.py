"""Linking accounts: a learner who plays on two platforms becomes one learner."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from questbot.domain.changes import MergeLearner, PutLinkCode
from questbot.domain.errors import Rejected
from questbot.domain.messages import LinkAccount
from questbot.engine.work import Work

CODE_LIFETIME = timedelta(minutes=10)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def link(work: Work, command: LinkAccount) -> None:
    learner = work.actor()
    if command.code is None:
        code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        work.changes.append(PutLinkCode(code_hash(code), learner.learner_id,
                                        work.now + CODE_LIFETIME))
        work.say("link.code", code=code, minutes=int(CODE_LIFETIME.total_seconds() // 60))
        return
    owner = work.snapshot.target
    expires = work.snapshot.link_code_expires_at
    if owner is None or expires is None or expires < work.now:
        raise Rejected("link.bad_code")
    if owner.learner_id == learner.learner_id:
        raise Rejected("link.same")
    work.changes.append(MergeLearner(learner.learner_id, owner.learner_id,
                                     code_hash(command.code)))
    work.say("link.done", accounts=", ".join(str(a) for a in
                                              sorted({*owner.accounts, *learner.accounts},
                                                     key=str)))
