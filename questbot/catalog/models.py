"""The quest file format as strict, immutable pydantic models (the schema community managers
write against). Cross-file and cross-field checks that need the whole file live in ``checks``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from questbot.catalog.patterns import (
    MAX_PATTERN_ANSWERS,
    MAX_PATTERN_CHARS,
    AnswerPattern,
    PatternError,
    check_pattern,
)

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


def _runs_in_re2(pattern: str, info: ValidationInfo) -> str:
    if isinstance(info.context, dict):  # the loader counts a file's patterns here
        seen = info.context["patterns"] = info.context.get("patterns", 0) + 1
        if seen > MAX_PATTERN_ANSWERS:
            raise PydanticCustomError(
                "too_many_patterns", "a quest file has at most {limit} pattern answers",
                {"limit": MAX_PATTERN_ANSWERS,
                 "hint": "list the accepted answers instead, or split the quest"})
    try:
        check_pattern(pattern)
    except PatternError as exc:
        raise PydanticCustomError("pattern", "{message}",
                                  {"message": exc.message, "hint": exc.hint}) from exc
    return pattern


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Alignment(Strict):
    """Where the badge sits in a skills framework (Open Badges ``alignment``)."""

    targetName: ShortText
    targetUrl: Url = Field(
        description="the framework's page for this skill (Open Badges 3.0 requires it)")
    targetDescription: LongText | None = None
    targetFramework: ShortText | None = None
    targetCode: ShortText | None = None


class BadgeSpec(Strict):
    name: ShortText
    description: LongText
    criteria: LongText = Field(description="what a learner did to earn it, in plain words")
    image: str | None = Field(None, max_length=500,
                              description="PNG path relative to the quest file")
    tags: tuple[ShortText, ...] = Field((), max_length=MAX_TAGS)
    alignment: tuple[Alignment, ...] = Field((), max_length=MAX_ALIGNMENTS)
    expires_after: ExpiryDuration | None = None
    repeatable: bool = Field(False, description="may one learner hold it more than once?")


class MilestoneBadge(Strict):
    name: ShortText
    description: LongText | None = None
    criteria: LongText | None = None
    image: str | None = Field(None, max_length=500)
    repeatable: bool = Field(False, description="may one learner hold it more than once?")


class StepBase(Strict):
    id: Slug
    title: ShortText | None = None
    description: LongText | None = None
    requires: tuple[Slug, ...] = Field((), max_length=MAX_STEPS,
                                       description="steps that must be complete first")


class ParticipationStep(StepBase):
    kind: Literal["participation"]
    action: Literal["message", "reaction", "grant"] = "message"
    count: int = Field(1, ge=1, le=MAX_COUNT)
    channel: str | None = Field(None, min_length=1, max_length=100,
                                description="only messages in this channel count")


class PatternAnswer(Strict):
    """A regular expression the whole answer must match, run by RE2 (see ``patterns``)."""

    pattern: Annotated[str, Field(min_length=1, max_length=MAX_PATTERN_CHARS,
                                  description="RE2 syntax: no backreferences or lookaround"),
                       AfterValidator(_runs_in_re2)]
    case_sensitive: bool = False
    _compiled: AnswerPattern | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _compile_once(self) -> PatternAnswer:
        try:
            self._compiled = AnswerPattern(self.pattern, self.case_sensitive)
        except PatternError as exc:
            raise PydanticCustomError("pattern", "{message}",
                                      {"message": exc.message, "hint": exc.hint}) from exc
        return self

    def matches(self, answer: str) -> bool:
        compiled = self._compiled or AnswerPattern(self.pattern, self.case_sensitive)
        return compiled.matches(answer)


class ChoiceQuestion(Strict):
    text: LongText
    choices: tuple[ShortText, ...] = Field(min_length=2, max_length=10)
    answer: ShortText = Field(description="the correct choice, spelled as in choices")
    explanation: LongText | None = None


class TrueFalseQuestion(Strict):
    text: LongText
    answer: bool
    explanation: LongText | None = None


def _answer_shape(value: Any) -> str:
    if isinstance(value, dict | PatternAnswer):
        return "pattern-answer"
    return "answer-list" if isinstance(value, list | tuple) else "one-answer"


TextAnswer = Annotated[
    Annotated[ShortText, Tag("one-answer")]
    | Annotated[tuple[ShortText, ...], Tag("answer-list")]
    | Annotated[PatternAnswer, Tag("pattern-answer")],
    Discriminator(_answer_shape),
]


class TextQuestion(Strict):
    text: LongText
    answer: TextAnswer = Field(
        description="accepted answer(s), compared ignoring case and spacing, or {pattern: REGEX}"
    )
    explanation: LongText | None = None


def _question_shape(value: Any) -> str:
    if isinstance(value, dict):
        if "choices" in value:
            return "choice-question"
        if isinstance(value.get("answer"), bool):
            return "true-false-question"
        return "text-question"
    if isinstance(value, ChoiceQuestion):
        return "choice-question"
    return "true_false" if isinstance(value, TrueFalseQuestion) else "text"


QuizQuestion = Annotated[
    Annotated[ChoiceQuestion, Tag("choice-question")]
    | Annotated[TrueFalseQuestion, Tag("true-false-question")]
    | Annotated[TextQuestion, Tag("text-question")],
    Discriminator(_question_shape),
]


class QuizStep(StepBase):
    kind: Literal["quiz"]
    pass_mark: float = Field(gt=0, le=1, allow_inf_nan=False,
                             description="share of correct answers needed, 0-1")
    attempts: int = Field(3, ge=1, le=MAX_ATTEMPTS)
    cooldown: Cooldown = 0
    time_limit: TimeLimit | None = None
    questions: tuple[QuizQuestion, ...] = Field(min_length=1, max_length=MAX_QUESTIONS)


class AttendanceStep(StepBase):
    kind: Literal["attendance"]
    opens: Moment
    closes: Moment
    rotate_every: Rotation | None = None
    code_length: int = Field(6, ge=4, le=10)
    location: ShortText | None = None


Step = Annotated[ParticipationStep | QuizStep | AttendanceStep, Field(discriminator="kind")]


class Milestone(Strict):
    id: Slug | None = Field(None, description="defaults to the award's name, slugified")
    after: Literal["all"] | Annotated[tuple[Slug, ...], Field(max_length=MAX_STEPS)] = Field(
        description="step ids, or all")
    award: Literal["badge"] | MilestoneBadge | None = Field(
        None, description="badge: the quest's badge; or a smaller badge of its own"
    )
    xp: int = Field(0, ge=0, le=MAX_XP)


class QuestFile(Strict):
    schema_version: Literal[1]
    id: Slug
    title: ShortText
    description: LongText | None = None
    badge: BadgeSpec
    steps: tuple[Step, ...] = Field(min_length=1, max_length=MAX_STEPS)
    milestones: tuple[Milestone, ...] = Field((), max_length=MAX_MILESTONES)
