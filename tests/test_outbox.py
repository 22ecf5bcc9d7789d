"""The outbox never starves, on both stores: what learners receive while others cannot be
reached, how often a refusing platform is asked again, and what admins are shown."""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from questbot.domain import Delivery, Text, UserRef
from questbot.kit.outbox import Attempted, OutboxPump, Sent
from questbot.ports import DeliveryStatus, Store
from questbot.storage import SqliteStore
from questbot.storage.sql.dialect import Dialect
from questbot.storage.sql.outbox import CLAIM
from questbot.storage.sqlite.migrations import migrate
from tests.helpers import FakeClock

pytestmark = pytest.mark.stores("sqlite", "postgres")  # a store-contract module

PLATFORM = "chat"
BLOCKED = "Forbidden: bot was blocked by the user"


class Platform:
    """A chat platform as learners see it: the chats they read, and users who blocked the
    bot (refused), or the whole platform down."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.chats: dict[str, list[str]] = defaultdict(list)
        self.blocked: set[str] = set()
        self.down = False
        self.uncertain: set[str] = set()  # texts whose answer comes too late (they arrive)
        self.calls: Counter[str] = Counter()
        self.called_at: dict[str, list[datetime]] = defaultdict(list)

    async def send(self, delivery: Delivery) -> Sent | Attempted:
        user = delivery.recipient.user_id
        self.calls[user] += 1
        self.called_at[user].append(self.clock.now())
        if self.down:
            return Sent.UNREACHABLE
        if user in self.blocked:
            return Attempted(Sent.REFUSED, BLOCKED)
        assert isinstance(delivery.message, Text)
        self.chats[user].append(delivery.message.text)
        if delivery.message.text in self.uncertain:
            return Attempted(Sent.UNCERTAIN, "TimedOut from httpx.ReadTimeout")
        return Sent.DELIVERED


def pump_for(store: Store, platform: Platform, *, max_attempts: int = 5, page: int = 100,
             concurrency: int = 8, jitter: Callable[[], float] = lambda: 1.0) -> OutboxPump:
    """5 s doubling up to 60 s; jitter 1.0: each delay is the whole back-off."""
    return OutboxPump(store, PLATFORM, platform.send, interval=0.01, first_backoff=5.0,
                      max_backoff=60.0, max_attempts=max_attempts, page=page,
                      concurrency=concurrency, clock=platform.clock, jitter=jitter)


async def enqueue(store: Store, user: str, *texts: str) -> None:
    for text in texts:  # in order: one recipient's messages are queued one after another
        await store.enqueue(UserRef(PLATFORM, user), Text(text))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


async def test_a_thousand_undeliverable_messages_do_not_hold_back_a_deliverable_one(
        store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    platform = Platform(clock)
    blocked = [f"blocked-{n}" for n in range(1000)]
    platform.blocked.update(blocked)
    await asyncio.gather(*(enqueue(store, user, f"news for {user}") for user in blocked))
    await enqueue(store, "alice", "Tina awarded you the Python Basics badge")
    pump = pump_for(store, platform)

    assert await pump.deliver_pending() == 1  # the first round reaches her
    assert platform.chats["alice"] == ["Tina awarded you the Python Basics badge"]
    assert sum(platform.calls[u] for u in blocked) == 1000  # each was tried once

    # While they back off, new messages go straight through; nobody refused is asked again.
    await enqueue(store, "alice", "Your badge is ready")
    assert await pump.deliver_pending() == 1
    assert platform.chats["alice"][-1] == "Your badge is ready"
    assert sum(platform.calls[u] for u in blocked) == 1000

    caplog.set_level(logging.WARNING, logger="questbot.engine.outbox_pump")
    rounds = 1
    while len(await store.failed_deliveries(PLATFORM, 2000)) < 1000:
        clock.advance(seconds=61)  # past the longest back-off
        await pump.deliver_pending()
        rounds += 1
        assert rounds <= 5, "every undeliverable message ends failed after 5 attempts"
    assert rounds == 5
    assert {platform.calls[u] for u in blocked} == {5}
    assert all(platform.chats[u] == [] for u in blocked)

    failed = await store.failed_deliveries(PLATFORM, 2000)
    assert len(failed) == 1000
    assert {(f.status, f.attempts, f.last_error) for f in failed} == \
        {(DeliveryStatus.FAILED, 5, BLOCKED)}
    assert {f.delivery.recipient.user_id for f in failed} == set(blocked)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING
                and "failed after 5 attempts" in r.getMessage()]
    assert len(warnings) == 1000  # one line per delivery that ends failed

    clock.advance(days=30)  # failed deliveries are never tried again
    assert await pump.deliver_pending() == 0
    assert sum(platform.calls[u] for u in blocked) == 5000
    assert await store.pending_deliveries(PLATFORM, 2000) == []


async def test_back_off_doubles_with_jitter_up_to_the_maximum(store: Store,
                                                              clock: FakeClock) -> None:
    platform = Platform(clock)
    platform.blocked.add("bob")
    await enqueue(store, "bob", "hello")
    jitters = iter([0.0, 1.0] * 10)
    pump = pump_for(store, platform, max_attempts=10, jitter=lambda: next(jitters))
    for _ in range(400):  # ten minutes, a round every 1.5 s
        await pump.deliver_pending()
        clock.advance(seconds=1.5)
    times = platform.called_at["bob"]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    # 5 s doubling, capped at 60 s, each drawn between half and all of it (jitter 0 and 1
    # alternate here), then up to one 1.5 s round late
    expected = [2.5, 10, 10, 40, 30, 60, 30, 60, 30]
    assert len(gaps) == len(expected)
    for gap, lower in zip(gaps, expected, strict=True):
        assert lower <= gap <= lower + 1.5
    assert len(times) == 10
    [failed] = await store.failed_deliveries()
    assert failed.attempts == 10


async def test_a_recipients_messages_arrive_in_order_and_only_theirs_wait(
        store: Store, clock: FakeClock) -> None:
    platform = Platform(clock)
    platform.blocked.add("bob")
    await enqueue(store, "bob", "1: you joined", "2: step done", "3: badge")
    await enqueue(store, "alice", "a1", "a2")
    pump = pump_for(store, platform)
    assert await pump.deliver_pending() == 2
    assert platform.chats["alice"] == ["a1", "a2"]
    assert platform.calls["bob"] == 1  # his later messages wait behind the first

    await enqueue(store, "bob", "4: later news")  # queued while the first backs off
    assert await pump.deliver_pending() == 0
    platform.blocked.discard("bob")  # he opens the chat again
    clock.advance(seconds=61)
    assert await pump.deliver_pending() == 4
    assert platform.chats["bob"] == ["1: you joined", "2: step done", "3: badge",
                                     "4: later news"]


async def test_an_outage_does_not_use_up_attempts_and_stops_the_round(
        store: Store, clock: FakeClock) -> None:
    platform = Platform(clock)
    for n in range(50):
        await enqueue(store, f"learner-{n}", f"message {n}")
    pump = pump_for(store, platform, concurrency=1)
    platform.down = True
    for _ in range(20):  # far more rounds than max_attempts
        assert await pump.deliver_pending() == 0
        clock.advance(seconds=61)
    assert sum(platform.calls.values()) == 20  # one try per round while it is down
    assert await store.failed_deliveries() == []
    platform.down = False
    assert await pump.deliver_pending() == 50
    assert all(platform.chats[f"learner-{n}"] == [f"message {n}"] for n in range(50))


async def test_an_uncertain_delivery_is_never_resent_unless_an_admin_requeues_it(
        store: Store, clock: FakeClock) -> None:
    platform = Platform(clock)
    platform.uncertain.add("your badge")
    await enqueue(store, "alice", "your badge", "next")
    pump = pump_for(store, platform)
    assert await pump.deliver_pending() == 1  # "next" follows; the uncertain one arrived
    for _ in range(3):
        clock.advance(days=1)
        await pump.deliver_pending()
    assert platform.chats["alice"] == ["your badge", "next"]  # once
    [shown] = await store.failed_deliveries(PLATFORM)
    assert shown.status is DeliveryStatus.UNCERTAIN
    assert "ReadTimeout" in (shown.last_error or "")
    assert isinstance(shown.delivery.message, Text)
    assert shown.delivery.message.text == "your badge"

    assert await store.requeue([shown.delivery.delivery_id]) == 1  # an admin's decision
    platform.uncertain.clear()
    assert await pump.deliver_pending() == 1
    assert platform.chats["alice"] == ["your badge", "next", "your badge"]
    assert await store.failed_deliveries(PLATFORM) == []


async def test_a_message_that_breaks_the_sender_ends_failed_and_blocks_nobody(
        store: Store, clock: FakeClock) -> None:
    platform = Platform(clock)
    sent = platform.send

    async def fragile(delivery: Delivery) -> Sent | Attempted:
        if isinstance(delivery.message, Text) and delivery.message.text == "poison":
            raise ValueError("cannot render this")
        return await sent(delivery)

    await enqueue(store, "bob", "poison")
    await enqueue(store, "alice", "fine")
    pump = OutboxPump(store, PLATFORM, fragile, max_attempts=3, clock=clock)
    for _ in range(3):
        await pump.deliver_pending()
        clock.advance(hours=2)
    assert platform.chats["alice"] == ["fine"]
    [failed] = await store.failed_deliveries()
    assert failed.attempts == 3
    assert failed.last_error == "ValueError: cannot render this"


async def test_part_of_a_message_that_went_out_is_not_sent_again(store: Store,
                                                                 clock: FakeClock) -> None:
    platform = Platform(clock)
    calls = 0

    async def halfway(delivery: Delivery) -> Sent | Attempted:
        nonlocal calls
        calls += 1
        assert isinstance(delivery.message, Text)
        if calls == 1:  # the first part went out, then the recipient refused the second
            platform.chats["alice"].append("part one")
            return Attempted(Sent.REFUSED, BLOCKED, rest=Text("part two"))
        return await platform.send(delivery)

    await enqueue(store, "alice", "part one + part two")
    pump = OutboxPump(store, PLATFORM, halfway, clock=clock)
    await pump.deliver_pending()
    clock.advance(minutes=1)
    await pump.deliver_pending()
    assert platform.chats["alice"] == ["part one", "part two"]


async def test_pumps_sharing_a_store_send_each_message_once(store: Store,
                                                            clock: FakeClock) -> None:
    platform = Platform(clock)
    await asyncio.gather(*(enqueue(store, f"learner-{n % 40}", f"message {n}")
                           for n in range(200)))
    pumps = [pump_for(store, platform, page=7) for _ in range(3)]
    for _ in range(10):
        await asyncio.gather(*(p.deliver_pending() for p in pumps))
    received = [text for chat in platform.chats.values() for text in chat]
    assert sorted(received) == sorted(f"message {n}" for n in range(200))


async def test_the_due_query_uses_its_index(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "q.sqlite3")
    await store.open()
    await store.close()
    conn = sqlite3.connect(tmp_path / "q.sqlite3")
    plan = " ".join(str(row[3]) for row in conn.execute(
        "EXPLAIN QUERY PLAN " + Dialect.SQLITE.render(CLAIM),
        (PLATFORM, "now", "later", 100)))
    conn.close()
    assert "USING INDEX outbox_due" in plan
    assert "USING INDEX outbox_queue" in plan
    assert "SCAN" not in plan and "TEMP B-TREE" not in plan


async def test_an_older_database_keeps_what_was_delivered_and_delivers_the_rest(
        tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, upto=4)
    message = '{"kind": "Text", "text": "%s"}'
    conn.execute("INSERT INTO outbox (platform, platform_user_id, learner_id, message,"
                 " created_at, delivered_at, attempts) VALUES (?, 'alice', '', ?, 'x', 'y', 0),"
                 " (?, 'alice', '', ?, 'x', NULL, 7)", (PLATFORM, message % "old news",
                                                        PLATFORM, message % "still waiting"))
    conn.close()
    store = SqliteStore(path)
    await store.open()
    try:
        platform = Platform(clock)
        assert await pump_for(store, platform).deliver_pending() == 1
        assert platform.chats["alice"] == ["still waiting"]
    finally:
        await store.close()
