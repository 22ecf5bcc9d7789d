"""Stage three of loading: checks that need the whole file (ids, references, windows)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from questbot.catalog.locate import Locations
from questbot.catalog.models import AnyOf, QuestFile, StepsRule
from questbot.catalog.quest import QUEST_BADGE, resolve_milestones
from questbot.catalog.suggest import did_you_mean
from questbot.catalog.translations import MAX_QUEST_LANGUAGES, quest_languages
from questbot.domain.errors import Problem

__all__ = ["cross_check", "did_you_mean"]


def cross_check(path: Path, spec: QuestFile, where: Locations) -> list[Problem]:
    problems: list[Problem] = []

    def problem(at: tuple[str | int, ...], message: str, hint: str | None = None) -> None:
        pos = where.value(at)
        problems.append(Problem(str(path), pos.line, pos.column, message, hint))

    spoken = quest_languages(spec)
    if len(spoken) > MAX_QUEST_LANGUAGES:
        problem(("language",),
                f"the quest is written in {len(spoken)} languages; at most"
                f" {MAX_QUEST_LANGUAGES}", "a community rarely needs more than a few; split"
                " the quest by language")

    seen: list[str] = []
    for index, step in enumerate(spec.steps):
        if step.id in seen:
            problem(("steps", index, "id"), f"duplicate step id '{step.id}'",
                    "every step in a quest needs its own id")
        for r_index, required in enumerate(step.requires):
            at = ("steps", index, "requires", r_index)
            if required == step.id:
                problem(at, f"step '{step.id}' requires itself")
            elif required not in seen:
                later = any(s.id == required for s in spec.steps)
                problem(at, f"step '{step.id}' requires unknown step '{required}'"
                        if not later else f"step '{step.id}' requires later step '{required}'",
                        "a step may only require steps listed before it" if later
                        else did_you_mean(required, [s.id for s in spec.steps]))
        seen.append(step.id)
        for inside, message, hint in step.problems():
            problem(("steps", index, *inside), message, hint)

    if spec.badge.image and not (path.parent / spec.badge.image).is_file():
        problem(("badge", "image"), f"badge image '{spec.badge.image}' not found",
                f"paths are relative to {path.parent}")
    milestone_ids: set[str] = set()
    quest_badge_awards = 0
    for index, (milestone, resolved) in enumerate(
        zip(spec.milestones, resolve_milestones(spec), strict=False)
    ):
        _check_rule(problem, ("milestones", index, "after"), milestone.after, seen,
                    "milestone")
        if resolved.id in milestone_ids or resolved.id == QUEST_BADGE:
            problem(("milestones", index), f"duplicate milestone id '{resolved.id}'",
                    "give the milestone an id of its own")
        milestone_ids.add(resolved.id)
        if milestone.award == "badge":
            quest_badge_awards += 1
            if quest_badge_awards > 1:
                problem(("milestones", index, "award"),
                        "the quest's badge is awarded by more than one milestone")
    _check_rule(problem, ("complete_when",), spec.complete_when, seen, "complete_when")
    _check_quest_rules(problem, spec)
    return problems


def _check_rule(problem: _Reporter, at: tuple[str | int, ...], rule: StepsRule,
                steps: list[str], what: str) -> None:
    """Every step a rule names exists; ``any: N`` asks for no more steps than it lists."""
    listed = rule.of if isinstance(rule, AnyOf) else rule
    where = (*at, "of") if isinstance(rule, AnyOf) else at
    if listed != "all":
        for index, step_id in enumerate(listed):
            if step_id not in steps:
                problem((*where, index), f"{what} names step '{step_id}', which does not exist",
                        did_you_mean(step_id, steps) or _known_steps(steps))
    if isinstance(rule, AnyOf):
        count = len(steps) if rule.of == "all" else len(set(rule.of))
        if rule.any > count:
            problem((*at, "any"), f"{what} asks for {rule.any} steps of only {count}",
                    f"any can be at most {count}, the number of different steps listed")


def _known_steps(steps: list[str], shown: int = 10) -> str:
    more = ", …" if len(steps) > shown else ""
    return f"the quest's steps are {', '.join(steps[:shown])}{more}"


def _check_quest_rules(problem: _Reporter, spec: QuestFile) -> None:
    if spec.opens and spec.closes and spec.closes <= spec.opens:
        problem(("closes",), "the quest closes before it opens",
                f"opens is {spec.opens.isoformat()}")
    for index, other in enumerate(spec.requires_quests):
        if other == spec.id:
            problem(("requires_quests", index), f"quest '{spec.id}' requires itself",
                    "list the quests a learner must finish first")
        elif other in spec.requires_quests[:index]:
            problem(("requires_quests", index), f"quest '{other}' is listed twice")


class _Reporter(Protocol):
    def __call__(self, at: tuple[str | int, ...], message: str, hint: str | None = None) -> None:
        ...
