"""What the wallet page reads: the learner a wallet token names (by its hash), with their
badges, whether each is hidden from the wallet, their XP and their streak."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from questbot.domain.ids import UserRef
from questbot.domain.streaks import Streak


@dataclass(frozen=True, slots=True)
class WalletBadge:
    award_id: str
    quest_id: str
    badge_key: str
    badge_name: str
    awarded_at: datetime
    revoked_at: datetime | None
    hidden: bool


@dataclass(frozen=True, slots=True)
class WalletHolder:
    learner_id: str
    # one of their accounts, chat ones first: the page's form acts as it through the engine
    # (never shown)
    account: UserRef | None
    badges: tuple[WalletBadge, ...]  # every badge, hidden ones too, in wallet order
    xp_by_community: dict[str, int] = field(default_factory=dict)  # all-time
    streak: Streak = field(default_factory=Streak)
    home_community: str | None = None

    @property
    def shown(self) -> tuple[WalletBadge, ...]:
        return tuple(b for b in self.badges if not b.hidden)


class WalletReader(Protocol):
    async def wallet(self, token_hash: str) -> WalletHolder | None:
        """The holder of the wallet whose token has this SHA-256, or None (unknown,
        replaced by a new link, or forgotten)."""
        ...
