"""The check across quest files: every quest a quest requires exists, and no quests require
each other in a circle. A quest that fails it is a problem of its own file and is left out."""

from __future__ import annotations

from questbot.catalog.quest import Quest
from questbot.catalog.suggest import did_you_mean
from questbot.domain.errors import Problem


def check_prerequisites(quests: dict[str, Quest]) -> list[Problem]:
    """Remove from ``quests`` every quest that requires a missing quest or is in a cycle,
    until the rest stand; return the problems, one per quest removed."""
    problems: list[Problem] = []
    left_out: set[str] = set()
    while True:
        found = _unknown(quests, left_out) or _cycles(quests)
        if not found:
            return problems
        for quest_id, problem in found.items():
            problems.append(problem)
            left_out.add(quest_id)
            del quests[quest_id]


def _problem(quest: Quest, index: int, message: str, hint: str | None) -> Problem:
    line, column = quest.requires_at[index] if index < len(quest.requires_at) else (1, 1)
    return Problem(str(quest.source), line, column, message, hint)


def _unknown(quests: dict[str, Quest], left_out: set[str]) -> dict[str, Problem]:
    found: dict[str, Problem] = {}
    for quest in quests.values():
        for index, other in enumerate(quest.spec.requires_quests):
            if other in quests or other == quest.id:
                continue
            if other in left_out:
                message = f"quest '{quest.id}' requires quest '{other}', which was left out"
                hint = f"fix the problems of quest '{other}' first"
            else:
                message = f"quest '{quest.id}' requires unknown quest '{other}'"
                hint = did_you_mean(other, list(quests)) or "no quest file has that id"
            found[quest.id] = _problem(quest, index, message, hint)
            break
    return found


def _cycles(quests: dict[str, Quest]) -> dict[str, Problem]:
    found: dict[str, Problem] = {}
    for quest in quests.values():
        for index, other in enumerate(quest.spec.requires_quests):
            path = _path(quests, other, quest.id)
            if path is not None:
                circle = " → ".join([quest.id, *path])
                found[quest.id] = _problem(
                    quest, index, f"quests require each other in a circle: {circle}",
                    "one of them must be possible to finish first")
                break
    return found


def _path(quests: dict[str, Quest], start: str, goal: str) -> list[str] | None:
    """The shortest chain of requirements from ``start`` to ``goal``, both included."""
    parents: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for quest_id in frontier:
            if quest_id == goal:
                path = [quest_id]
                while (parent := parents[path[-1]]) is not None:
                    path.append(parent)
                return path[::-1]
            quest = quests.get(quest_id)
            for other in quest.spec.requires_quests if quest else ():
                if other not in parents:
                    parents[other] = quest_id
                    following.append(other)
        frontier = following
    return None
