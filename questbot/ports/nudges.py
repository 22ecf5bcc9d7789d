"""Messages the bot starts itself, off the event path: a reminder of a quest left halfway,
a note that a streak is about to break. The store finds due ones by an index, in small
batches; each is claimed and decided in one short transaction of its own, so two processes
(or a restart) never send one twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from questbot.domain.changes import Change
from questbot.domain.progress import LearnerState


@dataclass(frozen=True, slots=True)
class Nudge:
    kind: Literal["reminder", "streak"]
    learner_id: str
    quest_id: str  # the reminder's quest; "" for a streak
    due_at: datetime


# Given the learner as stored once the nudge is claimed: what to write (a message through
# the outbox, or the nudge put back for later); nothing: the nudge is dropped.
DecideNudge = Callable[[LearnerState], Sequence[Change]]


class Nudges(Protocol):
    async def due_nudges(self, now: datetime, limit: int = 50) -> list[Nudge]:
        """Reminders and streak notes due by ``now``, the earliest first."""
        ...

    async def run_nudge(self, nudge: Nudge, decide: DecideNudge) -> bool:
        """Claim ``nudge`` (False: another process took it, or it changed) and write what
        ``decide`` says, in one transaction."""
        ...
