"""A pathway: badges that stack into a larger badge, leading to a job role. A ``kind:
pathway`` file in the quest folder names its components (a quest's badge ``quest-id``, a
milestone's ``quest-id/milestone-id``, or another pathway's ``pathway-id``) in groups, each
needing all of its badges or ``any: N`` of them; ``pathway_checks`` resolves them against
the quests loaded."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import Field, ModelWrapValidatorHandler, model_validator

from questbot.catalog.credit import Credit, Level
from questbot.catalog.fields import MAX_ALIGNMENTS, MAX_TAGS, ShortText, Slug, Strict, Url
from questbot.catalog.localized import (
    DEFAULT_LANGUAGE,
    Language,
    LocalizedText,
    LongLocalized,
    ShortLocalized,
    quest_language,
)
from questbot.catalog.models import Alignment

PATHWAY_BADGE = "pathway"  # the badge key of a pathway's own badge (its quest id: the pathway's)
MAX_GROUPS = 20
MAX_COMPONENTS = 100  # badges named in one group

ComponentRef = Annotated[str, Field(
    pattern=r"^[a-z0-9][a-z0-9_-]{0,62}(/[a-z0-9][a-z0-9_-]{0,62})?$",
    description="quest-id (its badge), quest-id/milestone-id (a milestone's badge) or "
                "pathway-id (another pathway's badge)")]


class ComponentGroup(Strict):
    """Badges of which a learner needs all, or ``any`` of them (``2 of these 4 electives``)."""

    title: ShortLocalized | None = Field(None, description="e.g. Electives")
    of: tuple[ComponentRef, ...] = Field(min_length=1, max_length=MAX_COMPONENTS)
    any: int | None = Field(None, ge=1, le=MAX_COMPONENTS,
                            description="how many of them are needed; all when absent")


class JobRole(Strict):
    """What the pathway leads to: an occupation in a skills framework (ESCO, O*NET...)."""

    name: ShortLocalized
    description: LongLocalized | None = None
    framework: ShortText = Field(description="e.g. ESCO or O*NET-SOC")
    url: Url = Field(description="the occupation's page in the framework")
    code: ShortText | None = Field(None, description="e.g. 2512.4 (ESCO), 15-1252.00 (O*NET)")


class PathwayBadge(Strict):
    name: ShortLocalized
    description: LongLocalized
    criteria: LongLocalized | None = Field(
        None, description="what a learner did, in plain words; the badges it is built from "
                          "are listed after it")
    image: str | None = Field(None, max_length=500,
                              description="PNG path relative to the pathway file")
    tags: tuple[ShortText, ...] = Field((), max_length=MAX_TAGS)
    alignment: tuple[Alignment, ...] = Field((), max_length=MAX_ALIGNMENTS)
    credit: Credit | None = None
    level: Level | None = None


class PathwayFile(Strict):
    schema_version: Literal[1]
    kind: Literal["pathway"]
    id: Slug = Field(description="names the pathway; different from every quest's id")
    language: Language = Field(DEFAULT_LANGUAGE, description="the language of plain strings")
    title: ShortLocalized
    description: LongLocalized | None = None
    badge: PathwayBadge
    requires: tuple[ComponentGroup, ...] = Field(
        min_length=1, max_length=MAX_GROUPS,
        description="groups of badges; every group must be met")
    leads_to: JobRole | None = Field(None, description="the job role it prepares for")

    @model_validator(mode="wrap")
    @classmethod
    def _texts_in_file_language(cls, data: Any,
                                handler: ModelWrapValidatorHandler[PathwayFile]) -> PathwayFile:
        language = data.get("language", DEFAULT_LANGUAGE) if isinstance(data, dict) else None
        with quest_language(language):
            return handler(data)


class BadgeRef(NamedTuple):
    """A badge as awards record it: the quest (or pathway) id and the badge key."""

    quest_id: str
    badge_key: str


@dataclass(frozen=True, slots=True)
class ResolvedGroup:
    title: LocalizedText | None
    badges: tuple[BadgeRef, ...]
    need: int

    def met(self, held: Set[BadgeRef]) -> bool:
        return sum(b in held for b in self.badges) >= self.need


@dataclass(frozen=True)
class Pathway:
    spec: PathwayFile
    version: str
    source: Path
    # where each group's each badge is written, (line, column), for catalogue problems
    refs_at: tuple[tuple[tuple[int, int], ...], ...] = ()
    id_at: tuple[int, int] = (1, 1)
    groups: tuple[ResolvedGroup, ...] = ()  # set once the catalogue resolved the names

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> LocalizedText:
        return self.spec.title

    @property
    def language(self) -> str:
        return self.spec.language

    @property
    def badge(self) -> BadgeRef:
        return BadgeRef(self.id, PATHWAY_BADGE)

    @property
    def components(self) -> tuple[BadgeRef, ...]:
        return tuple(b for group in self.groups for b in group.badges)

    def met(self, held: Set[BadgeRef]) -> bool:
        return bool(self.groups) and all(group.met(held) for group in self.groups)
