"""Due reminders and streak notes, found through their partial indexes (reminders_due,
learners_streak_warnings), and each claimed and decided in one short transaction."""

from __future__ import annotations

from datetime import datetime

from questbot.ports import DecideNudge, Nudge
from questbot.storage.serial import need_ts, ts
from questbot.storage.sql.changes import apply_changes
from questbot.storage.sql.program import Program, counted, sql
from questbot.storage.sql.snapshot import load_learner

DUE_REMINDERS = ("SELECT learner_id, quest_id, due_at FROM reminders WHERE sent_at IS NULL"
                 " AND due_at <= $1 ORDER BY due_at LIMIT $2")
DUE_STREAK_NOTES = ("SELECT learner_id, streak_warn_at FROM learners"
                    " WHERE streak_warn_at IS NOT NULL AND streak_warn_at <= $1"
                    " ORDER BY streak_warn_at LIMIT $2")
# A claim changes the row only if it is still as the scan saw it; in PostgreSQL a second
# process waits on the row lock, then finds it changed and claims nothing.
CLAIM_REMINDER = ("UPDATE reminders SET sent_at = $4 WHERE learner_id = $1 AND quest_id = $2"
                  " AND due_at = $3 AND sent_at IS NULL")
CLAIM_STREAK_NOTE = ("UPDATE learners SET streak_warn_at = NULL WHERE learner_id = $1"
                     " AND streak_warn_at = $2")


def due(now: datetime, limit: int) -> Program[list[Nudge]]:
    at = ts(now)
    reminders = yield sql(DUE_REMINDERS, at, limit)
    notes = yield sql(DUE_STREAK_NOTES, at, limit)
    found = [Nudge("reminder", r[0], r[1], need_ts(r[2])) for r in reminders.rows]
    found += [Nudge("streak", r[0], "", need_ts(r[1])) for r in notes.rows]
    return sorted(found, key=lambda n: n.due_at)[:limit]


def run(nudge: Nudge, decide: DecideNudge, now: datetime) -> Program[bool]:
    if nudge.kind == "reminder":
        claim = counted(CLAIM_REMINDER, nudge.learner_id, nudge.quest_id, ts(nudge.due_at),
                        ts(now))
    else:
        claim = counted(CLAIM_STREAK_NOTE, nudge.learner_id, ts(nudge.due_at))
    if not (yield claim).count:
        return False
    learner = yield from load_learner(nudge.learner_id)
    if learner is not None:
        yield from apply_changes(decide(learner))
    return True
