"""Streaks: a completed step counts for the period (day or week) it falls in, in the time
zone of the community where it was done (see ``home``). The streak grows once per period,
with one message when it does; the about-to-break note is scheduled here (its due time
indexed, so the scan never reads learners who need none) and sent by ``nudges``."""

from __future__ import annotations

from datetime import timedelta

from questbot.catalog.community import Community
from questbot.domain.messages import Text
from questbot.domain.progress import LearnerState
from questbot.domain.streaks import live_current, record_activity, warning_due
from questbot.engine.home import community_of
from questbot.engine.work import Work


def count_step(work: Work, learner: LearnerState, *, to_actor: bool) -> None:
    """A step was just completed by ``learner``."""
    community = community_of(work, learner)
    rules = community.spec.streaks
    if rules is None:
        return
    play = learner.play
    streak, grew = record_activity(play.streak, work.now, community.zone, rules.period)
    if streak == play.streak:
        return  # this period already counted: nothing to write, nothing to say
    play.streak = streak
    play.streak_warn_at = warning_due(streak, community.zone, rules.period,
                                      timedelta(seconds=rules.warn_before))
    work.touch_play(learner)
    if grew:
        key = "streak.grew_week" if rules.period == "week" else "streak.grew_day"
        text = work.t_for(learner, key, count=streak.current, best=streak.best)
        message = Text(text, work.language_for(learner))
        if to_actor:
            work.reply(message)
        else:
            work.deliver(learner, message)


def streak_line(work: Work, learner: LearnerState, community: Community) -> str | None:
    """The /progress line: the streak as it stands now, and the best."""
    rules = community.spec.streaks
    if rules is None:
        return None
    current = live_current(learner.play.streak, work.now, community.zone, rules.period)
    key = "progress.streak_week" if rules.period == "week" else "progress.streak_day"
    return work.t(key, count=current, best=max(learner.play.streak.best, current))
