"""What the bot says when it starts a conversation itself: the one reminder of a quest left
halfway (naming the quest and the next step), and the note that a streak breaks unless a step
is done before the period ends. Both wait for the end of the learner's community's quiet
hours; a streak note that would come too late is dropped. Pure decisions over the learner as
stored; the store claims each nudge first, so it is decided once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from questbot.catalog import Catalog, LocalizedText
from questbot.catalog.community import Community
from questbot.domain.changes import Change, PutPlay, PutReminder, QueueDelivery
from questbot.domain.messages import Text
from questbot.domain.progress import LearnerState
from questbot.domain.quiet import quiet_until
from questbot.domain.streaks import live_current, parse_key, period_end, period_start
from questbot.engine.home import home_of
from questbot.engine.progression import missing_requirements, quest_finished, step_title
from questbot.engine.work import EngineSettings
from questbot.i18n import shipped_languages, translate
from questbot.ports import Nudge


def _language(learner: LearnerState, settings: EngineSettings) -> str:
    shipped = shipped_languages()
    if learner.language in shipped:
        return learner.language
    return settings.default_language if settings.default_language in shipped else "en"


def _in(text: object, language: str) -> str:
    return text.text(language) if isinstance(text, LocalizedText) else str(text)


def _quiet_end(community: Community, now: datetime) -> datetime | None:
    quiet = community.spec.quiet_hours
    if quiet is None:
        return None
    start, end = quiet.window
    return quiet_until(now, community.zone, start, end)


def decide_nudge(nudge: Nudge, learner: LearnerState, *, catalog: Catalog,
                 settings: EngineSettings, now: datetime) -> Sequence[Change]:
    if not learner.accounts:
        return ()  # forgotten, or merged away: nobody to tell
    if nudge.kind == "reminder":
        return _reminder(nudge.quest_id, learner, catalog, settings, now)
    return _streak_note(learner, catalog, settings, now)


def _reminder(quest_id: str, learner: LearnerState, catalog: Catalog,
              settings: EngineSettings, now: datetime) -> Sequence[Change]:
    quest = catalog.get(quest_id)
    if learner.play.reminders_off or quest is None or quest_id not in learner.enrolments \
            or quest_finished(learner, quest):
        return ()
    community = home_of(catalog, learner)
    later = _quiet_end(community, now)
    if later is not None:
        return (PutReminder(learner.learner_id, quest_id, later, again=True),)
    following = next((s for s in quest.spec.steps if not learner.is_complete(quest.id, s.id)
                      and not missing_requirements(learner, quest, s)), None)
    if following is None:
        return ()
    language = _language(learner, settings)
    text = translate("reminder.text", language, quest=_in(quest.title, language),
                     step=_in(step_title(quest, following.id), language), id=quest.id)
    return (QueueDelivery(learner.learner_id, Text(text, language), now),)


def _streak_note(learner: LearnerState, catalog: Catalog, settings: EngineSettings,
                 now: datetime) -> Sequence[Change]:
    community = home_of(catalog, learner)
    rules = community.spec.streaks
    streak = learner.play.streak
    last = parse_key(streak.last)
    if rules is None or last is None or last[0] != rules.period or streak.current < 2:
        return ()
    this_period = period_start(now, community.zone, rules.period)
    if live_current(streak, now, community.zone, rules.period) < 2 or this_period <= last[1]:
        return ()  # broken before the note came, or a step is done this period already
    ends = period_end(this_period, community.zone, rules.period)
    later = _quiet_end(community, now)
    if later is not None:
        if later >= ends:
            return ()  # quiet until the streak has gone: no note this time
        learner.play.streak_warn_at = later
        return (PutPlay(learner.learner_id, learner.play),)
    language = _language(learner, settings)
    key = "streak.warn_week" if rules.period == "week" else "streak.warn_day"
    return (QueueDelivery(learner.learner_id,
                          Text(translate(key, language, count=streak.current), language), now),)

