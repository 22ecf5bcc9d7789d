"""No statement the engine, the outbox or maintenance runs reads a whole table that grows
with learners or with time: each one's plan is read from SQLite (EXPLAIN QUERY PLAN) after a
conversation that makes every kind of change, and the outbox's and prunes' own work."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

from questbot.catalog import Catalog
from questbot.domain import Text, UserRef
from questbot.engine import EngineSettings, QuestEngine
from questbot.ports import DeliveryStatus, Settle, Store
from questbot.storage import SqliteStore
from tests.helpers import FakeClock
from tests.test_store_contract import conversation

# Tables whose size is fixed by the quests or the issuer, not by learners or time: one
# attendance session per attendance step, one badge class per badge.
SMALL = {"schema_version", "badge_classes", "attendance_sessions", "sqlite_master"}
# Partial indexes hold only rows in one state (pending, failed...): reading all of one is
# reading that state's rows, not the table.
PARTIAL = {"outbox_due", "outbox_queue", "outbox_problems", "outbox_delivered",
           "step_progress_pending_submissions"}
# /forget scrubs the learner's name from every reply and message kept (7 days of them): it
# has to read them all, once per /forget, and nothing else does.
FORGET_SCRUB = re.compile(r"WHERE instr\(lower\((message|replies)\), ")
SKIPPED = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|CREATE|DROP|ALTER)",
                     re.IGNORECASE)


async def test_every_statement_finds_its_rows_by_an_index(
        tmp_path: Path, catalog: Catalog, settings: EngineSettings) -> None:
    store = SqliteStore(tmp_path / "questbot.sqlite3")
    await store.open()
    seen: set[str] = set()
    writer = store.writer._conn  # the connections whose statements SQLite traces
    assert writer is not None
    writer.set_trace_callback(seen.add)
    assert store._reader is not None
    await store._reader.set_trace_callback(seen.add)
    try:
        await every_kind_of_work(store, catalog, settings)
    finally:
        await store.close()
    scans: dict[str, list[str]] = {}
    with sqlite3.connect(tmp_path / "questbot.sqlite3") as conn:
        for statement in sorted(s for s in seen if not SKIPPED.match(s)):
            plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}")]
            whole = [step for step in plan if _scans_a_growing_table(step)]
            if whole and not FORGET_SCRUB.search(statement):
                scans[statement[:160]] = whole
    assert not scans, "\n".join(f"{plan}: {text}" for text, plan in scans.items())


async def every_kind_of_work(store: Store, catalog: Catalog,
                             settings: EngineSettings) -> None:
    """A conversation that makes every kind of change, then the outbox's and prunes' work."""
    clock = FakeClock()
    engine = QuestEngine(store, catalog, dataclasses.replace(settings, email_enabled=True),
                         clock=clock)
    await conversation(engine, clock, store)
    await store.enqueue(UserRef("console", "carol"), Text("hello"))
    claimed = await store.claim_deliveries("console", clock.now(),
                                           clock.now() + timedelta(minutes=1))
    await store.settle([Settle(c.delivery.delivery_id, DeliveryStatus.FAILED, "no")
                        for c in claimed])
    await store.failed_deliveries("console")
    await store.requeue([c.delivery.delivery_id for c in claimed])
    await store.outbox_counts()
    await store.pending_deliveries("console")
    await store.prune_processed_events(timedelta(days=7))
    await store.prune_delivered(timedelta(days=7))


def _scans_a_growing_table(step: str) -> bool:
    match = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", step)
    if match is None or re.match(r"SCAN (\d+ )?CONSTANT ROW", step):  # VALUES, no table
        return False
    return match.group(1) not in SMALL and match.group(2) not in PARTIAL
