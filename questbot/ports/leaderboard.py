"""Leaderboards: a community's standings for one period (all-time or a season), the closing
of a season, and what the public page of a community shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from questbot.domain.ids import UserRef
from questbot.domain.messages import Outbound


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int  # 1 + how many have more XP: learners with equal XP share a rank
    learner_id: str
    xp: int
    name: str | None  # None unless the learner opted in to be named (/leaderboard optin)
    language: str | None = None  # the language the learner chose, for telling winners


@dataclass(frozen=True, slots=True)
class Board:
    community_id: str
    period: str  # ``all``, or a season key (2026-12, 2026-W49)
    top: tuple[Standing, ...]
    me: Standing | None = None  # the asking learner's own place, when they have XP there


@dataclass(frozen=True, slots=True)
class BoardQuery:
    community_id: str
    period: str
    limit: int = 10
    me: UserRef | None = None


# A closed season's winner -> the message they are told (None: tell them nothing)
TellWinner = Callable[[Standing], Outbound | None]


@runtime_checkable
class LeaderboardReader(Protocol):
    async def leaderboard(self, query: BoardQuery) -> Board:
        """The top of a community's standings for a period, and the asker's own place."""
        ...

    async def home_community(self, account: UserRef) -> str | None:
        """The community the account's learner was last seen in publicly."""
        ...


class SeasonStore(LeaderboardReader, Protocol):
    async def season_to_close(self, community_id: str, current: str | None) -> str | None:
        """A season of this community other than ``current`` that still has standings."""
        ...

    async def close_season(self, community_id: str, season: str, winners: int,
                           tell: TellWinner, now: datetime) -> bool:
        """Archive the season's top standings and tell its winners (through the outbox),
        once per (community, season) however often or by however many processes this is
        called; then remove the season's standings. True when this call closed it."""
        ...


@dataclass(frozen=True, slots=True)
class CommunityBoards:
    """What a community's public leaderboard page shows."""

    community_id: str
    name: str
    season: Board | None  # None when the community has no seasons
    all_time: Board


class CommunityBoardSource(Protocol):
    async def community_boards(self, community_id: str) -> CommunityBoards | None:
        """None when no community has that id."""
        ...
