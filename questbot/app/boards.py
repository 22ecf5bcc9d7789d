"""The public leaderboard page's data: a community of the current catalogue, its season now,
and its standings from the store."""

from __future__ import annotations

from collections.abc import Callable

from questbot.app.seasons import communities
from questbot.catalog import Catalog
from questbot.domain.seasons import ALL_TIME, season_of
from questbot.ports import BoardQuery, Clock, CommunityBoards, LeaderboardReader

PAGE_TOP = 25


class CatalogBoards:
    def __init__(self, reader: LeaderboardReader, catalog: Callable[[], Catalog],
                 clock: Clock) -> None:
        self._reader = reader
        self._catalog = catalog
        self._clock = clock

    async def community_boards(self, community_id: str) -> CommunityBoards | None:
        community = next((c for c in communities(self._catalog()) if c.id == community_id),
                         None)
        if community is None:
            return None
        season = season_of(community.spec.leaderboard.seasons, self._clock.now(),
                           community.zone)
        seasonal = None
        if season is not None:
            seasonal = await self._reader.leaderboard(BoardQuery(community.id, season, PAGE_TOP))
        all_time = await self._reader.leaderboard(BoardQuery(community.id, ALL_TIME, PAGE_TOP))
        return CommunityBoards(community.id, community.spec.name or community.id, seasonal,
                               all_time)
