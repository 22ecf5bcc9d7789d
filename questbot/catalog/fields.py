"""The building blocks of the quest format: field types with their limits, durations and
times that refuse absurd values, and the strict base model every part derives from."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
Slug = Annotated[
    str, Field(pattern=SLUG_PATTERN, description="lower-case letters, digits, - and _")
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)]

# Limits on what one quest may hold, so a file cannot ask for absurd work or sizes.
MAX_STEPS = 200
MAX_QUESTIONS = 100
MAX_MILESTONES = 200
MAX_TAGS = 50
MAX_ALIGNMENTS = 50
MAX_COUNT = 10_000
MAX_ATTEMPTS = 100
MAX_XP = 1_000_000

MINUTE, HOUR, DAY = 60, 3600, 86400
YEAR = 365 * DAY

_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_DURATION_FORMS = "90, 90s, 10m, 2h or 1d"


def _parse_duration(value: Any) -> Any:
    if isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise PydanticCustomError(
                "duration", "expected a duration such as {forms}",
                {"forms": _DURATION_FORMS, "hint": "a number of seconds, or a number with a "
                 "unit: s (seconds), m (minutes), h (hours), d (days)"})
        digits = match.group(1)
        if len(digits) > 15:  # far beyond any limit; int() of thousands of digits is slow
            return 10**15
        return int(digits) * _UNIT_SECONDS[match.group(2)]
    return value


def _spoken(seconds: int) -> str:
    for unit, size in (("d", DAY), ("h", HOUR), ("m", MINUTE)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _within(low: int, high: int) -> Callable[[int], int]:
    def check(seconds: int) -> int:
        if not low <= seconds <= high:
            side = "longest" if seconds > high else "shortest"
            raise PydanticCustomError(
                "duration_range", "expected a duration from {low} to {high}",
                {"low": _spoken(low), "high": _spoken(high),
                 "hint": f"the {side} allowed is {_spoken(high if seconds > high else low)}"})
        return seconds
    return check


def _duration_schema(low: int, high: int, what: str) -> WithJsonSchema:
    return WithJsonSchema({
        "anyOf": [
            {"type": "integer", "minimum": low, "maximum": high},
            {"type": "string", "pattern": r"^\s*\d+\s*[smhd]?\s*$"},
        ],
        "description": f"{what}: seconds, or a number with a unit (90s, 10m, 2h, 1d), "
                       f"from {_spoken(low)} to {_spoken(high)}",
    })


ExpiryDuration = Annotated[
    int, BeforeValidator(_parse_duration), AfterValidator(_within(HOUR, 10 * YEAR)),
    _duration_schema(HOUR, 10 * YEAR, "badges expire this long after award")]
Cooldown = Annotated[
    int, BeforeValidator(_parse_duration), AfterValidator(_within(0, YEAR)),
    _duration_schema(0, YEAR, "wait between attempts")]
TimeLimit = Annotated[
    int, BeforeValidator(_parse_duration), AfterValidator(_within(5, DAY)),
    _duration_schema(5, DAY, "time allowed per question")]
Rotation = Annotated[
    int, BeforeValidator(_parse_duration), AfterValidator(_within(10, DAY)),
    _duration_schema(10, DAY, "a new code every so often, so a shared code stops working")]

# Times outside these years are typing mistakes (9999, 0001); inside them, date arithmetic
# (an expiry, a time zone) can never overflow.
FIRST_YEAR, LAST_YEAR = 1970, 2099


def _plausible(when: datetime) -> datetime:
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise PydanticCustomError(
            "time_range", "expected a time between {first} and {last}",
            {"first": FIRST_YEAR, "last": LAST_YEAR,
             "hint": f"check the year ({when.year}); for example 2026-12-01T18:00:00Z"})
    return when


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
