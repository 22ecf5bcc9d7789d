"""Reminders for quests left halfway: each step done moves the quest's one reminder later
(the community's ``reminders.after`` from now); finishing the quest drops it. ``nudges``
sends it when due. ``/reminders off|on`` is the learner's choice."""

from __future__ import annotations

from datetime import timedelta

from questbot.catalog import Quest
from questbot.domain.changes import PutReminder
from questbot.domain.messages import SetReminders
from questbot.domain.progress import LearnerState
from questbot.engine.home import community_of
from questbot.engine.work import Work


def after_progress(work: Work, learner: LearnerState, quest: Quest, *, finished: bool) -> None:
    rules = community_of(work, learner).spec.reminders
    if finished:
        work.changes.append(PutReminder(learner.learner_id, quest.id, None))
    elif rules is not None:
        due = work.now + timedelta(seconds=rules.after)
        work.changes.append(PutReminder(learner.learner_id, quest.id, due))


def set_reminders(work: Work, command: SetReminders) -> None:
    learner = work.actor()
    if learner.play.reminders_off == (not command.on):
        work.say("reminders.on" if command.on else "reminders.off")
        return
    learner.play.reminders_off = not command.on
    work.touch_play(learner)
    work.say("reminders.on" if command.on else "reminders.off")
