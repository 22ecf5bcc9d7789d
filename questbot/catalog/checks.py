"""Stage three of loading: checks that need the whole file (ids, references, windows)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from questbot.catalog.locate import Locations
from questbot.catalog.models import QuestFile
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
        if milestone.after != "all":
            for a_index, step_id in enumerate(milestone.after):
                if step_id not in seen:
                    problem(("milestones", index, "after", a_index),
                            f"milestone names step '{step_id}', which does not exist",
                            did_you_mean(step_id, seen))
        if resolved.id in milestone_ids or resolved.id == QUEST_BADGE:
            problem(("milestones", index), f"duplicate milestone id '{resolved.id}'",
                    "give the milestone an id of its own")
        milestone_ids.add(resolved.id)
        if milestone.award == "badge":
            quest_badge_awards += 1
            if quest_badge_awards > 1:
                problem(("milestones", index, "award"),
                        "the quest's badge is awarded by more than one milestone")
    return problems


class _Reporter(Protocol):
    def __call__(self, at: tuple[str | int, ...], message: str, hint: str | None = None) -> None:
        ...
