"""A community's reminders for quests left halfway, and its quiet hours (no reminder or
streak warning is sent between them, in the community's time zone)."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from questbot.catalog.fields import (
    DAY,
    HOUR,
    YEAR,
    Strict,
    _duration_schema,
    _parse_duration,
    _within,
)

RemindAfter = Annotated[
    int, BeforeValidator(_parse_duration), AfterValidator(_within(HOUR, YEAR)),
    _duration_schema(HOUR, YEAR, "how long without progress before the reminder")]

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _clock_time(text: str) -> str:
    if not _CLOCK.match(text):
        raise PydanticCustomError("clock_time", "expected a time of day as HH:MM",
                                  {"hint": "24-hour time with two digits each, e.g. 21:00"})
    return text


ClockTime = Annotated[str, AfterValidator(_clock_time),
                      Field(description="a time of day, HH:MM (24-hour)",
                            pattern=r"^([01]\d|2[0-3]):([0-5]\d)$")]


class ReminderRules(Strict):
    after: RemindAfter = Field(
        3 * DAY, description="a learner who joined a quest, did some of its steps and none "
                             "for this long gets one reminder for it")


class QuietHours(Strict):
    start: ClockTime = Field(alias="from", description="quiet from this time...")
    end: ClockTime = Field(alias="to", description="...to this one (may wrap past midnight)")

    @property
    def window(self) -> tuple[time, time]:
        return time.fromisoformat(self.start), time.fromisoformat(self.end)


__all__ = ["ClockTime", "QuietHours", "ReminderRules"]
