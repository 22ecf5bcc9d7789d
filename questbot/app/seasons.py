"""Closing seasons: every few minutes, each community's seasons that have ended are archived
and their winners told, once per (community, season) whatever runs this how often."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from questbot.catalog import Catalog
from questbot.catalog.community import DEFAULT, Community
from questbot.domain.seasons import season_of
from questbot.engine.leaderboards import winner_message
from questbot.ports import Clock, SeasonStore

log = logging.getLogger(__name__)

SEASON_CHECK_SECONDS = 600.0
MAX_SEASONS_A_RUN = 100  # a community left closed for years catches up over several runs


def communities(catalog: Catalog) -> list[Community]:
    found = list(catalog.communities.values())
    return found if catalog.default_community in found else [*found, DEFAULT]


async def close_seasons(store: SeasonStore, catalog: Catalog, now: datetime,
                        language: str = "en") -> list[tuple[str, str]]:
    """Close every season that has ended; the (community, season) this call closed."""
    closed = []
    for community in communities(catalog):
        board = community.spec.leaderboard
        current = season_of(board.seasons, now, community.zone)
        for _ in range(MAX_SEASONS_A_RUN):
            season = await store.season_to_close(community.id, current)
            if season is None:
                break
            tell = partial(winner_message, community=community, season=season,
                           default_language=language)
            if await store.close_season(community.id, season, board.winners, tell, now):
                closed.append((community.id, season))
    return closed


async def keep_closing_seasons(store: SeasonStore, catalog: Callable[[], Catalog],
                               clock: Clock, language: str = "en") -> None:
    while True:
        try:
            for community_id, season in await close_seasons(store, catalog(), clock.now(),
                                                            language):
                log.info("closed season %s of community %s", season, community_id)
        except Exception:
            log.exception("closing seasons failed")
        await asyncio.sleep(SEASON_CHECK_SECONDS)
