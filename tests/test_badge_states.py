"""Badges' states as the badge server reads them: kept while the database is unchanged, read
again after any commit (from this process or another), so a revocation shows on the first
request after it; read every time from a store that cannot tell."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from questbot.ports import CredentialState
from questbot.storage.sqlite.store import SqliteStore
from questbot.web.badge_states import BadgeStates

VALID = CredentialState(None, None, "Alice", None)
REVOKED = CredentialState(datetime(2026, 5, 1, tzinfo=UTC), "in error", "Alice", None)


class Database:
    """Badges' states and a data version that moves on every commit, as SQLite's does."""

    def __init__(self, version: int | None = 1) -> None:
        self.states = {"a1": VALID}
        self.version = version
        self.reads: list[list[str]] = []
        self.read_started = asyncio.Event()
        self.reading = asyncio.Event()
        self.reading.set()

    async def commit(self, award_id: str, state: CredentialState) -> None:
        self.states[award_id] = state
        if self.version is not None:
            self.version += 1
        await asyncio.sleep(0)  # as a real commit, told to its caller in a later turn

    async def read(self, award_ids: Sequence[str]) -> dict[str, CredentialState]:
        self.reads.append(list(award_ids))
        seen = dict(self.states)  # a read sees the database as it was when it began
        self.read_started.set()
        await self.reading.wait()
        return {a: seen[a] for a in award_ids if a in seen}

    def data_version(self) -> int | None:
        return self.version


async def test_a_kept_state_is_answered_until_the_next_commit() -> None:
    db = Database()
    states = BadgeStates(db.read, db.data_version)
    assert [await states.state("a1") for _ in range(3)] == [VALID] * 3
    assert len(db.reads) == 1
    await db.commit("a1", REVOKED)
    assert await states.state("a1") == REVOKED
    assert await states.state("unknown") is None
    assert await states.state("unknown") is None
    assert len(db.reads) == 3


async def test_a_commit_during_a_read_is_not_hidden_by_it() -> None:
    db = Database()
    states = BadgeStates(db.read, db.data_version)
    db.reading.clear()
    first = asyncio.create_task(states.state("a1"))
    await db.read_started.wait()
    await db.commit("a1", REVOKED)  # after the read saw the database, before it answered
    db.reading.set()
    assert await first == VALID  # as it was when the request arrived
    assert await states.state("a1") == REVOKED


async def test_without_a_data_version_every_request_reads() -> None:
    db = Database(version=None)
    states = BadgeStates(db.read, db.data_version)
    assert await states.state("a1") == VALID
    await db.commit("a1", REVOKED)
    assert await states.state("a1") == REVOKED
    assert len(db.reads) == 2


async def test_the_kept_states_are_bounded() -> None:
    db = Database()
    db.states.update({f"a{n}": VALID for n in range(2, 10)})
    states = BadgeStates(db.read, db.data_version, max_kept=4)
    for n in range(1, 10):
        await states.state(f"a{n}")
    await states.state("a9")  # kept
    await states.state("a1")  # dropped long ago
    assert len(db.reads) == 10


async def test_sqlite_data_version_moves_with_every_commit_from_anywhere(tmp_path: Path
                                                                         ) -> None:
    store = SqliteStore(tmp_path / "questbot.sqlite3")
    await store.open()
    try:
        first = store.data_version()
        assert first is not None and store.data_version() == first
        await store.add_webhook("https://example.org/hook", ("badge.awarded",), "secret",
                                datetime(2026, 5, 1, tzinfo=UTC))
        second = store.data_version()
        assert second != first and store.data_version() == second
        with sqlite3.connect(store.path) as elsewhere:  # `questbot revoke`, another worker
            elsewhere.execute("CREATE TABLE elsewhere (x)")
        assert store.data_version() != second
    finally:
        await store.close()
    assert store.data_version() is None
