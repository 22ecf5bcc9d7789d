"""The quest file format as strict, immutable pydantic models (the schema community managers
write against). Step kinds live in ``questbot.catalog.steps``; cross-field checks that need the
whole file live in ``checks``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, ModelWrapValidatorHandler, Tag, model_validator

from questbot.catalog.credit import Credit, Level
from questbot.catalog.fields import (
    MAX_ALIGNMENTS,
    MAX_MILESTONES,
    MAX_STEPS,
    MAX_TAGS,
    MAX_XP,
    Cooldown,
    ExpiryDuration,
    LongText,
    Moment,
    ShortText,
    Slug,
    Strict,
    Url,
)
from questbot.catalog.localized import (
    DEFAULT_LANGUAGE,
    Language,
    LongLocalized,
    ShortLocalized,
    quest_language,
)
from questbot.catalog.rewards import Rewards
from questbot.catalog.steps import (
    AttendanceStep,
    ChoiceQuestion,
    ParticipationStep,
    PatternAnswer,
    QuizStep,
    Step,
    TextQuestion,
    TrueFalseQuestion,
)

__all__ = [
    "Alignment",
    "AnyOf",
    "AttendanceStep",
    "BadgeSpec",
    "ChoiceQuestion",
    "Milestone",
    "MilestoneBadge",
    "ParticipationStep",
    "PatternAnswer",
    "QuestFile",
    "QuizStep",
    "Repeatable",
    "StepsRule",
    "TextQuestion",
    "TrueFalseQuestion",
]


class Alignment(Strict):
    """Where the badge sits in a skills framework (Open Badges ``alignment``)."""

    targetName: ShortText
    targetUrl: Url = Field(
        description="the framework's page for this skill (Open Badges 3.0 requires it)")
    targetDescription: LongText | None = None
    targetFramework: ShortText | None = None
    targetCode: ShortText | None = None


class BadgeSpec(Strict):
    name: ShortLocalized
    description: LongLocalized
    criteria: LongLocalized = Field(description="what a learner did to earn it, in plain words")
    image: str | None = Field(None, max_length=500,
                              description="PNG path relative to the quest file")
    tags: tuple[ShortText, ...] = Field((), max_length=MAX_TAGS)
    alignment: tuple[Alignment, ...] = Field((), max_length=MAX_ALIGNMENTS)
    expires_after: ExpiryDuration | None = None
    repeatable: bool = Field(False, description="may one learner hold it more than once?")
    credit: Credit | None = Field(None, description="credit points, e.g. {points: 10, "
                                  "framework: SCQF}")
    level: Level | None = Field(None, description="e.g. {framework: SCQF, level: 7}")
    rewards: Rewards = ()


class MilestoneBadge(Strict):
    name: ShortLocalized
    description: LongLocalized | None = None
    criteria: LongLocalized | None = None
    image: str | None = Field(None, max_length=500)
    repeatable: bool = Field(False, description="may one learner hold it more than once?")
    credit: Credit | None = None
    level: Level | None = None
    rewards: Rewards = ()


StepIds = Annotated[tuple[Slug, ...], Field(max_length=MAX_STEPS)]


class AnyOf(Strict):
    """Any ``any`` of the steps listed in ``of`` (or of all the quest's steps)."""

    any: int = Field(ge=1, le=MAX_STEPS, description="how many of the steps must be done")
    of: Literal["all"] | StepIds = Field("all", description="step ids, or all")


def _rule_shape(value: Any) -> str:
    """Which shape of rule a value is meant as, so a mistake is reported in that shape only."""
    if isinstance(value, AnyOf | dict):
        return "rule-any"
    return "rule-steps" if isinstance(value, list | tuple) else "rule-all"


StepsRule = Annotated[
    Annotated[Literal["all"], Tag("rule-all")]
    | Annotated[StepIds, Tag("rule-steps")]
    | Annotated[AnyOf, Tag("rule-any")],
    Discriminator(_rule_shape),
]


class Repeatable(Strict):
    cooldown: Cooldown = Field(description="how long after finishing before a new round")


class Milestone(Strict):
    id: Slug | None = Field(None, description="defaults to the award's name, slugified")
    after: StepsRule = Field(description="step ids, all, or {any: N, of: [step ids]}")
    award: Literal["badge"] | MilestoneBadge | None = Field(
        None, description="badge: the quest's badge; or a smaller badge of its own"
    )
    xp: int = Field(0, ge=0, le=MAX_XP)


class QuestFile(Strict):
    schema_version: Literal[1]
    kind: Literal["quest"] = Field(
        "quest", description="quest (the default); other files in the folder say their kind")
    id: Slug
    language: Language = Field(
        DEFAULT_LANGUAGE, description="the quest's default language: plain strings are in "
        "it, and a learner whose language a text lacks reads it in this one")
    title: ShortLocalized
    description: LongLocalized | None = None
    badge: BadgeSpec
    steps: tuple[Step, ...] = Field(min_length=1, max_length=MAX_STEPS)
    milestones: tuple[Milestone, ...] = Field((), max_length=MAX_MILESTONES)
    complete_when: StepsRule = Field(
        "all", description="when the quest is finished: all, step ids, or {any: N, of: [...]}")
    requires_quests: tuple[Slug, ...] = Field(
        (), max_length=MAX_STEPS, description="quests a learner must finish before joining")
    opens: Moment | None = Field(None, description="no one may join before this time")
    closes: Moment | None = Field(None, description="no one may join after this time")
    repeatable: Repeatable | None = Field(
        None, description="a learner who finished may join again once the cooldown passed")

    @model_validator(mode="wrap")
    @classmethod
    def _texts_in_quest_language(cls, data: Any,
                                 handler: ModelWrapValidatorHandler[QuestFile]) -> QuestFile:
        """Plain strings anywhere in the file are texts in its ``language``."""
        language = data.get("language", DEFAULT_LANGUAGE) if isinstance(data, dict) else None
        with quest_language(language):
            return handler(data)
