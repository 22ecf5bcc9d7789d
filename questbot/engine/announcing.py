"""Where a new badge is told, as the community's file says (``announcements:``):

- in a group, where the learner earned it, with the rest of what the event said (one
  message, addressed to the learner), when badges are announced and no other channel is
  named (or the named channel is this one);
- otherwise to the learner privately (their reply in a private chat, or the outbox), and,
  when badges are announced in a named channel, an announcement there through the outbox
  (once), in each of the community's places on a platform where the learner has an account
  (the default community, which names no places, in the place where the event happened)."""

from __future__ import annotations

from questbot.catalog import Quest
from questbot.catalog.community import Community, place_of
from questbot.domain.changes import NotifyAccount
from questbot.domain.channels import channel_account
from questbot.domain.messages import Announcement, BadgeAwarded
from questbot.domain.progress import LearnerState
from questbot.engine.work import Work
from questbot.i18n import translate


def publish_badge(work: Work, learner: LearnerState, quest: Quest, badge_name: str,
                  badge: BadgeAwarded, *, to_actor: bool) -> None:
    """``badge_name``: the badge's name as the quest writes it (a LocalizedText), so the
    announcement reads it in the community's language."""
    conversation = work.event.conversation
    community = work.ctx.catalog.community_for(conversation)
    settings = community.spec.announcements
    in_group = to_actor and not conversation.private
    told_here = in_group and settings.badges and settings.channel in (None, conversation.channel)
    if told_here or (to_actor and not in_group):
        work.reply(badge)
    else:
        work.deliver(learner, badge)
    if settings.badges and settings.channel is not None and not told_here:
        _announce(work, community, learner, quest, badge_name, badge, settings.channel)


def _announce(work: Work, community: Community, learner: LearnerState, quest: Quest,
              badge_name: str, badge: BadgeAwarded, channel: str) -> None:
    places = set(community.spec.places)
    here = place_of(work.event.conversation)
    if not places and here is not None:
        places.add(here)
    language = work.language_of(None)  # the community's: everyone reads it
    for place in sorted(places):
        platform, _, place_id = place.partition(":")
        account = next((a.user_id for a in learner.accounts if a.platform == platform), None)
        if account is None:
            continue  # nobody there knows them by this platform's name
        name = learner.display_name or account
        text = translate("announce.badge", language, learner=name,
                         badge=work.text(badge_name, language),
                         quest=work.text(quest.title, language), url=badge.url)
        work.changes.append(NotifyAccount(channel_account(platform, place_id, channel),
                                          Announcement(text, name, account, language),
                                          work.now))
