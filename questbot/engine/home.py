"""Which community's settings (time zone, streaks, reminders, message rules) count for a
learner: where the event happened when it happened in a community's place; otherwise (a
private chat, a tutor's action, the reminder scan) the community where the learner last
took part in public, their home community; otherwise the default community."""

from __future__ import annotations

from questbot.catalog import Catalog
from questbot.catalog.community import Community
from questbot.domain.progress import LearnerState
from questbot.engine.work import Work


def home_of(catalog: Catalog, learner: LearnerState) -> Community:
    home = learner.play.home_community
    found = catalog.communities.get(home) if home else None
    return found or catalog.default_community


def community_of(work: Work, learner: LearnerState) -> Community:
    conversation = work.event.conversation
    if not conversation.private and learner is work.snapshot.actor:
        return work.ctx.catalog.community_for(conversation)
    return home_of(work.ctx.catalog, learner)


def note_home(work: Work, learner: LearnerState) -> Community:
    """The actor takes part in public here: this community becomes their home (written only
    when it changes)."""
    community = work.ctx.catalog.community_for(work.event.conversation)
    if learner.play.home_community != community.id:
        learner.play.home_community = community.id
        work.touch_play(learner)
    if learner.home_community != community.id:  # the same column, read by the leaderboards
        learner.home_community = community.id
        work.touch(learner)
    return community
