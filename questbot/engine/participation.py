"""Participation: messages and reactions in community channels count towards steps.

A reaction step counts distinct posts: a reaction names its post, and each (step, post) is
counted once however often the reaction changes or however many emoji it gets. Reactions to
one's own posts (from any linked account) do not count; neither does anything the bot's own
account does, which adapters never pass on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from questbot.catalog import ParticipationStep, Quest
from questbot.domain.changes import CountReaction, RecordPost
from questbot.domain.messages import React, post_key
from questbot.domain.progress import LearnerState
from questbot.engine.farming import message_counts
from questbot.engine.home import note_home
from questbot.engine.opening import is_open
from questbot.engine.progression import complete_step, missing_requirements
from questbot.engine.work import Work


def channel_key(name: str | None) -> str | None:
    return name.strip().lstrip("#").casefold() if name else None


def remember_post(work: Work) -> RecordPost | None:
    """Who wrote this channel message, for platforms whose reactions do not say."""
    conversation = work.event.conversation
    if conversation.private or work.event.message_id is None:
        return None
    return RecordPost(post_key(conversation, work.event.message_id), work.event.actor,
                      work.now)


def react(work: Work, command: React) -> None:
    learner = work.actor()
    author = command.author or work.snapshot.post_author
    if author is not None and (author == work.event.actor or author in learner.accounts):
        return  # cheering oneself on is not taking part
    post = post_key(work.event.conversation, command.message_id) \
        if command.message_id is not None else None
    count_participation(work, learner, "reaction", post)


def count_participation(
    work: Work, learner: LearnerState, action: Literal["message", "reaction"],
    post: str | None = None, text: str | None = None,
) -> None:
    """Count one message or one reaction; a reaction to ``post`` counts once per step (a
    platform that cannot name the post, the terminal chat, counts each one). A message the
    community's rules ignore (``farming``) counts for no step."""
    conversation = work.event.conversation
    if conversation.private:
        return  # talking to the bot alone is not taking part in the community
    note_home(work, learner)
    channel = channel_key(conversation.channel)

    def open_steps() -> Iterator[tuple[Quest, ParticipationStep]]:
        for quest_id in list(learner.enrolments):
            quest = work.ctx.catalog.get(quest_id)
            if quest is None or not is_open(work, quest):
                continue
            for step in quest.spec.steps:
                if not isinstance(step, ParticipationStep) or step.action != action:
                    continue
                if step.channel and channel_key(step.channel) != channel:
                    continue
                if (learner.is_complete(quest.id, step.id)
                        or missing_requirements(learner, quest, step)):
                    continue
                yield quest, step

    if next(open_steps(), None) is None:
        return  # nothing this could count for: the message rules need not look at it
    if text is not None and not message_counts(work, learner, text):
        return
    for quest, step in open_steps():  # a step this one completes may open the next
        if post is not None:
            if (quest.id, step.id) in work.snapshot.post_counted_for:
                continue
            work.changes.append(CountReaction(learner.learner_id, quest.id, step.id, post,
                                              work.now))
        state = learner.step(quest.id, step.id)
        state.count += 1
        work.save_step(learner, state)
        if state.count >= step.count:
            unit = "messages" if action == "message" else "reactions"
            complete_step(work, learner, quest, step.id, {unit: str(state.count)},
                          taking_part=True)
