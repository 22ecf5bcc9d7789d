"""The engine's view of a quest: the validated file plus what is derived from it once."""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from questbot.catalog.localized import LocalizedText
from questbot.catalog.models import AnyOf, BadgeSpec, MilestoneBadge, QuestFile, StepsRule
from questbot.catalog.steps import AnyStep
from questbot.domain.errors import Problem

QUEST_BADGE = "badge"

def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63] or "milestone"


@dataclass(frozen=True, slots=True)
class StepRule:
    """At least ``need`` of ``steps`` done."""

    steps: frozenset[str]
    need: int

    def met(self, done: Set[str]) -> bool:
        return len(self.steps & done) >= self.need


def resolve_rule(rule: StepsRule, all_steps: frozenset[str]) -> StepRule:
    """``all``, a list of step ids (all of them), or ``{any: N, of: ...}``."""
    if isinstance(rule, AnyOf):
        steps = all_steps if rule.of == "all" else frozenset(rule.of)
        return StepRule(steps, rule.any)
    steps = all_steps if rule == "all" else frozenset(rule)
    return StepRule(steps, len(steps))


@dataclass(frozen=True, slots=True)
class ResolvedMilestone:
    id: str
    after: frozenset[str]
    badge: BadgeSpec | MilestoneBadge | None
    xp: int
    need: int | None = None  # how many of ``after``; all of them when None

    @property
    def rule(self) -> StepRule:
        return StepRule(self.after, len(self.after) if self.need is None else self.need)

    @property
    def badge_key(self) -> str:
        """``badge`` for the quest's own badge, else the milestone's id."""
        return QUEST_BADGE if isinstance(self.badge, BadgeSpec) else self.id


@dataclass(frozen=True)
class Quest:
    spec: QuestFile
    version: str
    source: Path
    warnings: tuple[Problem, ...] = ()  # e.g. missing translations; the quest still loads
    steps: Mapping[str, AnyStep] = field(init=False)
    milestones: tuple[ResolvedMilestone, ...] = field(init=False)
    completion: StepRule = field(init=False)  # when the quest counts as finished
    # where each of ``requires_quests`` is written, (line, column), for catalogue problems
    requires_at: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        steps = {step.id: step for step in self.spec.steps}
        object.__setattr__(self, "steps", MappingProxyType(steps))
        object.__setattr__(self, "milestones", tuple(resolve_milestones(self.spec)))
        object.__setattr__(self, "completion",
                           resolve_rule(self.spec.complete_when, frozenset(steps)))

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> LocalizedText:
        return self.spec.title

    @property
    def language(self) -> str:
        """The quest's default language, in which its credentials are issued."""
        return self.spec.language

    def milestone_for_badge(self, badge_key: str) -> ResolvedMilestone | None:
        return next((m for m in self.milestones if m.badge and m.badge_key == badge_key), None)

    def badge_name(self, badge_key: str) -> LocalizedText | None:
        milestone = self.milestone_for_badge(badge_key)
        return milestone.badge.name if milestone and milestone.badge else None


def resolve_milestones(spec: QuestFile) -> list[ResolvedMilestone]:
    """Give every milestone an id and an explicit step set; add the quest badge at the end
    when no milestone names it, so every quest awards its badge."""
    all_steps = frozenset(step.id for step in spec.steps)
    resolved: list[ResolvedMilestone] = []
    for index, milestone in enumerate(spec.milestones):
        rule = resolve_rule(milestone.after, all_steps)
        badge: BadgeSpec | MilestoneBadge | None
        badge = spec.badge if milestone.award == "badge" else milestone.award
        if milestone.id:
            milestone_id = milestone.id
        elif isinstance(badge, MilestoneBadge):
            milestone_id = slugify(badge.name)
        elif badge is not None:
            milestone_id = "complete"
        else:
            milestone_id = f"milestone-{index + 1}"
        resolved.append(ResolvedMilestone(milestone_id, rule.steps, badge, milestone.xp,
                                          rule.need))
    if not any(isinstance(m.badge, BadgeSpec) for m in resolved):
        completion = resolve_rule(spec.complete_when, all_steps)
        resolved.append(ResolvedMilestone("complete", completion.steps, spec.badge, 0,
                                          completion.need))
    return resolved
