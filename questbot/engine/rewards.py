"""A badge's rewards inside the community (a role, an invite link), as outbox work for the
learner's account on the reward's platform, written in the award's (or the revocation's)
transaction: a crash can neither lose nor double them, and the adapter does each once.

A learner with no account on the reward's platform gets nothing there (linking one later
does not bring it). A revoked badge's role is taken back unless another live badge of the
learner gives the same role; an invite link cannot be taken back (whoever used it is in the
group; an unused one expires)."""

from __future__ import annotations

from questbot.catalog import Quest
from questbot.catalog.rewards import DiscordRole, Reward, TelegramInvite
from questbot.domain.changes import NotifyAccount
from questbot.domain.ids import UserRef
from questbot.domain.messages import GrantRole, InviteLink, Outbound, RemoveRole
from questbot.domain.progress import AwardRecord, LearnerState
from questbot.engine.work import Work


def rewards_of(quest: Quest | None, badge_key: str) -> tuple[Reward, ...]:
    milestone = quest.milestone_for_badge(badge_key) if quest is not None else None
    return milestone.badge.rewards if milestone and milestone.badge else ()


def _accounts(learner: LearnerState, platform: str) -> list[UserRef]:
    return [a for a in learner.accounts if a.platform == platform]


def _queue(work: Work, learner: LearnerState, platform: str, message: Outbound) -> None:
    for account in _accounts(learner, platform):
        work.changes.append(NotifyAccount(account, message, work.now))


def grant_rewards(work: Work, learner: LearnerState, quest: Quest, award: AwardRecord) -> None:
    language = work.language_for(learner)
    badge = work.text(quest.badge_name(award.badge_key), language) or award.badge_name
    for reward in rewards_of(quest, award.badge_key):
        name = work.text(reward.name, language) or ""
        message: Outbound
        match reward:
            case DiscordRole():
                message = GrantRole(reward.server, reward.discord_role, name, badge,
                                    award.award_id, language)
            case TelegramInvite():
                message = InviteLink(reward.telegram_invite, name, badge, award.award_id,
                                     reward.expires_after, language)
        _queue(work, learner, reward.platform, message)


def take_back_rewards(work: Work, learner: LearnerState, award: AwardRecord) -> None:
    """After ``award`` is marked revoked: the roles it gave that no live badge still gives."""
    catalog = work.ctx.catalog
    kept = {reward.key() for other in learner.awards if not other.revoked
            for reward in rewards_of(catalog.get(other.quest_id), other.badge_key)
            if isinstance(reward, DiscordRole)}
    language = work.language_for(learner)
    quest = catalog.get(award.quest_id)
    badge = (work.text(quest.badge_name(award.badge_key), language) if quest else None) \
        or award.badge_name
    for reward in rewards_of(quest, award.badge_key):
        if isinstance(reward, DiscordRole) and reward.key() not in kept:
            _queue(work, learner, reward.platform, RemoveRole(
                reward.server, reward.discord_role, work.text(reward.name, language) or "",
                badge, award.award_id, language))
