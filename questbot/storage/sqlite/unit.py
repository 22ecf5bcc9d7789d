"""What one event reads and writes, as synchronous sqlite3 calls. These run on the writer
thread, inside the event's savepoint, so a batch of events costs one thread hop."""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from collections.abc import Sequence
from typing import Any

from questbot.domain.changes import (
    POST_MEMORY,
    Change,
    ClaimEmail,
    CountReaction,
    CreateLearner,
    FailCheckIn,
    FailLinkCode,
    ForgetLearner,
    KeepEvidenceFile,
    MergeLearner,
    PutAward,
    PutEnrolment,
    PutLinkCode,
    PutMilestone,
    PutSession,
    PutStep,
    QueueDelivery,
    RecordGrant,
    RecordPost,
    RevokeAward,
    UpdateLearner,
)
from questbot.domain.codec import dump_outbounds, outbound_to_dict
from questbot.domain.ids import UserRef
from questbot.domain.messages import Outbound
from questbot.domain.progress import (
    AttendanceSession,
    AwardRecord,
    Enrolment,
    LearnerState,
    PendingSubmission,
    Role,
    Snapshot,
    StepState,
)
from questbot.ports import LoadRequest
from questbot.storage.serial import (
    dump_json,
    dump_quiz,
    dump_times,
    load_quiz,
    load_times,
    need_ts,
    parse_ts,
    ts,
)
from questbot.storage.sqlite.privacy import personal_data, scrub_after_forget

_AWARD_FIELDS = ("award_id", "learner_id", "quest_id", "quest_version", "badge_key", "badge_name",
                 "awarded_at", "evidence", "awarded_by", "revoked_at", "revocation_reason")
AWARD_COLUMNS = ", ".join(_AWARD_FIELDS)
AWARD_COLUMNS_OF_A = ", ".join(f"a.{name}" for name in _AWARD_FIELDS)

# One statement loads a learner with everything an event may read: each kind of row comes
# back as a JSON array, which costs far less than a query (and a thread hop) per table.
_LEARNER_COLUMNS = f"""
SELECT l.learner_id, l.display_name, l.role, l.quiz, l.failed_checkins, l.email, l.show_name,
  (SELECT json_group_array(json_array(platform, platform_user_id))
     FROM accounts WHERE learner_id = l.learner_id),
  (SELECT json_group_array(json_array(quest_id, quest_version, joined_at))
     FROM enrolments WHERE learner_id = l.learner_id),
  (SELECT json_group_array(json_array(quest_id, step_id, count, completed_at, json(evidence),
                                      last_attempt_at))
     FROM step_progress WHERE learner_id = l.learner_id),
  (SELECT json_group_array(json_array(quest_id, milestone_id, xp))
     FROM milestones WHERE learner_id = l.learner_id),
  (SELECT json_group_array(json_array({AWARD_COLUMNS.replace("evidence", "json(evidence)")}))
     FROM awards WHERE learner_id = l.learner_id),
  l.failed_links
FROM learners l
"""
_BY_ACCOUNT = _LEARNER_COLUMNS + """
WHERE l.learner_id = (SELECT learner_id FROM accounts WHERE platform = ? AND platform_user_id = ?)
"""
_BY_ID = _LEARNER_COLUMNS + """
WHERE l.learner_id = ?
"""
_BY_AWARD = _LEARNER_COLUMNS + """
WHERE l.learner_id = (SELECT learner_id FROM awards WHERE award_id = ?)
"""


# Both stores read the same things for the rules against guessing and self-awards.
EMAIL_CLAIMS = "SELECT email FROM email_claims WHERE learner_id = $1"
LINK_CODE = "SELECT learner_id, expires_at, failures FROM link_codes WHERE code_hash = $1"
GRANTED_BETWEEN = ("SELECT 1 FROM tutor_grants WHERE (granter_id = $1 AND learner_id = $2)"
                   " OR (granter_id = $2 AND learner_id = $1) LIMIT 1")
POST_AUTHOR = "SELECT platform, author_id FROM recent_posts WHERE post = $1"
POST_COUNTED = ("SELECT quest_id, step_id FROM counted_reactions WHERE learner_id = $1"
                " AND post = $2")
SESSIONS = ("SELECT quest_id, step_id, secret, issued_at, issued_by, failures"
            " FROM attendance_sessions")
KEEP_EVIDENCE = ("INSERT INTO evidence_files (ref, learner_id, file_name, media_type, data,"
                 " kept_at) VALUES ($1, $2, $3, $4, $5, $6)")
EVIDENCE_FILE = ("SELECT ref, learner_id, file_name, media_type, data FROM evidence_files"
                 " WHERE ref = $1")
MAX_PENDING = 100
# The review queue reads a submission's status and id inside its step's evidence (JSON text);
# each store spells the JSON path its own way, and an index covers exactly these expressions.
_PENDING = "{status} = 'pending'"


def pending_queries(status: str, submission: str) -> tuple[str, str]:
    """(the learner whose pending submission has id $1, the queue oldest first)."""
    pending = _PENDING.format(status=status)
    holder = (f"SELECT learner_id FROM step_progress WHERE {submission} = $1 AND {pending}"
              " LIMIT 1")
    queue = ("SELECT sp.learner_id, (SELECT display_name FROM learners l"
             " WHERE l.learner_id = sp.learner_id), sp.quest_id, sp.step_id, sp.count,"
             " sp.completed_at, sp.evidence, sp.last_attempt_at FROM step_progress sp"
             f" WHERE {pending} ORDER BY sp.last_attempt_at, sp.learner_id LIMIT {MAX_PENDING}")
    return holder, queue


SUBMISSION_HOLDER, PENDING_SUBMISSIONS = pending_queries(
    "json_extract(evidence, '$.status')", "json_extract(evidence, '$.submission')")


def pending_from_row(row: Sequence[Any]) -> PendingSubmission:
    learner_id, name, quest_id, step_id, count, completed, evidence, last = row
    return PendingSubmission(str(learner_id), name, StepState(
        quest_id, step_id, int(count), parse_ts(completed),
        json.loads(evidence) if isinstance(evidence, str) else dict(evidence),
        parse_ts(last)))


def qmark(sql: str) -> str:
    """PostgreSQL's numbered parameters as SQLite's named ones (each may be used twice)."""
    return re.sub(r"\$(\d)", r":p\1", sql)


def _params(*values: object) -> dict[str, object]:
    return {f"p{n}": value for n, value in enumerate(values, start=1)}


def load_snapshot(conn: sqlite3.Connection, request: LoadRequest) -> Snapshot:
    snapshot = Snapshot(actor=load_learner(conn, request.actor))
    actor_id = snapshot.actor.learner_id if snapshot.actor else None
    if request.target is not None:
        snapshot.target = load_learner(conn, request.target)
    elif request.award_id is not None:
        snapshot.target = load_award_holder(conn, request.award_id)
    elif request.submission is not None:
        row = conn.execute(qmark(SUBMISSION_HOLDER), _params(request.submission)).fetchone()
        if row is not None:
            snapshot.target = learner_from_row(conn.execute(_BY_ID, (row[0],)).fetchone())
    elif request.link_code_hash is not None:
        row = conn.execute(qmark(LINK_CODE), _params(request.link_code_hash)).fetchone()
        if row is not None:
            snapshot.target = learner_from_row(conn.execute(_BY_ID, (row[0],)).fetchone())
            snapshot.link_code_expires_at = need_ts(row[1])
            snapshot.link_code_failures = int(row[2])
            if actor_id is not None:
                snapshot.granted_between = conn.execute(
                    qmark(GRANTED_BETWEEN), _params(actor_id, row[0])).fetchone() is not None
    if actor_id is not None and (request.target or request.award_id or request.submission):
        snapshot.actor_emails = frozenset(
            r[0] for r in conn.execute(qmark(EMAIL_CLAIMS), _params(actor_id)))
    if request.submissions:
        snapshot.submissions = [pending_from_row(r)
                                for r in conn.execute(qmark(PENDING_SUBMISSIONS))]
    if request.post is not None:
        author = conn.execute(qmark(POST_AUTHOR), _params(request.post)).fetchone()
        snapshot.post_author = UserRef(author[0], author[1]) if author else None
        if actor_id is not None:
            snapshot.post_counted_for = frozenset(
                (q, s) for q, s in conn.execute(qmark(POST_COUNTED),
                                                _params(actor_id, request.post)))
    if request.sessions:
        snapshot.sessions = [
            AttendanceSession(q, s, secret, need_ts(issued_at), by, failures)
            for q, s, secret, issued_at, by, failures in conn.execute(SESSIONS)
        ]
    return snapshot


def load_learner(conn: sqlite3.Connection, account: UserRef) -> LearnerState | None:
    row = conn.execute(_BY_ACCOUNT, (account.platform, account.user_id)).fetchone()
    return learner_from_row(row)


def load_award_holder(conn: sqlite3.Connection, award_id: str) -> LearnerState | None:
    return learner_from_row(conn.execute(_BY_AWARD, (award_id,)).fetchone())


def learner_from_row(row: Sequence[Any] | None) -> LearnerState | None:
    if row is None:
        return None
    (learner_id, name, role, quiz, failed, email, show_name, accounts, enrolments, steps,
     milestones, awards, failed_links) = row
    learner = LearnerState(learner_id, name, Role(role), quiz=load_quiz(quiz),
                           failed_checkins=load_times(failed), email=email,
                           show_name=bool(show_name), failed_links=load_times(failed_links))
    learner.accounts = [UserRef(p, u) for p, u in json.loads(accounts)]
    for quest_id, version, joined in json.loads(enrolments):
        learner.enrolments[quest_id] = Enrolment(quest_id, version, need_ts(joined))
    for quest_id, step_id, count, completed, evidence, last in json.loads(steps):
        learner.steps[(quest_id, step_id)] = StepState(
            quest_id, step_id, count, parse_ts(completed), evidence, parse_ts(last))
    for quest_id, milestone_id, xp in json.loads(milestones):
        learner.milestones[(quest_id, milestone_id)] = xp
    learner.awards = [award_from_row(r) for r in json.loads(awards)]
    return learner


def award_from_row(row: Sequence[Any]) -> AwardRecord:
    """An award from its columns; evidence arrives as JSON text or, nested, already parsed."""
    (award_id, learner_id, quest_id, version, key, name, at, evidence, by, revoked_at,
     reason) = row
    if isinstance(evidence, str):
        evidence = json.loads(evidence)
    return AwardRecord(award_id, learner_id, quest_id, version, key, name, need_ts(at),
                       evidence, by, parse_ts(revoked_at), reason)


def apply_changes(conn: sqlite3.Connection, changes: tuple[Change, ...]) -> None:
    for change in changes:
        match change:
            case CreateLearner(learner_id=lid, account=acc, display_name=name, created_at=at):
                conn.execute("INSERT INTO learners (learner_id, display_name, created_at,"
                             " recipient_token) VALUES (?, ?, ?, ?)",
                             (lid, name, ts(at), secrets.token_urlsafe(24)))
                conn.execute("INSERT INTO accounts (platform, platform_user_id, learner_id)"
                             " VALUES (?, ?, ?)", (acc.platform, acc.user_id, lid))
            case UpdateLearner():
                conn.execute(
                    "UPDATE learners SET display_name = ?, role = ?, quiz = ?,"
                    " failed_checkins = ?, email = ?, show_name = ?, failed_links = ?"
                    " WHERE learner_id = ?",
                    (change.display_name, int(change.role), dump_quiz(change.quiz),
                     dump_times(change.failed_checkins), change.email, int(change.show_name),
                     dump_times(change.failed_links), change.learner_id))
            case PutEnrolment(learner_id=lid, enrolment=e):
                conn.execute("INSERT INTO enrolments (learner_id, quest_id, quest_version,"
                             " joined_at) VALUES (?, ?, ?, ?)",
                             (lid, e.quest_id, e.quest_version, ts(e.joined_at)))
            case PutStep(learner_id=lid, step=s):
                conn.execute(
                    "INSERT INTO step_progress (learner_id, quest_id, step_id, count,"
                    " completed_at, evidence, last_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (learner_id, quest_id, step_id) DO UPDATE SET"
                    " count = excluded.count, completed_at = excluded.completed_at,"
                    " evidence = excluded.evidence, last_attempt_at = excluded.last_attempt_at",
                    (lid, s.quest_id, s.step_id, s.count, ts(s.completed_at),
                     dump_json(s.evidence), ts(s.last_attempt_at)))
            case PutMilestone():
                conn.execute("INSERT INTO milestones (learner_id, quest_id, milestone_id, xp,"
                             " reached_at) VALUES (?, ?, ?, ?, ?)",
                             (change.learner_id, change.quest_id, change.milestone_id,
                              change.xp, ts(change.reached_at)))
            case PutAward(award=a):
                conn.execute(
                    f"INSERT INTO awards ({AWARD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?)",
                    (a.award_id, a.learner_id, a.quest_id, a.quest_version, a.badge_key,
                     a.badge_name, ts(a.awarded_at), dump_json(a.evidence), a.awarded_by,
                     ts(a.revoked_at), a.revocation_reason))
                # Its place in the revocation list, chosen now so issuing needs no write.
                allocate_status_index(conn, a.award_id)
            case RevokeAward():
                conn.execute("UPDATE awards SET revoked_at = ?, revocation_reason = ?,"
                             " revoked_by = ? WHERE award_id = ? AND revoked_at IS NULL",
                             (ts(change.revoked_at), change.reason, change.revoked_by,
                              change.award_id))
            case PutSession(session=s):
                conn.execute(qmark(PUT_SESSION), _params(s.quest_id, s.step_id, s.secret,
                                                         ts(s.issued_at), s.issued_by))
            case PutLinkCode():
                conn.execute(qmark(DROP_LINK_CODES),
                             _params(change.learner_id, ts(change.issued_at)))
                conn.execute(qmark(PUT_LINK_CODE),
                             _params(change.code_hash, change.locator, change.learner_id,
                                     ts(change.expires_at)))
            case FailLinkCode(locator=locator):
                conn.execute(qmark(FAIL_LINK_CODE), _params(locator))
            case FailCheckIn(sessions=sessions):
                conn.executemany(qmark(FAIL_CHECK_IN), [_params(q, s) for q, s in sessions])
            case ClaimEmail(learner_id=lid, email=email):
                conn.execute(qmark(CLAIM_EMAIL), _params(email, lid))
            case RecordGrant(granter_id=granter, learner_id=lid):
                conn.execute(qmark(RECORD_GRANT), _params(granter, lid))
            case RecordPost(post=post, author=author, posted_at=at):
                conn.execute(qmark(RECORD_POST),
                             _params(post, author.platform, author.user_id, ts(at)))
                conn.execute(qmark(FORGET_OLD_POSTS), _params(ts(at - POST_MEMORY)))
            case CountReaction():
                conn.execute(qmark(COUNT_REACTION),
                             _params(change.learner_id, change.post, change.quest_id,
                                     change.step_id, ts(change.at)))
            case MergeLearner(source_id=source, into_id=into, code_hash=code):
                merge_learner(conn, source, into, code)
            case ForgetLearner(learner_id=lid):
                personal = personal_data(conn, lid)
                for statement in FORGET:
                    conn.execute(statement.replace("$1", "?"), (lid,))
                scrub_after_forget(conn, lid, personal)  # replies kept for redelivery too
            case KeepEvidenceFile():
                conn.execute(qmark(KEEP_EVIDENCE), _params(
                    change.ref, change.learner_id, change.file_name, change.media_type,
                    change.data, ts(change.kept_at)))
            case QueueDelivery(learner_id=lid, message=message, created_at=at):
                conn.execute(
                    "INSERT INTO outbox (platform, platform_user_id, learner_id, message,"
                    " created_at) SELECT platform, platform_user_id, learner_id, ?, ?"
                    " FROM accounts WHERE learner_id = ?",
                    (dump_json(outbound_to_dict(message)), ts(at), lid))


PUT_SESSION = (
    "INSERT INTO attendance_sessions (quest_id, step_id, secret, issued_at, issued_by,"
    " failures) VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (quest_id, step_id) DO UPDATE SET"
    " secret = excluded.secret, issued_at = excluded.issued_at,"
    " issued_by = excluded.issued_by, failures = 0")
# a learner has one live code at a time, and expired ones go
DROP_LINK_CODES = "DELETE FROM link_codes WHERE learner_id = $1 OR expires_at < $2"
PUT_LINK_CODE = ("INSERT INTO link_codes (code_hash, locator, learner_id, expires_at)"
                 " VALUES ($1, $2, $3, $4)")
FAIL_LINK_CODE = "UPDATE link_codes SET failures = failures + 1 WHERE locator = $1"
FAIL_CHECK_IN = ("UPDATE attendance_sessions SET failures = failures + 1"
                 " WHERE quest_id = $1 AND step_id = $2")
CLAIM_EMAIL = ("INSERT INTO email_claims (email, learner_id) VALUES ($1, $2)"
               " ON CONFLICT DO NOTHING")
RECORD_GRANT = ("INSERT INTO tutor_grants (granter_id, learner_id) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING")
RECORD_POST = ("INSERT INTO recent_posts (post, platform, author_id, posted_at)"
               " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
FORGET_OLD_POSTS = "DELETE FROM recent_posts WHERE posted_at < $1"
COUNT_REACTION = ("INSERT INTO counted_reactions (learner_id, post, quest_id, step_id,"
                  " counted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")

STATUS_LIST_SIZE = 131_072


def allocate_status_index(conn: sqlite3.Connection, award_id: str) -> int:
    """A random free index, so an index says nothing about when or to whom."""
    row = conn.execute("SELECT status_index FROM awards WHERE award_id = ?",
                       (award_id,)).fetchone()
    if row is None:
        raise LookupError(f"no award {award_id}")
    if row[0] is not None:
        return int(row[0])
    for _ in range(64):
        index = secrets.randbelow(STATUS_LIST_SIZE)
        taken = conn.execute("SELECT 1 FROM awards WHERE status_index = ?", (index,)).fetchone()
        if taken is None:
            conn.execute("UPDATE awards SET status_index = ? WHERE award_id = ?",
                         (index, award_id))
            return index
    raise RuntimeError("the status list is full")


# Awards stay (their credentials are public and name only a salted hash); everything else
# that describes the person goes. The learner row stays, emptied, because awards point at it.
FORGET = (
    "DELETE FROM recent_posts WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.learner_id = $1"
    " AND a.platform = recent_posts.platform AND a.platform_user_id = recent_posts.author_id)",
    "DELETE FROM counted_reactions WHERE learner_id = $1",
    "DELETE FROM email_claims WHERE learner_id = $1",
    "DELETE FROM evidence_files WHERE learner_id = $1",
    "DELETE FROM step_progress WHERE learner_id = $1",
    "DELETE FROM enrolments WHERE learner_id = $1",
    "DELETE FROM milestones WHERE learner_id = $1",
    "DELETE FROM link_codes WHERE learner_id = $1",
    "DELETE FROM outbox WHERE learner_id = $1 AND delivered_at IS NULL",
    "DELETE FROM accounts WHERE learner_id = $1",
    "UPDATE learners SET display_name = NULL, email = NULL, quiz = NULL,"
    " failed_checkins = '[]', failed_links = '[]', show_name = 0, role = 0"
    " WHERE learner_id = $1",
)

_MERGE = (
    # the learner who asked for the code keeps their id; the other's rows move across
    "UPDATE accounts SET learner_id = :into WHERE learner_id = :source",
    "INSERT INTO enrolments (learner_id, quest_id, quest_version, joined_at)"
    " SELECT :into, quest_id, quest_version, joined_at FROM enrolments"
    " WHERE learner_id = :source ON CONFLICT DO NOTHING",
    "INSERT INTO step_progress (learner_id, quest_id, step_id, count, completed_at, evidence,"
    " last_attempt_at) SELECT :into, quest_id, step_id, count, completed_at, evidence,"
    " last_attempt_at FROM step_progress WHERE learner_id = :source"
    " ON CONFLICT (learner_id, quest_id, step_id) DO UPDATE SET"
    " count = max(step_progress.count, excluded.count),"
    " evidence = CASE WHEN step_progress.completed_at IS NULL THEN excluded.evidence"
    " ELSE step_progress.evidence END,"
    " completed_at = coalesce(step_progress.completed_at, excluded.completed_at)",
    "INSERT INTO milestones (learner_id, quest_id, milestone_id, xp, reached_at)"
    " SELECT :into, quest_id, milestone_id, xp, reached_at FROM milestones"
    " WHERE learner_id = :source ON CONFLICT DO NOTHING",
    "UPDATE awards SET learner_id = :into WHERE learner_id = :source",
    "UPDATE outbox SET learner_id = :into WHERE learner_id = :source",
    "UPDATE evidence_files SET learner_id = :into WHERE learner_id = :source",
    "INSERT INTO email_claims (email, learner_id) SELECT email, :into FROM email_claims"
    " WHERE learner_id = :source ON CONFLICT DO NOTHING",
    "INSERT INTO counted_reactions (learner_id, post, quest_id, step_id, counted_at)"
    " SELECT :into, post, quest_id, step_id, counted_at FROM counted_reactions"
    " WHERE learner_id = :source ON CONFLICT DO NOTHING",
    "INSERT INTO tutor_grants (granter_id, learner_id) SELECT :into, learner_id"
    " FROM tutor_grants WHERE granter_id = :source AND learner_id <> :into"
    " ON CONFLICT DO NOTHING",
    "INSERT INTO tutor_grants (granter_id, learner_id) SELECT granter_id, :into"
    " FROM tutor_grants WHERE learner_id = :source AND granter_id <> :into"
    " ON CONFLICT DO NOTHING",
    "UPDATE learners SET role = max(role, (SELECT role FROM learners WHERE learner_id ="
    " :source)), email = coalesce(email, (SELECT email FROM learners WHERE learner_id ="
    " :source)) WHERE learner_id = :into",
    "DELETE FROM step_progress WHERE learner_id = :source",
    "DELETE FROM enrolments WHERE learner_id = :source",
    "DELETE FROM milestones WHERE learner_id = :source",
    "DELETE FROM email_claims WHERE learner_id = :source",
    "DELETE FROM counted_reactions WHERE learner_id = :source",
    "DELETE FROM tutor_grants WHERE granter_id = :source OR learner_id = :source",
    "DELETE FROM link_codes WHERE learner_id = :source OR code_hash = :code",
    "DELETE FROM learners WHERE learner_id = :source",
)


def merge_learner(conn: sqlite3.Connection, source: str, into: str, code: str) -> None:
    for statement in _MERGE:
        conn.execute(statement, {"source": source, "into": into, "code": code})


def find_replies(conn: sqlite3.Connection, platform: str, event_id: str) -> str | None:
    row = conn.execute("SELECT replies FROM processed_events WHERE platform = ? AND"
                       " event_id = ?", (platform, event_id)).fetchone()
    return str(row[0]) if row else None


def record_event(conn: sqlite3.Connection, platform: str, event_id: str,
                 replies: Sequence[Outbound], at: str) -> None:
    conn.execute("INSERT INTO processed_events (platform, event_id, replies, processed_at)"
                 " VALUES (?, ?, ?, ?)", (platform, event_id, dump_outbounds(replies), at))
