"""Messages for people other than the sender, kept until a platform takes them."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from questbot.domain.ids import UserRef
from questbot.domain.messages import Delivery, Outbound


class DeliveryStatus(enum.StrEnum):
    """Where an outbox row stands. Only ``pending`` rows are ever sent."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # the platform kept refusing it: given up, shown to admins
    UNCERTAIN = "uncertain"  # the platform answered too late: probably arrived, never resent


@dataclass(frozen=True, slots=True)
class Claimed:
    """A due delivery, leased to one pump; ``attempts`` counts its earlier refusals."""

    delivery: Delivery
    attempts: int


@dataclass(frozen=True, slots=True)
class Settle:
    """The outcome of one attempt. ``PENDING`` means try again at ``retry_at``; ``counted``
    False when the platform could not be reached (that attempt does not count); ``rest``
    replaces the message when part of it already went out."""

    delivery_id: int
    status: DeliveryStatus
    error: str | None = None
    retry_at: datetime | None = None
    counted: bool = True
    rest: Outbound | None = None


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A delivery that did not certainly arrive: failed, or uncertain."""

    delivery: Delivery
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    last_attempt_at: datetime | None


class Outbox(Protocol):
    async def pending_deliveries(self, platform: str, limit: int = 50) -> list[Delivery]:
        """Pending deliveries, due or not, by due time then queue order (for adapters that
        always deliver at once, such as the console)."""
        ...

    async def claim_deliveries(self, platform: str, now: datetime, lease_until: datetime,
                               limit: int = 100) -> list[Claimed]:
        """Due deliveries (pending, next attempt at or before ``now``, the oldest pending one
        of each recipient, so a recipient's messages arrive in order), leased until
        ``lease_until`` so no other pump takes them; by due time, then queue order."""
        ...

    async def settle(self, outcomes: Sequence[Settle]) -> None:
        """Record attempts' outcomes in one transaction. A retried delivery's later messages
        to the same recipient wait at least as long."""
        ...

    async def mark_delivered(self, delivery_ids: Sequence[int]) -> None:
        ...

    async def enqueue(self, recipient: UserRef, message: Outbound) -> None:
        """Keep a message an adapter could not send now, to deliver later."""
        ...

    async def keep_uncertain(self, recipient: UserRef, message: Outbound, error: str) -> None:
        """Record a reply whose send timed out after it went out: probably delivered, so
        never sent again automatically, but listed with the failed ones."""
        ...

    async def failed_deliveries(self, platform: str | None = None, limit: int = 100
                                ) -> list[FailedDelivery]:
        """Failed and uncertain deliveries, the most recent first, with their last error."""
        ...

    async def outbox_counts(self) -> dict[tuple[str, str], int]:
        """Rows not delivered, by (platform, status): pending, failed, uncertain."""
        ...

    async def requeue(self, delivery_ids: Sequence[int]) -> int:
        """Make failed or uncertain deliveries pending again, with fresh attempts (an admin's
        decision); returns how many."""
        ...
