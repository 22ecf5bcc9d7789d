"""Outbound webhooks in SQL: the endpoints, the events a change raises (written by
``changes.apply_changes`` in the change's own transaction), each endpoint's queue of
deliveries and the log of attempts."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

from questbot.domain.changes import Change, CompleteQuest, PutAward, PutEnrolment, RevokeAward
from questbot.domain.webhooks import BADGE_AWARDED, BADGE_REVOKED, LEARNER_JOINED, QUEST_COMPLETED
from questbot.ports import DueWebhook, Endpoint, WebhookAttempt, WebhookEvent, WebhookOutcome
from questbot.storage.serial import dump_json, need_ts, now, parse_ts, ts
from questbot.storage.sql.dialect import PerDialect
from questbot.storage.sql.outbox import enqueue
from questbot.storage.sql.program import PRUNE_BATCH, Program, counted, sql

# --- raising events (inside the transaction of the change) ------------------------------------
_SUBSCRIBED = ("SELECT 1 FROM webhook_subscriptions s JOIN webhook_endpoints e"
               " ON e.endpoint_id = s.endpoint_id WHERE s.event_type = $2 AND e.enabled = 1")
RAISE = ("INSERT INTO webhook_events (event_id, event_type, learner_id, quest_id, award_id,"
         " occurred_at, detail, created_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8"
         f" WHERE EXISTS ({_SUBSCRIBED})")
# a revocation's learner and quest are the award's; none when the award was revoked before
RAISE_FOR_AWARD = ("INSERT INTO webhook_events (event_id, event_type, learner_id, quest_id,"
                   " award_id, occurred_at, detail, created_at) SELECT $1, $2, learner_id,"
                   " quest_id, award_id, $3, $4, $5 FROM awards WHERE award_id = $6"
                   f" AND revoked_at = $3 AND EXISTS ({_SUBSCRIBED})")
FAN_OUT = ("INSERT INTO webhook_deliveries (endpoint_id, event_id, created_at)"
           " SELECT s.endpoint_id, v.event_id, $3 FROM webhook_events v"
           " JOIN webhook_subscriptions s ON s.event_type = v.event_type"
           " JOIN webhook_endpoints e ON e.endpoint_id = s.endpoint_id"
           " WHERE v.event_id = $1 AND v.event_type = $2 AND e.enabled = 1"
           " ORDER BY s.endpoint_id")


def raise_webhooks(change: Change) -> Program[None]:
    """The events ``change`` raises (the change itself already written)."""
    match change:
        case PutEnrolment(learner_id=lid, enrolment=e):
            yield from raise_event(LEARNER_JOINED, lid, e.quest_id, None, e.joined_at,
                                   {"quest_version": e.quest_version})
        case PutAward(award=a) if a.revoked_at is None:
            yield from raise_event(BADGE_AWARDED, a.learner_id, a.quest_id, a.award_id,
                                   a.awarded_at, {"quest_version": a.quest_version})
        case RevokeAward():
            yield from raise_revocation(change.award_id, change.revoked_at, change.reason)
        case CompleteQuest():
            yield from raise_event(QUEST_COMPLETED, change.learner_id, change.quest_id, None,
                                   change.completed_at, {"quest_version": change.quest_version})
        case _:
            pass


def new_event_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def raise_event(event_type: str, learner_id: str, quest_id: str, award_id: str | None,
                occurred_at: datetime, detail: Mapping[str, str]) -> Program[None]:
    """Queue the event for every enabled endpoint that takes it (nothing when none does)."""
    event_id = new_event_id()
    at = now()
    raised = yield counted(RAISE, event_id, event_type, learner_id, quest_id, award_id,
                           ts(occurred_at), dump_json(dict(detail)), at)
    if raised.count:
        yield sql(FAN_OUT, event_id, event_type, at)


def raise_revocation(award_id: str, revoked_at: datetime, reason: str) -> Program[None]:
    event_id = new_event_id()
    at = now()
    raised = yield counted(RAISE_FOR_AWARD, event_id, BADGE_REVOKED, ts(revoked_at),
                           dump_json({"reason": reason}), at, award_id)
    if raised.count:
        yield sql(FAN_OUT, event_id, BADGE_REVOKED, at)


# --- endpoints -------------------------------------------------------------------------------
ADD = ("INSERT INTO webhook_endpoints (endpoint_id, url, secret, events, created_at)"
       " VALUES ($1, $2, $3, $4, $5)")
SUBSCRIBE = "INSERT INTO webhook_subscriptions (event_type, endpoint_id) VALUES ($1, $2)"
LIST = ("SELECT e.endpoint_id, e.url, e.events, e.enabled, e.created_at, e.disabled_reason,"
        " e.failing_since, e.failures, (SELECT count(*) FROM webhook_deliveries d"
        " WHERE d.endpoint_id = e.endpoint_id AND d.status = 'pending')"
        " FROM webhook_endpoints e ORDER BY e.created_at, e.endpoint_id LIMIT 1000")
GET = LIST.replace(" ORDER BY", " WHERE e.endpoint_id = $1 ORDER BY")
REMOVE = (
    "DELETE FROM webhook_attempts WHERE endpoint_id = $1",
    "DELETE FROM webhook_deliveries WHERE endpoint_id = $1",
    "DELETE FROM webhook_subscriptions WHERE endpoint_id = $1",
)
REMOVE_ENDPOINT = "DELETE FROM webhook_endpoints WHERE endpoint_id = $1"
ENABLE = ("UPDATE webhook_endpoints SET enabled = 1, disabled_reason = NULL,"
          " next_attempt_at = '', failing_since = NULL, failures = 0 WHERE endpoint_id = $1")
DISABLE = ("UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $2"
           " WHERE endpoint_id = $1")


def new_endpoint_id() -> str:
    return "wh_" + secrets.token_hex(5)


def endpoint_from_row(row: Sequence[object]) -> Endpoint:
    endpoint_id, url, events, enabled, created, reason, failing, failures, pending = row
    return Endpoint(str(endpoint_id), str(url), tuple(json.loads(str(events))),
                    bool(enabled), need_ts(str(created)),
                    None if reason is None else str(reason),
                    parse_ts(None if failing is None else str(failing)),
                    int(str(failures)), int(str(pending)))


def add(url: str, events: tuple[str, ...], secret: str, at: datetime) -> Program[Endpoint]:
    endpoint_id = new_endpoint_id()
    yield sql(ADD, endpoint_id, url, secret, json.dumps(list(events)), ts(at))
    for event_type in events:
        yield sql(SUBSCRIBE, event_type, endpoint_id)
    row = (yield sql(GET, endpoint_id)).first()
    assert row is not None
    return endpoint_from_row(row)


def listing() -> Program[list[Endpoint]]:
    return [endpoint_from_row(r) for r in (yield sql(LIST)).rows]


def remove(endpoint_id: str) -> Program[bool]:
    for text in REMOVE:
        yield sql(text, endpoint_id)
    return bool((yield counted(REMOVE_ENDPOINT, endpoint_id)).count)


def enable(endpoint_id: str) -> Program[bool]:
    return bool((yield counted(ENABLE, endpoint_id)).count)


def disable(endpoint_id: str, reason: str) -> Program[bool]:
    return bool((yield counted(DISABLE, endpoint_id, reason)).count)


# --- the log ---------------------------------------------------------------------------------
LOG = ("SELECT attempt_id, delivery_id, endpoint_id, event_id, event_type, attempted_at,"
       " status_code, error FROM webhook_attempts{where}"
       " ORDER BY attempt_id DESC LIMIT {limit}")


def log(endpoint_id: str | None, limit: int) -> Program[list[WebhookAttempt]]:
    where = " WHERE endpoint_id = $1" if endpoint_id is not None else ""
    params = (endpoint_id,) if endpoint_id is not None else ()
    rows = (yield sql(LOG.format(where=where, limit=int(limit)), *params)).rows
    return [WebhookAttempt(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]),
                           need_ts(str(r[5])), None if r[6] is None else int(r[6]),
                           None if r[7] is None else str(r[7])) for r in rows]


# --- the pump --------------------------------------------------------------------------------
_CLAIM = (
    "UPDATE webhook_endpoints SET next_attempt_at = $2 WHERE endpoint_id IN ("
    " SELECT e.endpoint_id FROM webhook_endpoints e WHERE e.enabled = 1"
    " AND e.next_attempt_at <= $1 AND EXISTS (SELECT 1 FROM webhook_deliveries d"
    " WHERE d.endpoint_id = e.endpoint_id AND d.status = 'pending')"
    " ORDER BY e.next_attempt_at, e.endpoint_id LIMIT $3{lock})"
    " RETURNING endpoint_id, url, secret, failing_since, failures"
)
# SKIP LOCKED: several PostgreSQL processes pump; each endpoint goes to one of them.
CLAIM = PerDialect(sqlite=_CLAIM.format(lock=""),
                   postgres=_CLAIM.format(lock=" FOR UPDATE OF e SKIP LOCKED"))
HEAD = ("SELECT d.delivery_id, d.attempts, v.event_id, v.event_type, v.learner_id,"
        " v.quest_id, v.award_id, v.occurred_at, v.detail, v.body"
        " FROM webhook_deliveries d JOIN webhook_events v ON v.event_id = d.event_id"
        " WHERE d.endpoint_id = $1 AND d.status = 'pending' ORDER BY d.delivery_id LIMIT 1")
FIX_BODY = "UPDATE webhook_events SET body = $2 WHERE event_id = $1 AND body IS NULL"
BODY = "SELECT body FROM webhook_events WHERE event_id = $1"
LOG_ATTEMPT = ("INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, event_type,"
               " attempted_at, status_code, error) VALUES ($1, $2, $3, $4, $5, $6, $7)")
DELIVERED = ("UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $2,"
             " attempts = attempts + 1, last_attempt_at = $2, last_status = $3,"
             " last_error = NULL WHERE delivery_id = $1 AND status = 'pending'")
FAILED = ("UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $2,"
          " last_status = $3, last_error = $4 WHERE delivery_id = $1 AND status = 'pending'")
HEALTHY = ("UPDATE webhook_endpoints SET next_attempt_at = '', failing_since = NULL,"
           " failures = 0 WHERE endpoint_id = $1")
FAILING = ("UPDATE webhook_endpoints SET next_attempt_at = $2, failures = failures + 1,"
           " failing_since = coalesce(failing_since, $3) WHERE endpoint_id = $1")
LATER = "UPDATE webhook_endpoints SET next_attempt_at = $2 WHERE endpoint_id = $1"


def claim(at: datetime, lease_until: datetime, limit: int) -> Program[list[DueWebhook]]:
    endpoints = (yield sql(CLAIM, ts(at), ts(lease_until), limit)).rows
    due = []
    for endpoint_id, url, secret, failing, failures in sorted(endpoints):
        head = (yield sql(HEAD, endpoint_id)).first()
        if head is None:  # emptied meanwhile (an endpoint removed, deliveries pruned)
            continue
        delivery_id, attempts, event_id, event_type, learner, quest, award, at_, detail, \
            body = head
        event = WebhookEvent(str(event_id), str(event_type), str(learner), str(quest),
                             None if award is None else str(award), need_ts(str(at_)),
                             json.loads(str(detail)), None if body is None else str(body))
        due.append(DueWebhook(int(delivery_id), str(endpoint_id), str(url), str(secret),
                              event, int(attempts),
                              parse_ts(None if failing is None else str(failing)),
                              int(failures)))
    return due


def fix_body(event_id: str, body: str) -> Program[str]:
    yield sql(FIX_BODY, event_id, body)
    return str((yield sql(BODY, event_id)).value())


def settle(outcome: WebhookOutcome) -> Program[None]:
    due = outcome.due
    at = ts(outcome.at)
    if not outcome.attempted:
        yield sql(LATER, due.endpoint_id, ts(outcome.retry_at) or "")
        return
    yield sql(LOG_ATTEMPT, due.delivery_id, due.endpoint_id, due.event.event_id,
              due.event.event_type, at, outcome.status_code, outcome.error)
    if outcome.delivered:
        yield sql(DELIVERED, due.delivery_id, at, outcome.status_code)
        yield sql(HEALTHY, due.endpoint_id)
        return
    yield sql(FAILED, due.delivery_id, at, outcome.status_code, outcome.error)
    yield sql(FAILING, due.endpoint_id, ts(outcome.retry_at) or "", at)
    if outcome.disable is not None:
        yield sql(DISABLE, due.endpoint_id, outcome.disable)
        for recipient, message in outcome.notices:
            yield from enqueue(recipient, message)


# --- forgetting what is done -----------------------------------------------------------------
PRUNE = (
    "DELETE FROM webhook_attempts WHERE attempt_id IN (SELECT attempt_id FROM"
    f" webhook_attempts WHERE attempted_at < $1 LIMIT {PRUNE_BATCH})",
    "DELETE FROM webhook_deliveries WHERE delivery_id IN (SELECT delivery_id FROM"
    " webhook_deliveries WHERE status = 'delivered' AND delivered_at < $1"
    f" LIMIT {PRUNE_BATCH})",
    "DELETE FROM webhook_events WHERE event_id IN (SELECT v.event_id FROM webhook_events v"
    " WHERE v.created_at < $1 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d"
    f" WHERE d.event_id = v.event_id) LIMIT {PRUNE_BATCH})",
)


def prune(cutoff: datetime) -> Program[int]:
    """One batch of each: attempts logged, deliveries made before ``cutoff``, and events no
    delivery still needs."""
    pruned = 0
    for text in PRUNE:
        pruned = max(pruned, (yield counted(text, ts(cutoff))).count)
    return pruned
