"""The outbox in SQL: retry state in the table, due rows by one index, outcomes in one
transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from questbot.domain.codec import outbound_from_dict, outbound_to_dict
from questbot.domain.ids import UserRef
from questbot.domain.messages import Delivery, Outbound
from questbot.ports import Claimed, DeliveryStatus, FailedDelivery, Settle
from questbot.storage.serial import now, parse_ts, ts
from questbot.storage.sql.dialect import PerDialect
from questbot.storage.sql.program import PRUNE_BATCH, Program, counted, sql

# Due rows of one platform, each the oldest pending row of its recipient (so one recipient's
# messages arrive in order and never overtake one another), by due time then queue order:
# rows never tried ('') come first. Leased by moving their next attempt past the lease.
_CLAIM = (
    "UPDATE outbox SET next_attempt_at = $3 WHERE delivery_id IN ("
    " SELECT o.delivery_id FROM outbox o WHERE o.platform = $1 AND o.status = 'pending'"
    " AND o.next_attempt_at <= $2 AND NOT EXISTS (SELECT 1 FROM outbox e"
    " WHERE e.platform = o.platform AND e.platform_user_id = o.platform_user_id"
    " AND e.status = 'pending' AND e.delivery_id < o.delivery_id)"
    " ORDER BY o.next_attempt_at, o.delivery_id LIMIT $4{lock})"
    " RETURNING delivery_id, platform, platform_user_id, message, attempts"
)
# SKIP LOCKED: several PostgreSQL processes pump one platform; each row goes to one of them.
CLAIM = PerDialect(sqlite=_CLAIM.format(lock=""),
                   postgres=_CLAIM.format(lock=" FOR UPDATE OF o SKIP LOCKED"))

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

ENQUEUE = (
    "INSERT INTO outbox (platform, platform_user_id, learner_id, message, created_at)"
    " VALUES ($1, $2, coalesce((SELECT learner_id FROM accounts WHERE platform = $1"
    " AND platform_user_id = $2), ''), $3, $4)"
)

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


def _message(message: Outbound) -> str:
    return json.dumps(outbound_to_dict(message))


def pending(platform: str, limit: int) -> Program[list[Delivery]]:
    return [delivery_from_row(r) for r in (yield sql(PENDING, platform, limit)).rows]


def claim(platform: str, at: datetime, lease_until: datetime, limit: int
          ) -> Program[list[Claimed]]:
    claimed = yield sql(CLAIM, platform, ts(at), ts(lease_until), limit)
    return sorted((claimed_from_row(r) for r in claimed.rows),
                  key=lambda c: c.delivery.delivery_id)


def settle(outcomes: Sequence[Settle]) -> Program[None]:
    at = now()
    for outcome in outcomes:
        rest = _message(outcome.rest) if outcome.rest is not None else None
        yield sql(SETTLE, outcome.delivery_id, str(outcome.status), outcome.error,
                  ts(outcome.retry_at), int(outcome.counted), rest, at)
        if outcome.status is DeliveryStatus.PENDING and outcome.retry_at is not None:
            yield sql(HOLD_BACK, outcome.delivery_id, ts(outcome.retry_at))


def mark_delivered(delivery_ids: Sequence[int]) -> Program[None]:
    at = now()
    for delivery_id in delivery_ids:
        yield sql(DELIVERED, delivery_id, at)


def enqueue(recipient: UserRef, message: Outbound) -> Program[None]:
    yield sql(ENQUEUE, recipient.platform, recipient.user_id, _message(message), now())


def keep_uncertain(recipient: UserRef, message: Outbound, error: str) -> Program[None]:
    yield sql(KEEP_UNCERTAIN, recipient.platform, recipient.user_id, _message(message), now(),
              error)


# Each through its partial index: the rows counted are those not delivered, never the table.
COUNT_PENDING = "SELECT platform, count(*) FROM outbox WHERE status = 'pending' GROUP BY platform"
COUNT_PROBLEMS = ("SELECT platform, status, count(*) FROM outbox"
                  " WHERE status IN ('failed', 'uncertain') GROUP BY platform, status")


def counts() -> Program[dict[tuple[str, str], int]]:
    found = {(str(platform), "pending"): int(n)
             for platform, n in (yield sql(COUNT_PENDING)).rows}
    for platform, status, n in (yield sql(COUNT_PROBLEMS)).rows:
        found[(str(platform), str(status))] = int(n)
    return found


def failed(platform: str | None, limit: int) -> Program[list[FailedDelivery]]:
    where = " AND platform = $1" if platform is not None else ""
    text = FAILED.format(platform=where, limit=int(limit))
    params = (platform,) if platform is not None else ()
    return [failed_from_row(r) for r in (yield sql(text, *params)).rows]


def requeue(delivery_ids: Sequence[int]) -> Program[int]:
    requeued = 0
    for delivery_id in delivery_ids:
        requeued += (yield counted(REQUEUE, delivery_id)).count
    return requeued


PRUNE_DELIVERED = ("DELETE FROM outbox WHERE delivery_id IN ("
                   " SELECT delivery_id FROM outbox WHERE status = 'delivered'"
                   f" AND delivered_at < $1 LIMIT {PRUNE_BATCH})")


def prune_delivered(cutoff: datetime) -> Program[int]:
    """One batch of messages delivered before ``cutoff``; how many went. Failed and uncertain
    ones stay for admins (``questbot outbox``)."""
    return (yield counted(PRUNE_DELIVERED, ts(cutoff))).count
