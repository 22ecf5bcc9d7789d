"""Days and seasons in a community's time zone: the keys the daily XP cap and the seasonal
leaderboards are counted under."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

ALL_TIME = "all"  # the all-time standings' period; season keys begin with a digit

SeasonKind = Literal["weekly", "monthly", "none"]


def day_of(moment: datetime, zone: tzinfo) -> str:
    """The day ``moment`` falls on where the community lives, as ``2026-12-03``."""
    return moment.astimezone(zone).date().isoformat()


def season_of(kind: SeasonKind, moment: datetime, zone: tzinfo) -> str | None:
    """The season ``moment`` falls in: ``2026-12`` (monthly), ``2026-W49`` (weekly, ISO
    weeks from Monday), or None when the community has no seasons."""
    local = moment.astimezone(zone)
    if kind == "monthly":
        return f"{local.year:04d}-{local.month:02d}"
    if kind == "weekly":
        year, week, _ = local.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return None


def season_days(key: str) -> tuple[date, date] | None:
    """The first and last day of the season ``key`` names (``2026-12``, ``2026-W49``), or
    None for the all-time key or one no season has."""
    try:
        if "-W" in key:
            year, week = key.split("-W")
            monday = date.fromisocalendar(int(year), int(week), 1)
            return monday, monday + timedelta(days=6)
        year, month = key.split("-")
        first = date(int(year), int(month), 1)
    except ValueError:
        return None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)
