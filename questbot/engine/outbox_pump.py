"""Delivering the outbox for one platform: round after round, each message retried later
(less and less often) when the platform refuses it, and the round stopped when the platform
cannot be reached. Adapters only say how to send one message and what the answer meant."""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable

from questbot.domain.messages import Delivery
from questbot.ports import Outbox

log = logging.getLogger(__name__)


class Sent(enum.Enum):
    DELIVERED = "delivered"
    REFUSED = "refused"  # e.g. the learner never opened a private chat: try again later
    UNREACHABLE = "unreachable"  # the platform is down: stop this round


class OutboxPump:
    def __init__(self, outbox: Outbox, platform: str,
                 send: Callable[[Delivery], Awaitable[Sent]], *, interval: float = 1.0,
                 first_backoff: float = 5.0, max_backoff: float = 3600.0,
                 ready: Callable[[], bool] = lambda: True) -> None:
        self._outbox = outbox
        self._platform = platform
        self._send = send
        self._interval = interval
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._ready = ready
        self._retry_at: dict[int, tuple[float, float]] = {}  # delivery -> (when, backoff)

    async def run(self) -> None:
        while True:
            try:
                await self.deliver_pending()
            except Exception:
                log.exception("delivering the %s outbox failed", self._platform)
            await asyncio.sleep(self._interval)

    async def deliver_pending(self) -> int:
        """One round; returns how many messages were delivered."""
        if not self._ready():
            return 0
        now = time.monotonic()
        delivered = 0
        for delivery in await self._outbox.pending_deliveries(self._platform, 100):
            when, backoff = self._retry_at.get(delivery.delivery_id,
                                               (0.0, self._first_backoff))
            if when > now:
                continue
            outcome = await self._send(delivery)
            if outcome is Sent.UNREACHABLE:
                break
            if outcome is Sent.REFUSED:
                self._retry_at[delivery.delivery_id] = (now + backoff,
                                                        min(backoff * 2, self._max_backoff))
                await self._outbox.mark_failed([delivery.delivery_id])
                continue
            await self._outbox.mark_delivered([delivery.delivery_id])
            self._retry_at.pop(delivery.delivery_id, None)
            delivered += 1
        return delivered
