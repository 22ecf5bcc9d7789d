"""The immutable set of quests the engine plays."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType

from questbot.catalog.quest import Quest


class Catalog:
    def __init__(self, quests: Mapping[str, Quest] | None = None) -> None:
        self._quests: Mapping[str, Quest] = MappingProxyType(dict(quests or {}))

    def __iter__(self) -> Iterator[Quest]:
        return iter(self._quests.values())

    def __len__(self) -> int:
        return len(self._quests)

    def __contains__(self, quest_id: object) -> bool:
        return quest_id in self._quests

    def get(self, quest_id: str) -> Quest | None:
        return self._quests.get(quest_id)

    def by_source(self, path: Path) -> Quest | None:
        return next((q for q in self._quests.values() if q.source == path), None)
