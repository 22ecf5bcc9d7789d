"""The game a community file configures: levels from XP (a curve or explicit thresholds, with
names), seasons of the leaderboard, and the daily cap on participation XP."""

from __future__ import annotations

from bisect import bisect_right
from functools import cached_property
from itertools import pairwise
from typing import Literal

from pydantic import Field, model_validator

from questbot.catalog.fields import MAX_XP, Strict
from questbot.catalog.localized import ShortLocalized

MAX_LEVELS = 100
MAX_THRESHOLD = 1_000_000_000  # no level needs more XP than this


class LevelCurve(Strict):
    first: int = Field(100, ge=1, le=MAX_XP, description="XP from level 1 to level 2")
    growth: float = Field(1.5, ge=1.0, le=10.0,
                          description="each level needs this many times the XP of the one "
                                      "before")


class Levels(Strict):
    curve: LevelCurve | None = Field(
        None, description="level 2 at `first` XP, each next step `growth` times longer")
    thresholds: tuple[int, ...] | None = Field(
        None, min_length=1, max_length=MAX_LEVELS - 1,
        description="the XP at which levels 2, 3, ... begin, increasing (instead of a curve)")
    names: tuple[ShortLocalized, ...] | None = Field(
        None, max_length=MAX_LEVELS,
        description="level 1's name, level 2's...; omitted: the built-in names, [] none")

    @model_validator(mode="after")
    def _one_way(self) -> Levels:
        if self.curve is not None and self.thresholds is not None:
            raise ValueError("give either curve or thresholds, not both")
        if self.thresholds is not None:
            steps = (0, *self.thresholds)
            if any(b <= a for a, b in pairwise(steps)):
                raise ValueError("thresholds must increase, each above the one before")
            if self.thresholds[-1] > MAX_THRESHOLD:
                raise ValueError(f"thresholds go up to {MAX_THRESHOLD}")
        return self

    @cached_property
    def starts(self) -> tuple[int, ...]:
        """The XP at which each level begins: level 1 at 0."""
        if self.thresholds is not None:
            return (0, *self.thresholds)
        curve = self.curve or LevelCurve.model_validate({})
        starts, step = [0], float(curve.first)
        while len(starts) < MAX_LEVELS and starts[-1] + step <= MAX_THRESHOLD:
            starts.append(starts[-1] + round(step))
            step *= curve.growth
        return tuple(starts)

    def level(self, xp: int) -> int:
        """The level ``xp`` reaches, from 1."""
        return bisect_right(self.starts, max(xp, 0))

    def bounds(self, level: int) -> tuple[int, int | None]:
        """Where a level begins and the next begins (None at the top level)."""
        starts = self.starts
        return starts[level - 1], starts[level] if level < len(starts) else None


Seasons = Literal["weekly", "monthly", "none"]


class AntiFarming(Strict):
    daily_participation_xp: int | None = Field(
        None, ge=0, le=MAX_XP,
        description="the most XP participation steps give a learner in one day (in the "
                    "community's time zone); none: no cap")


class Leaderboard(Strict):
    seasons: Seasons = Field(
        "monthly", description="seasonal standings restart each week (Monday) or month, in "
                               "the community's time zone; none: all-time only")
    winners: int = Field(3, ge=0, le=10, description="how many at the top are told they won")
