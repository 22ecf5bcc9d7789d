"""Participation: post messages, react to posts, or be granted the step by a tutor."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from questbot.catalog.fields import MAX_COUNT
from questbot.catalog.steps.base import StepBase, Todo
from questbot.domain.progress import StepState


class ParticipationStep(StepBase):
    kind: Literal["participation"]
    action: Literal["message", "reaction", "grant"] = "message"
    count: int = Field(1, ge=1, le=MAX_COUNT)
    channel: str | None = Field(None, min_length=1, max_length=100,
                                description="only messages in this channel count")

    def todo(self, quest_id: str, state: StepState | None) -> Todo:
        count = state.count if state else 0
        return f"step.todo_{self.action}", {"count": count, "target": self.count,
                                             "channel": self.channel or ""}
