from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from questbot.catalog import Catalog
from questbot.domain import UserRef
from questbot.domain.changes import Decision, PutEnrolment
from questbot.domain.errors import StoreError
from questbot.domain.messages import Text
from questbot.domain.progress import Enrolment
from questbot.engine import EngineSettings, QuestEngine
from questbot.ports import LoadRequest, Store
from questbot.storage import SqliteStore
from questbot.storage.sql.migrations import MIGRATIONS
from questbot.storage.sql.program import PRUNE_BATCH
from tests.helpers import FakeClock, Player

pytestmark = pytest.mark.stores("sqlite", "postgres")  # a store-contract module

ALICE = UserRef("console", "alice")


async def test_a_redelivered_event_changes_nothing_and_gets_the_same_answer(
        alice: Player) -> None:
    await alice.say("/join python-basics")
    first = await alice.post("hi", event_id="update-1")
    again = await alice.post("hi", event_id="update-1")
    assert first == again
    assert "1/3 messages" in await alice.say("/progress")
    reply = await alice.say("/quiz", event_id="update-2")
    assert reply == await alice.say("/quiz", event_id="update-2")
    assert "Attempt 1 of 3" in reply  # the redelivery did not start a second attempt


async def test_progress_survives_a_restart(tmp_path: Path, catalog: Catalog,
                                           settings: EngineSettings, clock: FakeClock) -> None:
    path = tmp_path / "db.sqlite3"
    for round_number in range(2):
        store = SqliteStore(path)
        await store.open()
        engine = QuestEngine(store, catalog, settings, clock=clock)
        alice = Player(engine, ALICE, "Alice")
        if round_number == 0:
            await alice.say("/join python-basics")
            await alice.post()
            await alice.say("/quiz")
            await alice.say("2")
        else:
            assert "1/3 messages" in await alice.say("/progress")
            assert "Question 2/4" in await alice.say("/quiz")  # the open quiz resumes
        await store.close()


async def test_concurrent_events_share_commits_and_each_is_applied(
        engine: QuestEngine, store: SqliteStore) -> None:
    players = [Player(engine, UserRef("console", f"learner{i}")) for i in range(200)]
    await asyncio.gather(*(p.say("/join python-basics") for p in players))
    await asyncio.gather(*(p.post() for p in players for _ in range(2)))
    replies = await asyncio.gather(*(p.say("/progress") for p in players))
    assert all("2/3 messages" in r for r in replies)
    if isinstance(store, SqliteStore):
        assert store.writer.batches < store.writer.jobs  # commits were grouped


async def test_a_failing_event_rolls_back_alone(store: SqliteStore) -> None:
    def boom(_: object) -> Decision:
        raise RuntimeError("rule bug")

    def ok(_: object) -> Decision:
        return Decision(())

    bad = store.handle_event("console", "x1", LoadRequest(ALICE), boom)
    good = store.handle_event("console", "x2", LoadRequest(ALICE), ok)
    results = await asyncio.gather(bad, good, return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert not isinstance(results[1], BaseException)
    # the failed event was not recorded, so a redelivery is tried again
    retry = await store.handle_event("console", "x1", LoadRequest(ALICE), ok)
    assert retry.duplicate is False
    assert (await store.handle_event("console", "x2", LoadRequest(ALICE), ok)).duplicate


async def test_an_event_whose_write_fails_leaves_nothing_and_the_others_stand(
        store: Store) -> None:
    """A write the database refuses (here an enrolment of a learner who does not exist)
    comes after the event's record was written: neither is kept, and the events committed
    beside it are kept whole."""
    def bad(_: object) -> Decision:
        return Decision((Text("never"),), (PutEnrolment("nobody", Enrolment(
            "python-basics", "v1", datetime(2026, 12, 1, tzinfo=UTC))),))

    def ok(_: object) -> Decision:
        return Decision((Text("fine"),))

    users = [UserRef("console", f"learner{n}") for n in range(30)]
    outcomes = await asyncio.gather(
        *(store.handle_event("console", f"ok-{n}", LoadRequest(u), ok)
          for n, u in enumerate(users[:15])),
        store.handle_event("console", "bad", LoadRequest(ALICE), bad),
        *(store.handle_event("console", f"ok-{n + 15}", LoadRequest(u), ok)
          for n, u in enumerate(users[15:])), return_exceptions=True)
    failed = outcomes.pop(15)
    assert isinstance(failed, Exception) and not isinstance(failed, AssertionError)
    assert all(not isinstance(o, BaseException) and not o.duplicate for o in outcomes)
    for n, user in enumerate(users):  # each was recorded once, with its answer
        again = await store.handle_event("console", f"ok-{n}", LoadRequest(user), ok)
        assert again.duplicate and again.replies == (Text("fine"),)
    retry = await store.handle_event("console", "bad", LoadRequest(ALICE), ok)
    assert retry.duplicate is False  # the refused event was not recorded


async def test_an_unexpected_failure_is_an_apology_not_a_traceback(engine: QuestEngine,
                                                                   alice: Player,
                                                                   store: SqliteStore) -> None:
    await store.close()
    reply = await alice.say("/progress")
    assert reply == "Sorry, something went wrong on my side. Please try again."


async def test_the_schema_is_versioned(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "v.sqlite3")
    await store.open()
    await store.close()
    with sqlite3.connect(tmp_path / "v.sqlite3") as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == \
            (len(MIGRATIONS),)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        conn.execute("INSERT INTO schema_version VALUES (99)")
    newer = SqliteStore(tmp_path / "v.sqlite3")
    with pytest.raises(StoreError, match="newer than this questbot"):
        await newer.open()


async def test_an_unwritable_database_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = SqliteStore(blocker / "db.sqlite3")
    with pytest.raises(StoreError, match="cannot open the database"):
        await store.open()


async def test_old_event_ids_are_pruned_recent_ones_kept(store: SqliteStore,
                                                         alice: Player) -> None:
    await alice.say("/join python-basics", event_id="recent")
    assert await store.prune_processed_events(timedelta(days=7)) == 0
    assert "already on" not in await alice.say("/join python-basics", event_id="recent")
    assert await store.prune_processed_events(timedelta(seconds=-1)) == 1
    # once forgotten, the same id is a new event (platforms never redeliver that late)
    assert "already on" in await alice.say("/join python-basics", event_id="recent")


async def test_pruning_goes_batch_by_batch_and_keeps_what_is_not_delivered(
        store: Store, alice: Player) -> None:
    await alice.say("/start")
    await asyncio.gather(*(alice.say("/progress", event_id=f"old-{n}")
                           for n in range(PRUNE_BATCH * 2 + 500)))
    assert await store.prune_processed_events(timedelta(seconds=-1)) == PRUNE_BATCH * 2 + 501
    assert await store.prune_processed_events(timedelta(seconds=-1)) == 0
    for n in range(5):
        await store.enqueue(ALICE, Text(f"message {n}"))
    pending = await store.pending_deliveries("console")
    await store.mark_delivered([d.delivery_id for d in pending[:3]])
    assert await store.prune_delivered(timedelta(days=7)) == 0  # delivered just now
    assert await store.prune_delivered(timedelta(seconds=-1)) == 3
    left = await store.pending_deliveries("console")
    assert [d.message for d in left] == [Text("message 3"), Text("message 4")]
