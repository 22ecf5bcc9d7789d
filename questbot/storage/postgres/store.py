"""The PostgreSQL store, for several bot and web processes sharing one database. Events that
arrive together are committed together (``batcher``), each all-or-nothing; events of one
learner are serialized with advisory locks, events of different learners run side by side,
and an event that collides with another transaction is retried on its own."""

from __future__ import annotations

from typing import TypeVar

import asyncpg

from questbot.domain.errors import StoreError
from questbot.ports import Decide, LoadRequest, Outcome
from questbot.storage.postgres.batcher import Batcher, Busy
from questbot.storage.postgres.executor import run
from questbot.storage.postgres.migrations import migrate
from questbot.storage.sql import events
from questbot.storage.sql.program import Program
from questbot.storage.sql.snapshot import Learners, find_learners
from questbot.storage.sql.store import SqlStore

T = TypeVar("T")
RETRIES = 5
_RETRYABLE = (asyncpg.UniqueViolationError, asyncpg.SerializationError,
              asyncpg.DeadlockDetectedError)
# Several keys in one round trip, always in sorted order, so two transactions cannot deadlock.
LOCK = ("SELECT pg_advisory_xact_lock(hashtextextended(k, 0))"
        " FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS keys")
TRY_LOCK = ("SELECT bool_and(pg_try_advisory_xact_lock(hashtextextended(k, 0)))"
            " FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS keys")
# In a batch, where locks are only tried, a lock and the read that needs it share a round
# trip. The read's snapshot may predate the lock, so it is used only where that is safe: a
# learner id (a second learner for one account would break the accounts' unique key, and
# the job would be retried on its own) and the event's record (the account's lock, taken in
# an earlier statement, already serializes deliveries of one event).
# For an event naming its sender only, one round trip: the account's lock, the learner id,
# the learner's lock (tried only once the account's is held, so the order of locks stays
# accounts then learners) and the event's record. The record may be read before a delivery
# of the same event elsewhere commits: then this one's record collides with it, the batch is
# rolled back, and the event runs again on its own, where it is found answered.
TRY_LOCK_ACTOR = (
    "WITH account AS MATERIALIZED (SELECT"
    " pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked,"
    " (SELECT learner_id FROM accounts WHERE platform = $2 AND platform_user_id = $3)"
    " AS learner_id)"
    " SELECT locked, learner_id, CASE WHEN locked AND learner_id IS NOT NULL"
    " THEN pg_try_advisory_xact_lock(hashtextextended('l:' || learner_id, 0)) END,"
    " (SELECT replies FROM processed_events WHERE platform = $4 AND event_id = $5)"
    " FROM account")


async def _end_transaction(conn: asyncpg.Connection) -> None:
    """What a connection needs before it goes back to the pool: no open transaction. (The
    default reset also drops session state this store never makes: advisory locks are per
    transaction, no LISTEN, no cursors; skipping it saves a round trip per event.)"""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


class PostgresStore(SqlStore):
    def __init__(self, dsn: str, min_size: int = 2, max_size: int = 10,
                 server_settings: dict[str, str] | None = None, batch_workers: int = 4,
                 max_batch: int = 64, *, auto_migrate: bool = True) -> None:
        self._dsn = dsn
        self._auto_migrate = auto_migrate
        self._min_size = min_size
        self._max_size = max(max_size, batch_workers + 2)  # room for reads and lone events
        self._server_settings = server_settings or {}
        self._pool: asyncpg.Pool | None = None
        self.batcher = Batcher(lambda: self.pool, batch_workers, max_batch)

    async def open(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self._dsn, min_size=self._min_size, max_size=self._max_size,
                server_settings=self._server_settings, reset=_end_transaction)
            async with self._pool.acquire() as conn:
                await migrate(conn, apply=self._auto_migrate)
            self.batcher.start()
        except (OSError, asyncpg.PostgresError, RuntimeError) as exc:
            await self.close()
            raise StoreError(f"cannot open the PostgreSQL database: {exc}") from exc

    async def close(self) -> None:
        await self.batcher.stop()
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
        async def in_batch(conn: asyncpg.Connection) -> Outcome:
            return await self._handle(conn, platform, event_id, request, decide, wait=False)

        return await self.batcher.submit(
            in_batch, lambda: self._handle_alone(platform, event_id, request, decide))

    async def _handle_alone(self, platform: str, event_id: str, request: LoadRequest,
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
                      request: LoadRequest, decide: Decide, *, wait: bool = True) -> Outcome:
        if not wait and request.names_actor_only:
            return await self._handle_actor_in_batch(conn, platform, event_id, request, decide)
        # The accounts first (a new learner is created under its account's lock), then the
        # learners they belong to.
        accounts = [f"a:{request.actor}"] + ([f"a:{request.target}"] if request.target else [])
        await self._lock(conn, accounts, wait)
        learners = await run(conn, find_learners(request))
        await self._lock(conn, [f"l:{i}" for i in (learners.actor_id, learners.target_id) if i],
                         wait)
        return await run(conn, events.handle_event(platform, event_id, request, decide,
                                                   learners))

    async def _handle_actor_in_batch(self, conn: asyncpg.Connection, platform: str,
                                     event_id: str, request: LoadRequest,
                                     decide: Decide) -> Outcome:
        """Most events name their sender only: one round trip before the snapshot."""
        actor = request.actor
        account_locked, learner_id, learner_locked, recorded = await conn.fetchrow(
            TRY_LOCK_ACTOR, f"a:{actor}", actor.platform, actor.user_id, platform, event_id)
        if not account_locked:
            raise Busy("account")
        if learner_id is not None and not learner_locked:
            raise Busy("learner")
        learners = Learners(None if learner_id is None else str(learner_id), None)
        return await run(conn, events.handle_event(platform, event_id, request, decide,
                                                   learners, recorded))

    @staticmethod
    async def _lock(conn: asyncpg.Connection, keys: list[str], wait: bool) -> None:
        if not keys:
            return
        if wait:
            await conn.execute(LOCK, keys)
        elif not await conn.fetchval(TRY_LOCK, keys):
            raise Busy(keys)
