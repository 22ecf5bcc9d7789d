"""The immutable set of quests the engine plays, and the communities it plays them in."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType

from questbot.catalog.community import DEFAULT, Community, place_of
from questbot.catalog.localized import LocalizedText
from questbot.catalog.pathway import BadgeRef, Pathway
from questbot.catalog.quest import Quest
from questbot.domain.ids import ConversationRef


class Catalog:
    def __init__(self, quests: Mapping[str, Quest] | None = None,
                 communities: Mapping[str, Community] | None = None,
                 pathways: Mapping[str, Pathway] | None = None) -> None:
        self._quests: Mapping[str, Quest] = MappingProxyType(dict(quests or {}))
        # components before the pathways built from them (the loader orders them so)
        self.pathways: Mapping[str, Pathway] = MappingProxyType(dict(pathways or {}))
        self.communities: Mapping[str, Community] = MappingProxyType(dict(communities or {}))
        self._by_place = {place: c for c in self.communities.values() for place in c.spec.places}
        self.default_community = next(
            (c for c in self.communities.values() if not c.spec.places), DEFAULT)

    def __iter__(self) -> Iterator[Quest]:
        return iter(self._quests.values())

    def __len__(self) -> int:
        return len(self._quests)

    def __contains__(self, quest_id: object) -> bool:
        return quest_id in self._quests

    def get(self, quest_id: str) -> Quest | None:
        return self._quests.get(quest_id)

    def community_for(self, conversation: ConversationRef) -> Community:
        """The community whose file names where this happened, else the default one."""
        place = place_of(conversation)
        found = self._by_place.get(place) if place is not None else None
        return found or self.default_community

    def pathway(self, pathway_id: str) -> Pathway | None:
        return self.pathways.get(pathway_id)

    def pathways_using(self, badge: BadgeRef) -> list[Pathway]:
        """The pathways ``badge`` is a component of."""
        return [p for p in self.pathways.values() if badge in p.components]

    def badge_name(self, badge: BadgeRef) -> LocalizedText | None:
        """A quest's, a milestone's or a pathway's badge's name, if it is in the catalogue."""
        pathway = self.pathways.get(badge.quest_id)
        if pathway is not None and badge == pathway.badge:
            return pathway.spec.badge.name
        quest = self._quests.get(badge.quest_id)
        return quest.badge_name(badge.badge_key) if quest else None

    def by_source(self, path: Path) -> Quest | Community | Pathway | None:
        items: list[Quest | Community | Pathway] = [
            *self._quests.values(), *self.communities.values(), *self.pathways.values()]
        return next((item for item in items if str(item.source) == str(path)), None)
