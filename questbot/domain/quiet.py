"""Quiet hours: a daily window, in a time zone, when the bot starts no conversation."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo


def quiet_until(now: datetime, zone: tzinfo, start: time, end: time) -> datetime | None:
    """When the quiet hours holding ``now`` end (UTC); None when ``now`` is outside them.
    ``start`` after ``end`` wraps past midnight (21:00 to 08:00)."""
    if start == end:
        return None
    local = now.astimezone(zone)
    at = local.time().replace(tzinfo=None)
    if start < end:
        inside, end_day = start <= at < end, local.date()
    else:
        inside = at >= start or at < end
        end_day = local.date() + timedelta(days=1) if at >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end).replace(tzinfo=zone).astimezone(UTC)
