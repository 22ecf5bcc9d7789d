"""One event in one transaction: answer a redelivered event from its record, or load the
snapshot, decide, write the changes and record the replies."""

from __future__ import annotations

from datetime import datetime

from questbot.domain.codec import dump_outbounds, load_outbounds
from questbot.ports import Decide, LoadRequest, Outcome
from questbot.storage.serial import now, ts
from questbot.storage.sql.changes import apply_changes
from questbot.storage.sql.program import PRUNE_BATCH, Program, counted, sql
from questbot.storage.sql.snapshot import RECORDED_REPLIES, Learners, load_snapshot

RECORD_EVENT = ("INSERT INTO processed_events (platform, event_id, replies, processed_at)"
                " VALUES ($1, $2, $3, $4)")
PRUNE_EVENTS = ("DELETE FROM processed_events WHERE (platform, event_id) IN ("
                " SELECT platform, event_id FROM processed_events WHERE processed_at < $1"
                f" LIMIT {PRUNE_BATCH})")


NOT_READ = object()  # the store has not looked for the event's record yet


def handle_event(platform: str, event_id: str, request: LoadRequest, decide: Decide,
                 learners: Learners, recorded: object = NOT_READ) -> Program[Outcome]:
    """``learners``: the actor and target the store found (and locked, where it locks);
    ``recorded``: the event's recorded replies if the store already read them (or None)."""
    if recorded is NOT_READ:
        recorded = (yield sql(RECORDED_REPLIES, platform, event_id)).value()
    if recorded is not None:
        return Outcome(tuple(load_outbounds(str(recorded))), duplicate=True)
    decision = decide((yield from load_snapshot(request, learners)))
    yield from apply_changes(decision.changes)
    yield sql(RECORD_EVENT, platform, event_id, dump_outbounds(decision.replies), now())
    return Outcome(decision.replies, decision.effects)


def prune_events(cutoff: datetime) -> Program[int]:
    """One batch of event records older than ``cutoff``; how many went."""
    return (yield counted(PRUNE_EVENTS, ts(cutoff))).count
