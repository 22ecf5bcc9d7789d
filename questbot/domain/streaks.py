"""Streak arithmetic: which period (a local day, or a Monday-to-Sunday week) a moment falls
in, in a time zone, and how a streak grows, holds or starts again. Pure functions; periods are
named by the local date they begin on, so daylight-saving changes (a 23- or 25-hour day) never
shift a day boundary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

Period = Literal["day", "week"]


@dataclass(frozen=True, slots=True)
class Streak:
    current: int = 0
    best: int = 0
    last: str | None = None  # the last period with a step done: "day:2026-12-03", "week:..."


def period_start(moment: datetime, zone: tzinfo, period: Period) -> date:
    """The local date the period holding ``moment`` begins on."""
    local = moment.astimezone(zone).date()
    return local - timedelta(days=local.weekday()) if period == "week" else local


def period_key(start: date, period: Period) -> str:
    return f"{period}:{start.isoformat()}"


def _step(period: Period) -> timedelta:
    return timedelta(days=7 if period == "week" else 1)


def parse_key(key: str | None) -> tuple[Period, date] | None:
    if not key:
        return None
    kind, _, day = key.partition(":")
    if kind not in ("day", "week"):
        return None
    try:
        return ("week" if kind == "week" else "day"), date.fromisoformat(day)
    except ValueError:
        return None


def record_activity(streak: Streak, moment: datetime, zone: tzinfo,
                    period: Period) -> tuple[Streak, bool]:
    """The streak after a step done at ``moment``, and whether it grew past 1 just now (which
    happens at most once per period). A streak kept in another unit starts again."""
    start = period_start(moment, zone, period)
    last = parse_key(streak.last)
    if last is not None and last[0] == period:
        if start <= last[1]:  # this period again (or a zone a little behind): nothing new
            return streak, False
        if start - last[1] == _step(period):
            current = streak.current + 1
            return Streak(current, max(streak.best, current), period_key(start, period)), True
    return Streak(1, max(streak.best, 1), period_key(start, period)), False


def live_current(streak: Streak, now: datetime, zone: tzinfo, period: Period) -> int:
    """The streak as it stands at ``now``: kept while the last period with a step is this one
    or the one before (there is still time today), else broken (0)."""
    last = parse_key(streak.last)
    if last is None or last[0] != period:
        return 0
    start = period_start(now, zone, period)
    return streak.current if start - last[1] <= _step(period) else 0


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The UTC moment ``day`` begins in ``zone``. A midnight a clock change skips reads with
    the offset before the change: the moment the clocks jump past it."""
    return datetime.combine(day, time(0)).replace(tzinfo=zone).astimezone(UTC)


def period_end(start: date, zone: tzinfo, period: Period) -> datetime:
    """When the period that begins on ``start`` ends (UTC)."""
    return local_midnight(start + _step(period), zone)


def warning_due(streak: Streak, zone: tzinfo, period: Period,
                before: timedelta) -> datetime | None:
    """When to warn that the streak breaks unless a step is done in the next period: that
    period's end less ``before``; None for a streak under 2."""
    last = parse_key(streak.last)
    if streak.current < 2 or last is None or last[0] != period:
        return None
    following = last[1] + _step(period)
    return max(period_end(following, zone, period) - before, local_midnight(following, zone))
