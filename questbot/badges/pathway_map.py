"""A pathway as its public page draws it, in one reader's language: the quests that give
its badges, the badges in their groups, the pathway's own badge and the job role it leads
to. Plain data, so the web draws it without knowing the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from questbot.badges.classes import class_id, credit_info, level_info
from questbot.badges.model import Urls
from questbot.badges.words import say
from questbot.catalog import PATHWAY_BADGE, Catalog, LocalizedText, Pathway


@dataclass(frozen=True, slots=True)
class MapBadge:
    class_id: str  # the badge class, as a holder's progress names it
    name: str
    source_id: str  # the quest (or pathway) that gives it
    source_title: str
    from_pathway: bool


@dataclass(frozen=True, slots=True)
class MapGroup:
    title: str | None
    need: int
    badges: tuple[MapBadge, ...]


@dataclass(frozen=True, slots=True)
class MapRole:
    name: str
    framework: str
    url: str
    code: str | None


@dataclass(frozen=True, slots=True)
class PathwayMap:
    id: str
    title: str
    description: str | None
    class_id: str
    badge_name: str
    badge_description: str
    worth: str | None  # credit and level, in words
    credit: dict[str, object] | None
    level: dict[str, object] | None
    groups: tuple[MapGroup, ...]
    role: MapRole | None
    badge_class_url: str


def _in(text: str | None, language: str) -> str | None:
    return text.text(language) if isinstance(text, LocalizedText) else text


def pathway_map(pathway: Pathway, catalog: Catalog, urls: Urls, language: str) -> PathwayMap:
    groups = []
    for group in pathway.groups:
        badges = []
        for badge in group.badges:
            from_pathway = badge.badge_key == PATHWAY_BADGE
            source = catalog.pathway(badge.quest_id) if from_pathway else None
            quest = None if from_pathway else catalog.get(badge.quest_id)
            title = source.title if source else quest.title if quest else badge.quest_id
            name = catalog.badge_name(badge) or badge.quest_id
            badges.append(MapBadge(class_id(*badge), _in(name, language) or badge.quest_id,
                                   badge.quest_id, _in(title, language) or badge.quest_id,
                                   from_pathway))
        groups.append(MapGroup(_in(group.title, language), group.need, tuple(badges)))
    spec = pathway.spec
    role = spec.leads_to
    own = class_id(*pathway.badge)
    credit, level = credit_info(spec.badge.credit), level_info(spec.badge.level)
    worth = [say("credential.credit", language, points=credit["points"],
                 framework=credit["framework"])] if credit else []
    if level:
        worth.append(say("credential.level", language, framework=level["framework"],
                         level=level["level"]))
    return PathwayMap(
        id=pathway.id, title=_in(pathway.title, language) or pathway.id,
        description=_in(spec.description, language), class_id=own,
        badge_name=_in(spec.badge.name, language) or pathway.id,
        badge_description=_in(spec.badge.description, language) or "",
        worth=" · ".join(worth) or None, credit=credit, level=level, groups=tuple(groups),
        role=None if role is None else MapRole(_in(role.name, language) or "", role.framework,
                                                role.url, role.code),
        badge_class_url=urls.badge_class(own))
