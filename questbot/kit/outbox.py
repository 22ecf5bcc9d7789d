"""Delivering the outbox for one platform (in the adapters' kit). Adapters only say how to
send one message and what the platform's answer meant; the retry state lives in the outbox
table, not here.

A round claims the rows due when it starts, a page at a time (one indexed query: pending, next
attempt at or before now, each recipient's oldest pending row, by due time then queue order;
rows never tried come before retries), sends a page concurrently, and records every outcome
as soon as it is known:

- delivered: done;
- refused (a blocked bot, closed DMs, no private chat yet): tried again after a back-off that
  doubles per attempt from ``first_backoff`` up to ``max_backoff``, each delay drawn between
  half and all of it (jitter, so a crowd refused together does not come back together); after
  ``max_attempts`` refusals the row ends ``failed`` with its last error, one WARNING line is
  logged, and ``Outbox.failed_deliveries`` lists it for admins. The recipient's later messages
  wait behind it (they arrive in order); nobody else's do;
- failed (a refusal for good, such as a mail server's 550 "no such user"): ``failed`` at
  once with its error, as after the last refusal;
- uncertain (the request went out and the answer came too late): probably arrived, so it is
  never sent again automatically (see ``questbot_telegram.send``); listed with the failed ones;
- unreachable (the platform is down): the round stops; the attempt does not count;
- failed (refused for good, e.g. the bot lacks a permission): ends ``failed`` at once, without
  a retry; the adapter tells the admins, who fix it and requeue the row (``questbot outbox``).

A round ends when no row due at its start is left, so one round tries every due row once
however many undeliverable ones sit ahead; a row retried in a round is not due again in it.
Claimed rows are leased (their next attempt moved past ``lease`` seconds), so several
processes can pump one platform without sending a row twice; a process that dies mid-send
leaves its rows to be tried again when the lease ends.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from questbot.domain.messages import Delivery, Outbound
from questbot.ports import Claimed, Clock, DeliveryStatus, Outbox, Settle

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 30  # with 5 s doubling to 1 h: about 20 hours of trying, 15 on average


class Sent(enum.Enum):
    DELIVERED = "delivered"
    REFUSED = "refused"  # e.g. the learner never opened a private chat: try again later
    UNREACHABLE = "unreachable"  # the platform is down: stop this round
    UNCERTAIN = "uncertain"  # sent, but no answer in time: probably arrived, never resent
    FAILED = "failed"  # refused for good (a missing permission): trying again cannot help
    # until someone acts, so the row ends failed at once, listed for admins (who requeue it)


@dataclass(frozen=True, slots=True)
class Attempted:
    """What a send did, with the platform's words; ``rest`` is what is left of a message of
    several parts when some of them went out."""

    sent: Sent
    error: str = ""
    rest: Outbound | None = None


Send = Callable[[Delivery], Awaitable[Sent | Attempted]]
GivenUp = Callable[[Delivery, Settle], Awaitable[None]]  # told of each row ended failed or
# uncertain, after it is recorded (to tell admins, say)


class OutboxPump:
    def __init__(self, outbox: Outbox, platform: str, send: Send, *, clock: Clock,
                 interval: float = 1.0, first_backoff: float = 5.0,
                 max_backoff: float = 3600.0, max_attempts: int = DEFAULT_MAX_ATTEMPTS,
                 page: int = 100, concurrency: int = 8, lease: float = 600.0,
                 jitter: Callable[[], float] = random.random,
                 ready: Callable[[], bool] = lambda: True,
                 given_up: GivenUp | None = None) -> None:
        self._outbox = outbox
        self._platform = platform
        self._send = send
        self._interval = interval
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._max_attempts = max(1, max_attempts)
        self._page = page
        self._concurrency = asyncio.Semaphore(concurrency)
        self._lease = timedelta(seconds=lease)
        self._clock = clock
        self._jitter = jitter
        self._ready = ready
        self._given_up = given_up

    async def run(self) -> None:
        while True:
            try:
                await self.deliver_pending()
            except Exception:
                log.exception("delivering the %s outbox failed", self._platform)
            await asyncio.sleep(self._interval)

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th refusal."""
        full = min(self._max_backoff, self._first_backoff * 2.0 ** min(attempts - 1, 60))
        return full * (0.5 + self._jitter() / 2)

    async def deliver_pending(self) -> int:
        """One round; returns how many messages were delivered."""
        if not self._ready():
            return 0
        start = self._clock.now()
        delivered = 0
        while True:
            claimed = await self._outbox.claim_deliveries(
                self._platform, start, self._clock.now() + self._lease, self._page)
            if not claimed:
                return delivered
            down = asyncio.Event()  # set when the platform cannot be reached
            outcomes = await asyncio.gather(*(self._attempt(c, down) for c in claimed))
            delivered += sum(o is DeliveryStatus.DELIVERED for o in outcomes)
            if down.is_set():  # the rest waits for the next round
                return delivered

    async def _attempt(self, claimed: Claimed, down: asyncio.Event) -> DeliveryStatus:
        """Send one delivery (unless the platform is down) and record what happened."""
        delivery = claimed.delivery
        async with self._concurrency:
            if down.is_set():
                result: Sent | Attempted = Attempted(Sent.UNREACHABLE, "not tried: the"
                                                     " platform was unreachable")
            else:
                try:
                    result = await self._send(delivery)
                except Exception as exc:  # a bug or a broken message: counted, so it ends
                    log.exception("sending %s delivery %s failed", self._platform,
                                  delivery.delivery_id)
                    result = Attempted(Sent.REFUSED, f"{type(exc).__name__}: {exc}")
        attempted = result if isinstance(result, Attempted) else Attempted(result)
        if attempted.sent is Sent.UNREACHABLE:
            down.set()
        outcome = self._outcome(claimed, attempted)
        await self._outbox.settle([outcome])
        if self._given_up is not None and outcome.status in (DeliveryStatus.FAILED,
                                                              DeliveryStatus.UNCERTAIN):
            try:
                await self._given_up(delivery, outcome)
            except Exception:  # the row is recorded; `questbot outbox` still lists it
                log.exception("reporting %s delivery %s failed", self._platform,
                              delivery.delivery_id)
        return outcome.status

    def _outcome(self, claimed: Claimed, attempted: Attempted) -> Settle:
        delivery = claimed.delivery
        error = attempted.error or attempted.sent.value
        now = self._clock.now()
        match attempted.sent:
            case Sent.DELIVERED:
                return Settle(delivery.delivery_id, DeliveryStatus.DELIVERED)
            case Sent.UNCERTAIN:
                log.warning("%s delivery %s to %s may have arrived; not sent again: %s",
                            self._platform, delivery.delivery_id, delivery.recipient, error)
                return Settle(delivery.delivery_id, DeliveryStatus.UNCERTAIN, error,
                              rest=attempted.rest)  # what an admin's requeue would send
            case Sent.UNREACHABLE:
                return Settle(delivery.delivery_id, DeliveryStatus.PENDING, error, now,
                              counted=False, rest=attempted.rest)
            case Sent.FAILED:
                log.warning("%s delivery %s to %s refused for good: %s", self._platform,
                            delivery.delivery_id, delivery.recipient, error)
                return Settle(delivery.delivery_id, DeliveryStatus.FAILED, error,
                              rest=attempted.rest)
            case Sent.REFUSED:
                attempts = claimed.attempts + 1
                if attempts >= self._max_attempts:
                    log.warning("%s delivery %s to %s failed after %d attempts: %s",
                                self._platform, delivery.delivery_id, delivery.recipient,
                                attempts, error)
                    return Settle(delivery.delivery_id, DeliveryStatus.FAILED, error,
                                  rest=attempted.rest)
                log.info("%s delivery %s to %s waits (attempt %d): %s", self._platform,
                         delivery.delivery_id, delivery.recipient, attempts, error)
                return Settle(delivery.delivery_id, DeliveryStatus.PENDING, error,
                              now + timedelta(seconds=self.backoff(attempts)),
                              rest=attempted.rest)

