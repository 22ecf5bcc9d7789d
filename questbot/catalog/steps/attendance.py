"""Attendance: check in with the code shown in a session, while its window is open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from questbot.catalog.fields import Moment, Rotation, ShortText
from questbot.catalog.steps.base import Problem, StepBase, Todo
from questbot.domain.progress import StepState


class AttendanceStep(StepBase):
    kind: Literal["attendance"]
    opens: Moment
    closes: Moment
    rotate_every: Rotation | None = None
    code_length: int = Field(6, ge=4, le=10)
    location: ShortText | None = None

    def problems(self) -> Iterator[Problem]:
        if self.closes <= self.opens:
            yield (("closes",), "the check-in window closes before it opens",
                   f"opens is {self.opens.isoformat()}")

    def todo(self, quest_id: str, state: StepState | None) -> Todo:
        return "step.todo_attendance", {
            "opens": self.opens.strftime("%Y-%m-%d %H:%M %Z").strip(),
            "closes": self.closes.strftime("%Y-%m-%d %H:%M %Z").strip()}
