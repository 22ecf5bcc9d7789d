"""The PostgreSQL store, for several bot and web processes sharing one database. Each event is
one transaction; events of one learner are serialized with advisory locks, events of
different learners run side by side, and a transaction that collides with another is retried."""

from __future__ import annotations

from typing import TypeVar

import asyncpg

from questbot.domain.errors import StoreError
from questbot.ports import Decide, LoadRequest, Outcome
from questbot.storage.postgres.executor import run
from questbot.storage.postgres.migrations import migrate
from questbot.storage.sql import events
from questbot.storage.sql.program import Program
from questbot.storage.sql.snapshot import find_learners
from questbot.storage.sql.store import SqlStore

T = TypeVar("T")
RETRIES = 5
_RETRYABLE = (asyncpg.UniqueViolationError, asyncpg.SerializationError,
              asyncpg.DeadlockDetectedError)
LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"


class PostgresStore(SqlStore):
    def __init__(self, dsn: str, min_size: int = 2, max_size: int = 10,
                 server_settings: dict[str, str] | None = None) -> None:
        self._dsn = dsn
        self._min_size = min_size
        self._max_size = max_size
        self._server_settings = server_settings or {}
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self._dsn, min_size=self._min_size, max_size=self._max_size,
                server_settings=self._server_settings)
            async with self._pool.acquire() as conn:
                await migrate(conn)
        except (OSError, asyncpg.PostgresError, RuntimeError) as exc:
            await self.close()
            raise StoreError(f"cannot open the PostgreSQL database: {exc}") from exc

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreError("the store is not open")
        return self._pool

    async def write(self, program: Program[T]) -> T:
        async with self.pool.acquire() as conn, conn.transaction():
            return await run(conn, program)

    async def read(self, program: Program[T]) -> T:
        async with self.pool.acquire() as conn:
            return await run(conn, program)

    async def handle_event(self, platform: str, event_id: str, request: LoadRequest,
                           decide: Decide) -> Outcome:
        for attempt in range(RETRIES):
            try:
                async with self.pool.acquire() as conn, conn.transaction():
                    return await self._handle(conn, platform, event_id, request, decide)
            except _RETRYABLE:
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def _handle(self, conn: asyncpg.Connection, platform: str, event_id: str,
                      request: LoadRequest, decide: Decide) -> Outcome:
        # The accounts first (a new learner is created under its account's lock), then the
        # learners they belong to; always in sorted order, so two events cannot deadlock.
        accounts = sorted({f"a:{request.actor}"} |
                          ({f"a:{request.target}"} if request.target else set()))
        for key in accounts:
            await conn.execute(LOCK, key)
        learners = await run(conn, find_learners(request))
        for key in sorted({f"l:{i}" for i in (learners.actor_id, learners.target_id) if i}):
            await conn.execute(LOCK, key)
        return await run(conn, events.handle_event(platform, event_id, request, decide,
                                                   learners))
