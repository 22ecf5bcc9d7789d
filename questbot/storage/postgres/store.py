"""The PostgreSQL store, for several bot and web processes sharing one database. Each event is
one transaction; events of one learner are serialized with advisory locks, events of
different learners run side by side, and a transaction that collides with another is retried."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from questbot.domain.codec import dump_outbounds, load_outbounds, outbound_to_dict
from questbot.domain.errors import StoreError
from questbot.domain.ids import UserRef
from questbot.domain.messages import Delivery, Outbound
from questbot.domain.progress import AwardRecord
from questbot.ports import (
    AwardView,
    Claimed,
    CredentialRecord,
    Decide,
    DeliveryStatus,
    EvidenceFile,
    FailedDelivery,
    LoadRequest,
    Outcome,
    RecipientRecord,
    Settle,
)
from questbot.storage.postgres import unit
from questbot.storage.postgres.migrations import migrate
from questbot.storage.serial import ts
from questbot.storage.sqlite import outbox
from questbot.storage.sqlite import unit as shared
from questbot.storage.sqlite.unit import award_from_row

RETRIES = 5
_RETRYABLE = (asyncpg.UniqueViolationError, asyncpg.SerializationError,
              asyncpg.DeadlockDetectedError)


class PostgresStore:
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
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)
        actor_id = await unit.learner_id_of(conn, request.actor)
        target_id = await unit.target_id(conn, request)
        for key in sorted({f"l:{i}" for i in (actor_id, target_id) if i}):
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)
        recorded = await conn.fetchval("SELECT replies FROM processed_events WHERE"
                                       " platform = $1 AND event_id = $2", platform, event_id)
        if recorded is not None:
            return Outcome(tuple(load_outbounds(recorded)), duplicate=True)
        snapshot = await unit.load_snapshot(conn, request, actor_id, target_id)
        decision = decide(snapshot)
        await unit.apply_changes(conn, decision.changes)
        await conn.execute("INSERT INTO processed_events (platform, event_id, replies,"
                           " processed_at) VALUES ($1, $2, $3, $4)", platform, event_id,
                           dump_outbounds(decision.replies), _now())
        return Outcome(decision.replies, decision.effects)

    # --- outbox --------------------------------------------------------------------------
    async def pending_deliveries(self, platform: str, limit: int = 50) -> list[Delivery]:
        rows = await self.pool.fetch(outbox.PENDING, platform, limit)
        return [outbox.delivery_from_row(tuple(r)) for r in rows]

    async def claim_deliveries(self, platform: str, now: datetime, lease_until: datetime,
                               limit: int = 100) -> list[Claimed]:
        # SKIP LOCKED: several processes pump one platform; each row goes to one of them.
        rows = await self.pool.fetch(outbox.CLAIM.format(lock=" FOR UPDATE OF o SKIP LOCKED"),
                                     platform, ts(now), ts(lease_until), limit)
        return sorted((outbox.claimed_from_row(tuple(r)) for r in rows),
                      key=lambda c: c.delivery.delivery_id)

    async def settle(self, outcomes: Sequence[Settle]) -> None:
        now = _now()
        async with self.pool.acquire() as conn, conn.transaction():
            for outcome in outcomes:
                await conn.execute(outbox.SETTLE, *outbox.settle_params(outcome, now))
                if outcome.status is DeliveryStatus.PENDING and outcome.retry_at is not None:
                    await conn.execute(outbox.HOLD_BACK, outcome.delivery_id,
                                       ts(outcome.retry_at))

    async def mark_delivered(self, delivery_ids: Sequence[int]) -> None:
        now = _now()
        await self.pool.executemany(outbox.DELIVERED, [(d, now) for d in delivery_ids])

    async def enqueue(self, recipient: UserRef, message: Outbound) -> None:
        await self.pool.execute(
            "INSERT INTO outbox (platform, platform_user_id, learner_id, message, created_at)"
            " VALUES ($1, $2, coalesce((SELECT learner_id FROM accounts WHERE platform = $1"
            " AND platform_user_id = $2), ''), $3, $4)", recipient.platform,
            recipient.user_id, json.dumps(outbound_to_dict(message)), _now())

    async def keep_uncertain(self, recipient: UserRef, message: Outbound, error: str) -> None:
        await self.pool.execute(outbox.KEEP_UNCERTAIN, recipient.platform, recipient.user_id,
                                json.dumps(outbound_to_dict(message)), _now(), error)

    async def failed_deliveries(self, platform: str | None = None, limit: int = 100
                                ) -> list[FailedDelivery]:
        sql, params = outbox.failed_query(platform, limit)
        return [outbox.failed_from_row(tuple(r)) for r in await self.pool.fetch(sql, *params)]

    async def requeue(self, delivery_ids: Sequence[int]) -> int:
        status = await self.pool.execute(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ''"
            " WHERE delivery_id = ANY($1::bigint[]) AND status IN ('failed', 'uncertain')",
            list(delivery_ids))
        return int(status.split()[-1])

    async def prune_processed_events(self, older_than: timedelta) -> int:
        status = await self.pool.execute("DELETE FROM processed_events WHERE processed_at < $1",
                                         ts(datetime.now(UTC) - older_than))
        return int(status.split()[-1])

    # --- badges --------------------------------------------------------------------------
    async def prepare_credential(self, award_id: str, learner_id: str
                                 ) -> tuple[RecipientRecord, int]:
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                "SELECT l.email, l.recipient_token, l.display_name, l.show_name, a.status_index"
                " FROM awards a JOIN learners l ON l.learner_id = a.learner_id"
                " WHERE a.award_id = $1", award_id)
            if row is None:
                raise LookupError(f"award {award_id} names no learner")
            index = row[4] if row[4] is not None else \
                await unit.allocate_status_index(conn, award_id)
            return RecipientRecord(learner_id, row[0], row[1] or learner_id, row[2],
                                   bool(row[3])), int(index)

    async def save_badge_class(self, class_id: str, info: str) -> None:
        await self.pool.execute(
            "INSERT INTO badge_classes (class_id, info, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (class_id) DO UPDATE SET info = EXCLUDED.info,"
            " updated_at = EXCLUDED.updated_at", class_id, info, _now())

    async def badge_class(self, class_id: str) -> str | None:
        value = await self.pool.fetchval("SELECT info FROM badge_classes WHERE class_id = $1",
                                         class_id)
        return str(value) if value is not None else None

    async def save_credential(self, award_id: str, class_id: str, assertion: str,
                              credential: str) -> None:
        await self.pool.execute(
            "INSERT INTO credentials (award_id, class_id, assertion, credential, issued_at)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (award_id) DO NOTHING",
            award_id, class_id, assertion, credential, _now())

    async def evidence_file(self, ref: str) -> EvidenceFile | None:
        row = await self.pool.fetchrow(shared.EVIDENCE_FILE, ref)
        return EvidenceFile(row[0], row[1], row[2], row[3], bytes(row[4])) if row else None

    async def credential(self, award_id: str) -> CredentialRecord | None:
        row = await self.pool.fetchrow(
            f"SELECT {unit.AWARD_COLUMNS_OF_A}, c.class_id, c.assertion, c.credential,"
            " l.display_name, l.show_name FROM credentials c"
            " JOIN awards a ON a.award_id = c.award_id"
            " JOIN learners l ON l.learner_id = a.learner_id WHERE c.award_id = $1", award_id)
        if row is None:
            return None
        values = tuple(row)
        return CredentialRecord(award_from_row(values[:11]), values[11], values[12],
                                values[13], values[14], bool(values[15]))

    async def revoked_status_indexes(self) -> list[int]:
        rows = await self.pool.fetch("SELECT status_index FROM awards WHERE revoked_at IS NOT"
                                     " NULL AND status_index IS NOT NULL ORDER BY 1")
        return [int(r[0]) for r in rows]

    async def awards_without_credentials(self, limit: int = 100) -> list[AwardRecord]:
        rows = await self.pool.fetch(
            f"SELECT {unit.AWARD_COLUMNS_OF_A} FROM awards a LEFT JOIN credentials c"
            " ON c.award_id = a.award_id WHERE c.award_id IS NULL LIMIT $1", limit)
        return [award_from_row(tuple(r)) for r in rows]

    async def get_award(self, award_id: str) -> AwardView | None:
        row = await self.pool.fetchrow(
            f"SELECT {unit.AWARD_COLUMNS_OF_A}, l.display_name FROM awards a"
            " JOIN learners l ON l.learner_id = a.learner_id WHERE a.award_id = $1", award_id)
        if row is None:
            return None
        values: tuple[Any, ...] = tuple(row)
        return AwardView(award_from_row(values[:-1]), values[-1])


def _now() -> str:
    return ts(datetime.now(UTC)) or ""
