"""Who may join a quest, and when: prerequisites, opening and closing dates, and a new round
of a repeatable quest once its cooldown has passed."""

from __future__ import annotations

from datetime import timedelta

from questbot.catalog import Quest
from questbot.domain.errors import Rejected
from questbot.domain.progress import LearnerState
from questbot.engine.opening import require_open
from questbot.engine.progression import finished_at, quest_finished
from questbot.engine.work import Work
from questbot.i18n import format_moment


def unfinished_prerequisites(work: Work, learner: LearnerState, quest: Quest) -> list[str]:
    """The titles of the quests ``quest`` requires that the learner has not finished."""
    titles = []
    for quest_id in quest.spec.requires_quests:
        required = work.ctx.catalog.get(quest_id)
        if required is None or not quest_finished(learner, required):
            titles.append(work.text(required.title) if required else quest_id)
    return titles


def require_joinable(work: Work, learner: LearnerState, quest: Quest) -> None:
    """Refuse, saying why, a quest still locked, not yet open, or closed."""
    title = work.text(quest.title)
    missing = unfinished_prerequisites(work, learner, quest)
    if missing:
        raise Rejected("quest.locked", quest=title, first=", ".join(missing))
    require_open(work, quest)


def start_new_round(work: Work, learner: LearnerState, quest: Quest) -> None:
    """A learner already on ``quest`` joins again: only a repeatable quest they finished, once
    its cooldown has passed. Their steps start afresh; XP and badges earned stay."""
    title = work.text(quest.title)
    finished = finished_at(learner, quest)
    if quest.spec.repeatable is None or finished is None:
        raise Rejected("quest.already_joined", quest=title)
    ready = finished + timedelta(seconds=quest.spec.repeatable.cooldown)
    if work.now < ready:
        raise Rejected("quest.cooldown", quest=title,
                       when=format_moment(ready, work.language))
    require_joinable(work, learner, quest)
    for step_id in quest.steps:
        state = learner.steps.get((quest.id, step_id))
        if state is not None:
            state.count, state.completed_at, state.evidence = 0, None, {}
            state.last_attempt_at = None
            work.save_step(learner, state)
    if learner.quiz is not None and learner.quiz.quest_id == quest.id:
        learner.quiz = None
        work.touch(learner)


def quest_notes(work: Work, learner: LearnerState, quest: Quest) -> list[str]:
    """What /quests adds under a quest: why it is locked, and when it opens or closes."""
    notes = []
    missing = unfinished_prerequisites(work, learner, quest)
    if missing and quest.id not in learner.enrolments:
        notes.append(work.t("quests.note_locked", first=", ".join(missing)))
    opens, closes = quest.spec.opens, quest.spec.closes
    if opens is not None and work.now < opens:
        notes.append(work.t("quests.note_opens", opens=format_moment(opens, work.language)))
    if closes is not None:
        key = "quests.note_closed" if work.now > closes else "quests.note_closes"
        notes.append(work.t(key, closes=format_moment(closes, work.language)))
    return notes
