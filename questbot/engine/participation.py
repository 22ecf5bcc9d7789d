"""Participation: messages and reactions in community channels count towards steps."""

from __future__ import annotations

from typing import Literal

from questbot.catalog import ParticipationStep
from questbot.domain.progress import LearnerState
from questbot.engine.progression import complete_step, missing_requirements
from questbot.engine.work import Work


def channel_key(name: str | None) -> str | None:
    return name.strip().lstrip("#").casefold() if name else None


def count_participation(
    work: Work, learner: LearnerState, action: Literal["message", "reaction"]
) -> None:
    conversation = work.event.conversation
    if conversation.private:
        return  # talking to the bot alone is not taking part in the community
    channel = channel_key(conversation.channel)
    for quest_id in list(learner.enrolments):
        quest = work.ctx.catalog.get(quest_id)
        if quest is None:
            continue
        for step in quest.spec.steps:
            if not isinstance(step, ParticipationStep) or step.action != action:
                continue
            if step.channel and channel_key(step.channel) != channel:
                continue
            if learner.is_complete(quest.id, step.id) or missing_requirements(learner, quest, step):
                continue
            state = learner.step(quest.id, step.id)
            state.count += 1
            work.save_step(learner, state)
            if state.count >= step.count:
                unit = "messages" if action == "message" else "reactions"
                complete_step(work, learner, quest, step.id, {unit: str(state.count)})
