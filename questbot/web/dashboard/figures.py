"""A quest's figures from its rows: who finished and when, how long it took."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from questbot.ports.dashboard import QuestOutline, QuestProgress


@dataclass(frozen=True)
class Completion:
    learner_id: str
    finished_at: datetime
    took: timedelta | None  # None when the joining time is not among the rows read


def completions(outline: QuestOutline, progress: QuestProgress) -> list[Completion]:
    """Learners who met the quest's completion rule, and when: the moment the rule's
    ``need``-th step was done."""
    done: dict[str, list[datetime]] = defaultdict(list)
    for row in progress.done:
        if row.step_id in outline.completion_steps:
            done[row.learner_id].append(row.completed_at)
    joined = {j.learner_id: j.joined_at for j in progress.joiners}
    need = max(outline.completion_need, 1)
    found = []
    for learner_id, times in done.items():
        if len(times) < need:
            continue
        finished = sorted(times)[need - 1]
        start = joined.get(learner_id)
        took = finished - start if start is not None and finished >= start else None
        found.append(Completion(learner_id, finished, took))
    return sorted(found, key=lambda c: c.finished_at)


def median_time(found: list[Completion]) -> timedelta | None:
    durations = [c.took.total_seconds() for c in found if c.took is not None]
    return timedelta(seconds=statistics.median(durations)) if durations else None


def duration_text(value: timedelta | None, say: Callable[..., str]) -> str:
    """A duration in days and hours, or hours and minutes, in the reader's words; ``-``
    for none."""
    if value is None:
        return "-"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return say("dash.days_hours", days=days, hours=hours)
    return say("dash.hours_minutes", hours=hours, minutes=minutes)
