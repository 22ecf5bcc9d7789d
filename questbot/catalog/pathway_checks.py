"""The check across pathway files: every badge a pathway names exists (a quest's, a
milestone's, another pathway's), no group asks for more badges than it lists, and no
pathways are built from each other in a circle. A pathway that fails is a problem of its own
file (``file:line:column`` of the name at fault) and is left out; the others stand."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from questbot.catalog.pathway import PATHWAY_BADGE, BadgeRef, Pathway, ResolvedGroup
from questbot.catalog.quest import QUEST_BADGE, Quest
from questbot.catalog.suggest import did_you_mean
from questbot.domain.errors import Problem


def check_pathways(quests: Mapping[str, Quest], pathways: dict[str, Pathway]) -> list[Problem]:
    """Resolve every pathway in ``pathways`` in place (components before the pathways built
    from them), removing those with problems; return the problems."""
    problems: list[Problem] = []
    resolved: dict[str, Pathway] = {}
    for pathway in list(pathways.values()):
        if pathway.id in quests:
            problems.append(Problem(str(pathway.source), *pathway.id_at,
                                    f"pathway id '{pathway.id}' is already a quest's id",
                                    f"see {quests[pathway.id].source}"))
            del pathways[pathway.id]
            continue
        found = _resolve(pathway, quests, pathways)
        if isinstance(found, Problem):
            problems.append(found)
            del pathways[pathway.id]
        else:
            resolved[pathway.id] = found
    problems.extend(_left_out_components(resolved))
    ordered, circles = _ordered(resolved)
    problems.extend(circles)
    pathways.clear()
    pathways.update(ordered)
    return problems


def _position(pathway: Pathway, group: int, index: int) -> tuple[int, int]:
    try:
        return pathway.refs_at[group][index]
    except IndexError:
        return (1, 1)


def _resolve(pathway: Pathway, quests: Mapping[str, Quest],
             pathways: Mapping[str, Pathway]) -> Pathway | Problem:
    groups: list[ResolvedGroup] = []
    seen: dict[BadgeRef, str] = {}
    for g, group in enumerate(pathway.spec.requires):
        badges: list[BadgeRef] = []
        for index, name in enumerate(group.of):
            line, column = _position(pathway, g, index)

            def problem(message: str, hint: str | None, at: tuple[int, int] = (line, column)
                        ) -> Problem:
                return Problem(str(pathway.source), at[0], at[1], message, hint)

            ref = _badge(name, quests, pathways)
            if isinstance(ref, tuple) and not isinstance(ref, BadgeRef):
                return problem(*ref)
            assert isinstance(ref, BadgeRef)
            if ref == pathway.badge:
                return problem(f"pathway '{pathway.id}' is built from itself",
                               "name the badges it is built from")
            if ref in seen:
                return problem(f"badge '{name}' is named twice (first as '{seen[ref]}')",
                               "a badge counts once; name it in one group")
            seen[ref] = name
            badges.append(ref)
        need = len(badges) if group.any is None else group.any
        if need > len(badges):
            line, column = pathway.refs_at[g][0] if g < len(pathway.refs_at) and \
                pathway.refs_at[g] else (1, 1)
            return Problem(str(pathway.source), line, column,
                           f"group {g + 1} asks for {need} badges of only {len(badges)}",
                           f"any can be at most {len(badges)}, the number of badges listed")
        groups.append(ResolvedGroup(group.title, tuple(badges), need))
    return dataclasses.replace(pathway, groups=tuple(groups))


def _badge(name: str, quests: Mapping[str, Quest], pathways: Mapping[str, Pathway]
           ) -> BadgeRef | tuple[str, str | None]:
    """The badge ``name`` means, or (message, hint)."""
    quest_id, _, milestone_id = name.partition("/")
    quest = quests.get(quest_id)
    if not milestone_id:
        if quest is not None:
            return BadgeRef(quest_id, QUEST_BADGE)
        if quest_id in pathways:
            return BadgeRef(quest_id, PATHWAY_BADGE)
        options = [*quests, *pathways]
        return (f"unknown badge '{name}': no quest or pathway has this id",
                did_you_mean(quest_id, options) or
                "a quest whose file has errors is left out: fix it first")
    if quest is None:
        return (f"unknown badge '{name}': no quest '{quest_id}'",
                did_you_mean(quest_id, list(quests)) or
                "a quest whose file has errors is left out: fix it first")
    with_badges = {m.id: m for m in quest.milestones if m.badge is not None}
    milestone = with_badges.get(milestone_id)
    if milestone is None:
        return (f"unknown badge '{name}': quest '{quest_id}' has no milestone "
                f"'{milestone_id}' with a badge",
                did_you_mean(milestone_id, list(with_badges)) or
                f"its badges are {', '.join(sorted(with_badges)) or 'none'}")
    return BadgeRef(quest_id, milestone.badge_key)


def _left_out_components(resolved: dict[str, Pathway]) -> list[Problem]:
    """A pathway built from a pathway that was left out is left out too, until none is."""
    problems: list[Problem] = []
    while True:
        removed = False
        for pathway in list(resolved.values()):
            for g, group in enumerate(pathway.groups):
                for index, badge in enumerate(group.badges):
                    if badge.badge_key == PATHWAY_BADGE and badge.quest_id not in resolved:
                        line, column = _position(pathway, g, index)
                        problems.append(Problem(
                            str(pathway.source), line, column,
                            f"pathway '{pathway.id}' is built from pathway "
                            f"'{badge.quest_id}', which was left out",
                            f"fix the problems of pathway '{badge.quest_id}' first"))
                        del resolved[pathway.id]
                        removed = True
                        break
                if pathway.id not in resolved:
                    break
        if not removed:
            return problems


def _ordered(resolved: dict[str, Pathway]) -> tuple[dict[str, Pathway], list[Problem]]:
    """The pathways with every one after those it is built from; those in a circle are
    problems (each reported at its name of the next in the circle)."""
    ordered: dict[str, Pathway] = {}
    remaining = dict(resolved)
    while remaining:
        ready = [p for p in remaining.values()
                 if all(b.quest_id in ordered for b in p.components
                        if b.badge_key == PATHWAY_BADGE)]
        if not ready:
            break
        for pathway in ready:
            ordered[pathway.id] = pathway
            del remaining[pathway.id]
    problems = []
    for pathway in remaining.values():  # in a circle, or built from one
        for g, group in enumerate(pathway.groups):
            for index, badge in enumerate(group.badges):
                if badge.badge_key != PATHWAY_BADGE or badge.quest_id not in remaining:
                    continue
                circle = _circle(remaining, badge.quest_id, pathway.id)
                line, column = _position(pathway, g, index)
                if circle is not None:
                    text = " → ".join([pathway.id, *circle])
                    problems.append(Problem(str(pathway.source), line, column,
                                            f"pathways are built from each other in a "
                                            f"circle: {text}",
                                            "one of them must be possible to earn first"))
                else:
                    problems.append(Problem(str(pathway.source), line, column,
                                            f"pathway '{pathway.id}' is built from pathway "
                                            f"'{badge.quest_id}', which is in a circle",
                                            "break the circle first"))
                break
            else:
                continue
            break
    return ordered, problems


def _circle(pathways: Mapping[str, Pathway], start: str, goal: str) -> list[str] | None:
    """The shortest chain of pathways from ``start`` (built from ...) back to ``goal``."""
    parents: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for pathway_id in frontier:
            if pathway_id == goal:
                path = [pathway_id]
                while (parent := parents[path[-1]]) is not None:
                    path.append(parent)
                return path[::-1]
            pathway = pathways.get(pathway_id)
            for badge in pathway.components if pathway else ():
                if badge.badge_key == PATHWAY_BADGE and badge.quest_id not in parents:
                    parents[badge.quest_id] = pathway_id
                    following.append(badge.quest_id)
        frontier = following
    return None
