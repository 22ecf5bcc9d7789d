"""The default store: one SQLite file in WAL mode, written by one batching writer."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from questbot.domain.changes import ForgetLearner
from questbot.domain.codec import load_outbounds, outbound_to_dict
from questbot.domain.errors import StoreError
from questbot.domain.ids import UserRef
from questbot.domain.messages import Delivery, Outbound
from questbot.domain.progress import AwardRecord
from questbot.ports import (
    AwardView,
    Claimed,
    CredentialRecord,
    Decide,
    EvidenceFile,
    FailedDelivery,
    LoadRequest,
    Outcome,
    RecipientRecord,
    Settle,
)
from questbot.storage.serial import ts
from questbot.storage.sqlite import credentials, outbox, unit
from questbot.storage.sqlite.migrations import migrate
from questbot.storage.sqlite.privacy import checkpoint
from questbot.storage.sqlite.unit import (
    AWARD_COLUMNS_OF_A,
    allocate_status_index,
    apply_changes,
    award_from_row,
    find_replies,
    load_snapshot,
    record_event,
)
from questbot.storage.sqlite.writer import BatchWriter


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # a reply is sent only after its commit is on disk
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA secure_delete = ON")  # freed bytes are zeroed: /forget leaves none
    return conn


class SqliteStore:
    def __init__(self, path: Path, max_batch: int = 256) -> None:
        self.path = path
        self._writer = BatchWriter(self._connect_and_migrate, max_batch)
        self._reader: aiosqlite.Connection | None = None

    def _connect_and_migrate(self) -> sqlite3.Connection:
        conn = connect(self.path)
        try:
            migrate(conn)
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
        except (OSError, sqlite3.Error, RuntimeError) as exc:
            await self.close()
            raise StoreError(f"cannot open the database {self.path}: {exc}") from exc

    async def close(self) -> None:
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        await self._writer.stop()

    async def handle_event(
        self, platform: str, event_id: str, request: LoadRequest, decide: Decide
    ) -> Outcome:
        forgot: list[bool] = []

        def job(conn: sqlite3.Connection) -> Outcome:
            recorded = find_replies(conn, platform, event_id)
            if recorded is not None:
                return Outcome(tuple(load_outbounds(recorded)), duplicate=True)
            decision = decide(load_snapshot(conn, request))
            apply_changes(conn, decision.changes)
            record_event(conn, platform, event_id, decision.replies, _now())
            if any(isinstance(change, ForgetLearner) for change in decision.changes):
                forgot.append(True)
            return Outcome(decision.replies, decision.effects)

        outcome = await self._writer.submit(job)
        if forgot:  # committed: now push the old page versions out of the -wal file
            await asyncio.to_thread(checkpoint, self.path)
        return outcome

    # --- outbox --------------------------------------------------------------------------
    async def pending_deliveries(self, platform: str, limit: int = 50) -> list[Delivery]:
        def job(conn: sqlite3.Connection) -> list[Delivery]:
            rows = conn.execute(outbox.qmark(outbox.PENDING), (platform, limit)).fetchall()
            return [outbox.delivery_from_row(r) for r in rows]

        return await self._writer.submit(job)

    async def claim_deliveries(self, platform: str, now: datetime, lease_until: datetime,
                               limit: int = 100) -> list[Claimed]:
        return await self._writer.submit(
            lambda conn: outbox.claim(conn, platform, now, lease_until, limit))

    async def settle(self, outcomes: Sequence[Settle]) -> None:
        now = _now()
        await self._writer.submit(lambda conn: outbox.settle(conn, outcomes, now))

    async def mark_delivered(self, delivery_ids: Sequence[int]) -> None:
        now = _now()
        await self._writer.submit(lambda conn: conn.executemany(
            outbox.qmark(outbox.DELIVERED), [(d, now) for d in delivery_ids]))

    async def enqueue(self, recipient: UserRef, message: Outbound) -> None:
        text = json.dumps(outbound_to_dict(message))
        now = _now()
        await self._writer.submit(lambda conn: conn.execute(
            "INSERT INTO outbox (platform, platform_user_id, learner_id, message, created_at)"
            " SELECT ?, ?, coalesce((SELECT learner_id FROM accounts WHERE platform = ? AND"
            " platform_user_id = ?), ''), ?, ?",
            (recipient.platform, recipient.user_id, recipient.platform, recipient.user_id,
             text, now)))

    async def keep_uncertain(self, recipient: UserRef, message: Outbound, error: str) -> None:
        text = json.dumps(outbound_to_dict(message))
        now = _now()
        await self._writer.submit(lambda conn: conn.execute(
            outbox.qmark(outbox.KEEP_UNCERTAIN),
            (recipient.platform, recipient.user_id, text, now, error)))

    async def failed_deliveries(self, platform: str | None = None, limit: int = 100
                                ) -> list[FailedDelivery]:
        sql, params = outbox.failed_query(platform, limit)
        return [outbox.failed_from_row(tuple(r))
                for r in await self._read_all(outbox.qmark(sql), params)]

    async def requeue(self, delivery_ids: Sequence[int]) -> int:
        return await self._writer.submit(lambda conn: outbox.requeue(conn, delivery_ids))

    async def prune_processed_events(self, older_than: timedelta) -> int:
        """Forget event ids older than any platform redelivers; returns how many."""
        cutoff = ts(datetime.now(UTC) - older_than)

        def job(conn: sqlite3.Connection) -> int:
            cursor = conn.execute("DELETE FROM processed_events WHERE processed_at < ?",
                                  (cutoff,))
            return cursor.rowcount

        return await self._writer.submit(job)

    async def prepare_credential(self, award_id: str, learner_id: str
                                 ) -> tuple[RecipientRecord, int]:
        row = await self._read_one(
            "SELECT l.email, l.recipient_token, l.display_name, l.show_name, a.status_index"
            " FROM awards a JOIN learners l ON l.learner_id = a.learner_id"
            " WHERE a.award_id = ?", (award_id,))
        if row is not None and row[1] is not None and row[4] is not None:
            email, token, name, show, index = row  # the usual case: a read, no write
            return RecipientRecord(learner_id, email, token, name, bool(show)), int(index)

        def job(conn: sqlite3.Connection) -> tuple[RecipientRecord, int]:
            recipient = credentials.recipient(conn, learner_id)  # learners from before tokens
            if recipient is None:
                raise LookupError(f"award {award_id} names no learner")
            return recipient, allocate_status_index(conn, award_id)

        return await self._writer.submit(job)

    async def save_badge_class(self, class_id: str, info: str) -> None:
        now = _now()
        await self._writer.submit(
            lambda conn: credentials.save_badge_class(conn, class_id, info, now))

    async def save_credential(self, award_id: str, class_id: str, assertion: str,
                              credential: str) -> None:
        now = _now()
        await self._writer.submit(lambda conn: credentials.save_credential(
            conn, award_id, class_id, assertion, credential, now))

    async def badge_class(self, class_id: str) -> str | None:
        row = await self._read_one("SELECT info FROM badge_classes WHERE class_id = ?",
                                   (class_id,))
        return str(row[0]) if row else None

    async def evidence_file(self, ref: str) -> EvidenceFile | None:
        row = await self._read_one(unit.EVIDENCE_FILE.replace("$1", "?"), (ref,))
        return EvidenceFile(row[0], row[1], row[2], row[3], bytes(row[4])) if row else None

    async def credential(self, award_id: str) -> CredentialRecord | None:
        row = await self._read_one(credentials.CREDENTIAL_QUERY, (award_id,))
        return credentials.credential_from_row(tuple(row)) if row else None

    async def revoked_status_indexes(self) -> list[int]:
        rows = await self._read_all("SELECT status_index FROM awards WHERE revoked_at IS NOT"
                                    " NULL AND status_index IS NOT NULL ORDER BY 1", ())
        return [int(r[0]) for r in rows]

    async def awards_without_credentials(self, limit: int = 100) -> list[AwardRecord]:
        rows = await self._read_all(
            f"SELECT {AWARD_COLUMNS_OF_A} FROM awards a LEFT JOIN credentials c"
            " ON c.award_id = a.award_id WHERE c.award_id IS NULL LIMIT ?", (limit,))
        return [award_from_row(tuple(r)) for r in rows]

    async def _read_one(self, sql: str, params: tuple[object, ...]) -> Any:
        if self._reader is None:
            raise StoreError("the store is not open")
        async with self._reader.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def _read_all(self, sql: str, params: tuple[object, ...]) -> list[Any]:
        if self._reader is None:
            raise StoreError("the store is not open")
        async with self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def get_award(self, award_id: str) -> AwardView | None:
        row = await self._read_one(
            f"SELECT {AWARD_COLUMNS_OF_A}, l.display_name FROM awards a"
            " JOIN learners l ON l.learner_id = a.learner_id WHERE a.award_id = ?",
            (award_id,))
        if row is None:
            return None
        return AwardView(award_from_row(tuple(row[:-1])), row[-1])


def _now() -> str:
    return ts(datetime.now(UTC)) or ""
