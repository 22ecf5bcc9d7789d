"""A badge for someone known only by an email address goes to that address, with a claim
code (see ``emailing``), in the transaction that awards it."""

from __future__ import annotations

from questbot.domain.changes import PutClaimCode, QueueEmail
from questbot.domain.ids import EMAIL_PLATFORM
from questbot.domain.mail import CLAIM_CODE_LIFETIME
from questbot.domain.messages import BadgeAwarded
from questbot.domain.progress import AwardRecord, LearnerState
from questbot.engine.linking import code_hash, locator, new_code, shown
from questbot.engine.work import Work


def addresses(learner: LearnerState) -> list[str]:
    return [a.user_id for a in learner.accounts if a.platform == EMAIL_PLATFORM]


def on_chat(learner: LearnerState) -> bool:
    return any(a.platform != EMAIL_PLATFORM for a in learner.accounts)


def email_badge(work: Work, learner: LearnerState, award: AwardRecord,
                message: BadgeAwarded) -> None:
    """A badge for a learner known by an address (and on no chat) goes to that address, with
    a code that joins it to the person's chat account."""
    if not work.ctx.settings.email_enabled or on_chat(learner):
        return
    for address in addresses(learner)[:1]:
        code = new_code()
        work.changes.append(PutClaimCode(code_hash(code), locator(code), learner.learner_id,
                                         award.award_id, address,
                                         work.now + CLAIM_CODE_LIFETIME))
        emailed = BadgeAwarded(message.award_id, message.badge_name, message.quest_title,
                               message.url, language=message.language, claim_code=shown(code))
        work.changes.append(QueueEmail(address, learner.learner_id, emailed, work.now))
