"""The quest file format as strict, immutable pydantic models (the schema community managers
write against). Cross-file and cross-field checks that need the whole file live in ``checks``."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
Slug = Annotated[
    str, Field(pattern=SLUG_PATTERN, description="lower-case letters, digits, - and _")
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]

_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def _parse_duration(value: Any) -> Any:
    if isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise ValueError("expected a duration such as 90, 90s, 10m, 2h or 1d")
        return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    return value


Seconds = Annotated[
    int,
    BeforeValidator(_parse_duration),
    Field(ge=0),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": r"^\s*\d+\s*[smhd]?\s*$"},
            ],
            "description": "seconds, or a number with a unit: 90s, 10m, 2h, 1d",
        }
    ),
]


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from exc
    return pattern


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Alignment(Strict):
    """Where the badge sits in a skills framework (Open Badges ``alignment``)."""

    targetName: ShortText
    targetUrl: str = Field(
        pattern=r"^https?://\S+$",
        description="the framework's page for this skill (Open Badges 3.0 requires it)")
    targetDescription: str | None = None
    targetFramework: str | None = None
    targetCode: str | None = None


class BadgeSpec(Strict):
    name: ShortText
    description: LongText
    criteria: LongText = Field(description="what a learner did to earn it, in plain words")
    image: str | None = Field(None, description="PNG path relative to the quest file")
    tags: tuple[ShortText, ...] = ()
    alignment: tuple[Alignment, ...] = ()
    expires_after: Seconds | None = Field(None, description="badges expire this long after award")
    repeatable: bool = Field(False, description="may one learner hold it more than once?")


class MilestoneBadge(Strict):
    name: ShortText
    description: LongText | None = None
    criteria: LongText | None = None
    image: str | None = None
    repeatable: bool = Field(False, description="may one learner hold it more than once?")


class StepBase(Strict):
    id: Slug
    title: ShortText | None = None
    description: LongText | None = None
    requires: tuple[Slug, ...] = Field((), description="steps that must be complete first")


class ParticipationStep(StepBase):
    kind: Literal["participation"]
    action: Literal["message", "reaction", "grant"] = "message"
    count: int = Field(1, ge=1, le=10_000)
    channel: str | None = Field(None, description="only messages in this channel count")


class PatternAnswer(Strict):
    pattern: Annotated[str, AfterValidator(_compiles)]
    case_sensitive: bool = False


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
    pass_mark: float = Field(gt=0, le=1, description="share of correct answers needed, 0-1")
    attempts: int = Field(3, ge=1, le=100)
    cooldown: Seconds = Field(0, description="wait between attempts")
    time_limit: Seconds | None = Field(None, description="time allowed per question")
    questions: tuple[QuizQuestion, ...] = Field(min_length=1, max_length=100)


class AttendanceStep(StepBase):
    kind: Literal["attendance"]
    opens: AwareDatetime
    closes: AwareDatetime
    rotate_every: Seconds | None = Field(
        None, description="a new code every so often, so a shared code stops working"
    )
    code_length: int = Field(6, ge=4, le=10)
    location: ShortText | None = None


Step = Annotated[ParticipationStep | QuizStep | AttendanceStep, Field(discriminator="kind")]


class Milestone(Strict):
    id: Slug | None = Field(None, description="defaults to the award's name, slugified")
    after: Literal["all"] | tuple[Slug, ...] = Field(description="step ids, or all")
    award: Literal["badge"] | MilestoneBadge | None = Field(
        None, description="badge: the quest's badge; or a smaller badge of its own"
    )
    xp: int = Field(0, ge=0, le=1_000_000)


class QuestFile(Strict):
    schema_version: Literal[1]
    id: Slug
    title: ShortText
    description: LongText | None = None
    badge: BadgeSpec
    steps: tuple[Step, ...] = Field(min_length=1, max_length=200)
    milestones: tuple[Milestone, ...] = ()
