"""The outbox in SQL: retry state in the table, due rows by one index, outcomes in one
transaction. The statements are plain SQL that PostgreSQL shares (``$n`` placeholders; the
SQLite store turns them into ``?``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from questbot.domain.codec import outbound_from_dict, outbound_to_dict
from questbot.domain.ids import UserRef
from questbot.domain.messages import Delivery
from questbot.ports import Claimed, DeliveryStatus, FailedDelivery, Settle
from questbot.storage.serial import parse_ts, ts

# Due rows of one platform, each the oldest pending row of its recipient (so one recipient's
# messages arrive in order and never overtake one another), by due time then queue order:
# rows never tried ('') come first. Leased by moving their next attempt past the lease.
CLAIM = (
    "UPDATE outbox SET next_attempt_at = $3 WHERE delivery_id IN ("
    " SELECT o.delivery_id FROM outbox o WHERE o.platform = $1 AND o.status = 'pending'"
    " AND o.next_attempt_at <= $2 AND NOT EXISTS (SELECT 1 FROM outbox e"
    " WHERE e.platform = o.platform AND e.platform_user_id = o.platform_user_id"
    " AND e.status = 'pending' AND e.delivery_id < o.delivery_id)"
    " ORDER BY o.next_attempt_at, o.delivery_id LIMIT $4{lock})"
    " RETURNING delivery_id, platform, platform_user_id, message, attempts"
)

PENDING = ("SELECT delivery_id, platform, platform_user_id, message FROM outbox"
           " WHERE platform = $1 AND status = 'pending'"
           " ORDER BY next_attempt_at, delivery_id LIMIT $2")

# $1 id, $2 status, $3 error, $4 next attempt, $5 counted (0/1), $6 message or NULL, $7 now
SETTLE = (
    "UPDATE outbox SET status = $2, last_error = coalesce($3, last_error),"
    " next_attempt_at = coalesce($4, next_attempt_at), attempts = attempts + $5,"
    " message = coalesce($6, message), last_attempt_at = $7,"
    " delivered_at = CASE WHEN $2 = 'delivered' THEN $7 ELSE delivered_at END"
    " WHERE delivery_id = $1 AND status = 'pending'"
)

# A retried row's later messages to the same recipient wait at least as long ($1 id, $2 when)
HOLD_BACK = (
    "UPDATE outbox SET next_attempt_at = $2 WHERE status = 'pending' AND delivery_id > $1"
    " AND next_attempt_at < $2"
    " AND platform = (SELECT platform FROM outbox WHERE delivery_id = $1)"
    " AND platform_user_id = (SELECT platform_user_id FROM outbox WHERE delivery_id = $1)"
)

DELIVERED = ("UPDATE outbox SET status = 'delivered', delivered_at = $2, last_attempt_at = $2"
             " WHERE delivery_id = $1 AND status = 'pending'")

KEEP_UNCERTAIN = (
    "INSERT INTO outbox (platform, platform_user_id, learner_id, message, created_at, status,"
    " attempts, last_attempt_at, last_error) SELECT $1, $2, coalesce((SELECT learner_id FROM"
    " accounts WHERE platform = $1 AND platform_user_id = $2), ''), $3, $4, 'uncertain', 1,"
    " $4, $5"
)

FAILED = (
    "SELECT delivery_id, platform, platform_user_id, message, status, attempts, last_error,"
    " last_attempt_at FROM outbox WHERE status IN ('failed', 'uncertain'){platform}"
    " ORDER BY last_attempt_at DESC, delivery_id DESC LIMIT {limit}"
)

REQUEUE = ("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ''"
           " WHERE delivery_id = $1 AND status IN ('failed', 'uncertain')")


def qmark(sql: str) -> str:
    """``$n`` placeholders as SQLite's numbered ``?n``."""
    return sql.replace("$", "?")


def settle_params(outcome: Settle, now: str) -> tuple[object, ...]:
    rest = json.dumps(outbound_to_dict(outcome.rest)) if outcome.rest is not None else None
    return (outcome.delivery_id, str(outcome.status), outcome.error, ts(outcome.retry_at),
            int(outcome.counted), rest, now)


def claimed_from_row(row: Sequence[object]) -> Claimed:
    delivery_id, platform, user_id, message, attempts = row
    return Claimed(Delivery(int(str(delivery_id)), UserRef(str(platform), str(user_id)),
                            outbound_from_dict(json.loads(str(message)))),
                   int(str(attempts)))


def delivery_from_row(row: Sequence[object]) -> Delivery:
    delivery_id, platform, user_id, message = row[:4]
    return Delivery(int(str(delivery_id)), UserRef(str(platform), str(user_id)),
                    outbound_from_dict(json.loads(str(message))))


def failed_from_row(row: Sequence[object]) -> FailedDelivery:
    status, attempts, error, at = row[4:8]
    return FailedDelivery(delivery_from_row(row), DeliveryStatus(str(status)),
                          int(str(attempts)), None if error is None else str(error),
                          parse_ts(None if at is None else str(at)))


def failed_query(platform: str | None, limit: int) -> tuple[str, tuple[object, ...]]:
    where = " AND platform = $1" if platform is not None else ""
    sql = FAILED.format(platform=where, limit=int(limit))
    return sql, (platform,) if platform is not None else ()


# --- SQLite jobs (run on the writer) ---------------------------------------------------------
def claim(conn: sqlite3.Connection, platform: str, now: datetime, lease_until: datetime,
          limit: int) -> list[Claimed]:
    rows = conn.execute(qmark(CLAIM.format(lock="")),
                        (platform, ts(now), ts(lease_until), limit)).fetchall()
    return sorted((claimed_from_row(r) for r in rows), key=lambda c: c.delivery.delivery_id)


def settle(conn: sqlite3.Connection, outcomes: Sequence[Settle], now: str) -> None:
    for outcome in outcomes:
        conn.execute(qmark(SETTLE), settle_params(outcome, now))
        if outcome.status is DeliveryStatus.PENDING and outcome.retry_at is not None:
            conn.execute(qmark(HOLD_BACK), (outcome.delivery_id, ts(outcome.retry_at)))


def requeue(conn: sqlite3.Connection, delivery_ids: Sequence[int]) -> int:
    return sum(conn.execute(qmark(REQUEUE), (d,)).rowcount for d in delivery_ids)
