"""The default store: one SQLite file in WAL mode, written by one batching writer."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import TypeVar

import aiosqlite

from questbot.domain.changes import Decision, ForgetLearner
from questbot.domain.errors import StoreError
from questbot.domain.progress import Snapshot
from questbot.ports import Decide, LoadRequest, Outcome
from questbot.storage.sql import events
from questbot.storage.sql.program import Program
from questbot.storage.sql.snapshot import find_learners, record_and_actor
from questbot.storage.sql.store import SqlStore
from questbot.storage.sqlite.checkpoint import checkpoint
from questbot.storage.sqlite.executor import run, run_reading
from questbot.storage.sqlite.migrations import migrate
from questbot.storage.sqlite.writer import BatchWriter

T = TypeVar("T")


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # a reply is sent only after its commit is on disk
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA secure_delete = ON")  # freed bytes are zeroed: /forget leaves none
    return conn


def _handle_event(platform: str, event_id: str, request: LoadRequest, decide: Decide
                  ) -> Program[Outcome]:
    """One writer: nothing to lock between finding the learners and reading them."""
    if request.names_actor_only:
        recorded, learners = yield from record_and_actor(platform, event_id, request.actor)
        return (yield from events.handle_event(platform, event_id, request, decide, learners,
                                               recorded))
    learners = yield from find_learners(request)
    return (yield from events.handle_event(platform, event_id, request, decide, learners))


class SqliteStore(SqlStore):
    def __init__(self, path: Path, max_batch: int = 256, *, auto_migrate: bool = True) -> None:
        self.path = path
        self._auto_migrate = auto_migrate
        self._writer = BatchWriter(self._connect_and_migrate, max_batch)
        self._reader: aiosqlite.Connection | None = None
        self._version: sqlite3.Cursor | None = None

    def _connect_and_migrate(self) -> sqlite3.Connection:
        conn = connect(self.path)
        try:
            migrate(conn, apply=self._auto_migrate)
        except Exception:
            conn.close()
            raise
        return conn

    @property
    def writer(self) -> BatchWriter:
        return self._writer

    async def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            await self._writer.start()
            self._reader = await aiosqlite.connect(self.path)
            await self._reader.execute("PRAGMA query_only = ON")
            # asked on the event loop's thread: it never waits for a lock, it fails
            version = sqlite3.connect(self.path, isolation_level=None, timeout=0,
                                      check_same_thread=False)
            version.execute("PRAGMA query_only = ON")
            self._version = version.cursor()  # one cursor, asked again and again
        except (OSError, sqlite3.Error, RuntimeError) as exc:
            await self.close()
            raise StoreError(f"cannot open the database {self.path}: {exc}") from exc

    async def close(self) -> None:
        if self._version is not None:
            self._version.connection.close()
            self._version = None
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        await self._writer.stop()

    async def write(self, program: Program[T]) -> T:
        """On the writer thread, in the job's savepoint of a batch's transaction."""
        return await self._writer.submit(lambda conn: run(conn, program))

    async def read(self, program: Program[T]) -> T:
        if self._reader is None:
            raise StoreError("the store is not open")
        return await run_reading(self._reader, program)

    def data_version(self) -> int | None:
        """SQLite's data version on a connection of its own that never writes, so every
        commit (by this process's writer, another process, the command line) changes it."""
        if self._version is None:
            return None
        try:
            # fetchone reads the one row to its end, so no read transaction stays open
            return int(self._version.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:  # busy for a moment: the caller reads the database instead
            return None

    async def handle_event(
        self, platform: str, event_id: str, request: LoadRequest, decide: Decide
    ) -> Outcome:
        forgot: list[bool] = []

        def deciding(snapshot: Snapshot) -> Decision:
            decision = decide(snapshot)
            forgot.extend(True for c in decision.changes if isinstance(c, ForgetLearner))
            return decision

        outcome = await self._writer.submit(
            lambda conn: run(conn, _handle_event(platform, event_id, request, deciding)))
        if forgot:  # committed: now push the old page versions out of the -wal file
            await asyncio.to_thread(checkpoint, self.path)
        return outcome
