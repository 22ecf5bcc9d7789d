"""A community's streaks: days (or weeks) in a row with at least one completed step, counted
in the community's time zone, and when to warn that one is about to break."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from questbot.catalog.fields import (
    DAY,
    HOUR,
    Strict,
    _duration_schema,
    _parse_duration,
    _within,
)

WarnBefore = Annotated[
    int, BeforeValidator(_parse_duration), AfterValidator(_within(HOUR, 6 * DAY)),
    _duration_schema(HOUR, 6 * DAY, "how long before a period ends to warn")]


class StreakRules(Strict):
    period: Literal["day", "week"] = Field(
        "day", description="count days in a row, or weeks (Monday to Sunday) in a row")
    warn_before: WarnBefore = Field(
        4 * HOUR, description="a learner with a streak of 2 or more and nothing done yet is "
                              "told this long before the period ends (once per period)")
