"""What one event reads and writes, in PostgreSQL (asyncpg). Row shapes are the SQLite
store's, so both stores share one parser and tell the engine the same things."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import asyncpg

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
from questbot.domain.codec import outbound_to_dict
from questbot.domain.ids import UserRef
from questbot.domain.progress import AttendanceSession, LearnerState, Snapshot
from questbot.ports import LoadRequest
from questbot.storage.postgres.privacy import personal_data, scrub_after_forget
from questbot.storage.serial import dump_json, dump_quiz, dump_times, need_ts, ts
from questbot.storage.sqlite import unit as shared
from questbot.storage.sqlite.unit import (
    FORGET,
    STATUS_LIST_SIZE,
    learner_from_row,
    pending_from_row,
    pending_queries,
)

SUBMISSION_HOLDER, PENDING_SUBMISSIONS = pending_queries(
    "(evidence::jsonb ->> 'status')", "(evidence::jsonb ->> 'submission')")

AWARD_FIELDS = ("award_id", "learner_id", "quest_id", "quest_version", "badge_key",
                "badge_name", "awarded_at", "evidence", "awarded_by", "revoked_at",
                "revocation_reason")
AWARD_COLUMNS_OF_A = ", ".join(f"a.{name}" for name in AWARD_FIELDS)
_AWARD_JSON = ", ".join("evidence::json" if f == "evidence" else f for f in AWARD_FIELDS)

_LEARNER = f"""
SELECT l.learner_id, l.display_name, l.role, l.quiz, l.failed_checkins, l.email, l.show_name,
  (SELECT coalesce(json_agg(json_build_array(platform, platform_user_id)), '[]')
     FROM accounts WHERE learner_id = l.learner_id)::text,
  (SELECT coalesce(json_agg(json_build_array(quest_id, quest_version, joined_at)), '[]')
     FROM enrolments WHERE learner_id = l.learner_id)::text,
  (SELECT coalesce(json_agg(json_build_array(quest_id, step_id, count, completed_at,
                                             evidence::json, last_attempt_at)), '[]')
     FROM step_progress WHERE learner_id = l.learner_id)::text,
  (SELECT coalesce(json_agg(json_build_array(quest_id, milestone_id, xp)), '[]')
     FROM milestones WHERE learner_id = l.learner_id)::text,
  (SELECT coalesce(json_agg(json_build_array({_AWARD_JSON})), '[]')
     FROM awards WHERE learner_id = l.learner_id)::text,
  l.failed_links
FROM learners l WHERE l.learner_id = $1
"""


async def learner_id_of(conn: asyncpg.Connection, account: UserRef) -> str | None:
    value = await conn.fetchval("SELECT learner_id FROM accounts WHERE platform = $1 AND"
                                " platform_user_id = $2", account.platform, account.user_id)
    return str(value) if value is not None else None


async def target_id(conn: asyncpg.Connection, request: LoadRequest) -> str | None:
    if request.target is not None:
        return await learner_id_of(conn, request.target)
    if request.award_id is not None:
        value = await conn.fetchval("SELECT learner_id FROM awards WHERE award_id = $1",
                                    request.award_id)
        return str(value) if value is not None else None
    if request.link_code_hash is not None:
        value = await conn.fetchval("SELECT learner_id FROM link_codes WHERE code_hash = $1",
                                    request.link_code_hash)
        return str(value) if value is not None else None
    if request.submission is not None:
        value = await conn.fetchval(SUBMISSION_HOLDER, request.submission)
        return str(value) if value is not None else None
    return None


async def load_learner(conn: asyncpg.Connection, learner_id: str | None
                       ) -> LearnerState | None:
    if learner_id is None:
        return None
    return learner_from_row(await conn.fetchrow(_LEARNER, learner_id))


async def load_snapshot(conn: asyncpg.Connection, request: LoadRequest, actor_id: str | None,
                        target: str | None) -> Snapshot:
    snapshot = Snapshot(actor=await load_learner(conn, actor_id))
    snapshot.target = await load_learner(conn, target)
    if request.link_code_hash is not None and target is not None:
        row = await conn.fetchrow(shared.LINK_CODE, request.link_code_hash)
        if row is not None:
            snapshot.link_code_expires_at = need_ts(row[1])
            snapshot.link_code_failures = int(row[2])
        if actor_id is not None:
            snapshot.granted_between = await conn.fetchval(
                shared.GRANTED_BETWEEN, actor_id, target) is not None
    if actor_id is not None and (request.target or request.award_id or request.submission):
        snapshot.actor_emails = frozenset(
            r[0] for r in await conn.fetch(shared.EMAIL_CLAIMS, actor_id))
    if request.submissions:
        snapshot.submissions = [pending_from_row(tuple(r))
                                for r in await conn.fetch(PENDING_SUBMISSIONS)]
    if request.post is not None:
        author = await conn.fetchrow(shared.POST_AUTHOR, request.post)
        snapshot.post_author = UserRef(author[0], author[1]) if author else None
        if actor_id is not None:
            snapshot.post_counted_for = frozenset(
                (r[0], r[1]) for r in await conn.fetch(shared.POST_COUNTED, actor_id,
                                                       request.post))
    if request.sessions:
        snapshot.sessions = [
            AttendanceSession(r[0], r[1], r[2], need_ts(r[3]), r[4], int(r[5]))
            for r in await conn.fetch(shared.SESSIONS)
        ]
    return snapshot


async def apply_changes(conn: asyncpg.Connection, changes: Sequence[Change]) -> None:
    for change in changes:
        match change:
            case CreateLearner(learner_id=lid, account=acc, display_name=name, created_at=at):
                await conn.execute(
                    "INSERT INTO learners (learner_id, display_name, created_at,"
                    " recipient_token) VALUES ($1, $2, $3, $4)",
                    lid, name, ts(at), secrets.token_urlsafe(24))
                await conn.execute(
                    "INSERT INTO accounts (platform, platform_user_id, learner_id)"
                    " VALUES ($1, $2, $3)", acc.platform, acc.user_id, lid)
            case UpdateLearner():
                await conn.execute(
                    "UPDATE learners SET display_name = $1, role = $2, quiz = $3,"
                    " failed_checkins = $4, email = $5, show_name = $6, failed_links = $7"
                    " WHERE learner_id = $8",
                    change.display_name, int(change.role), dump_quiz(change.quiz),
                    dump_times(change.failed_checkins), change.email, int(change.show_name),
                    dump_times(change.failed_links), change.learner_id)
            case PutEnrolment(learner_id=lid, enrolment=e):
                await conn.execute(
                    "INSERT INTO enrolments (learner_id, quest_id, quest_version, joined_at)"
                    " VALUES ($1, $2, $3, $4)", lid, e.quest_id, e.quest_version,
                    ts(e.joined_at))
            case PutStep(learner_id=lid, step=s):
                await conn.execute(
                    "INSERT INTO step_progress (learner_id, quest_id, step_id, count,"
                    " completed_at, evidence, last_attempt_at) VALUES ($1, $2, $3, $4, $5, $6,"
                    " $7) ON CONFLICT (learner_id, quest_id, step_id) DO UPDATE SET"
                    " count = EXCLUDED.count, completed_at = EXCLUDED.completed_at,"
                    " evidence = EXCLUDED.evidence, last_attempt_at = EXCLUDED.last_attempt_at",
                    lid, s.quest_id, s.step_id, s.count, ts(s.completed_at),
                    dump_json(s.evidence), ts(s.last_attempt_at))
            case PutMilestone():
                await conn.execute(
                    "INSERT INTO milestones (learner_id, quest_id, milestone_id, xp, reached_at)"
                    " VALUES ($1, $2, $3, $4, $5)", change.learner_id, change.quest_id,
                    change.milestone_id, change.xp, ts(change.reached_at))
            case PutAward(award=a):
                await conn.execute(
                    f"INSERT INTO awards ({', '.join(AWARD_FIELDS)}) VALUES ($1, $2, $3, $4,"
                    " $5, $6, $7, $8, $9, $10, $11)", a.award_id, a.learner_id, a.quest_id,
                    a.quest_version, a.badge_key, a.badge_name, ts(a.awarded_at),
                    dump_json(a.evidence), a.awarded_by, ts(a.revoked_at),
                    a.revocation_reason)
                await allocate_status_index(conn, a.award_id)
            case RevokeAward():
                await conn.execute(
                    "UPDATE awards SET revoked_at = $1, revocation_reason = $2,"
                    " revoked_by = $3 WHERE award_id = $4 AND revoked_at IS NULL",
                    ts(change.revoked_at), change.reason, change.revoked_by, change.award_id)
            case PutSession(session=s):
                await conn.execute(shared.PUT_SESSION, s.quest_id, s.step_id, s.secret,
                                   ts(s.issued_at), s.issued_by)
            case KeepEvidenceFile():
                await conn.execute(shared.KEEP_EVIDENCE, change.ref, change.learner_id,
                                   change.file_name, change.media_type, change.data,
                                   ts(change.kept_at))
            case QueueDelivery(learner_id=lid, message=message, created_at=at):
                await conn.execute(
                    "INSERT INTO outbox (platform, platform_user_id, learner_id, message,"
                    " created_at) SELECT platform, platform_user_id, learner_id, $1, $2"
                    " FROM accounts WHERE learner_id = $3",
                    dump_json(outbound_to_dict(message)), ts(at), lid)
            case PutLinkCode():
                await conn.execute(shared.DROP_LINK_CODES, change.learner_id,
                                   ts(change.issued_at))
                await conn.execute(shared.PUT_LINK_CODE, change.code_hash, change.locator,
                                   change.learner_id, ts(change.expires_at))
            case FailLinkCode(locator=locator):
                await conn.execute(shared.FAIL_LINK_CODE, locator)
            case FailCheckIn(sessions=sessions):
                await conn.executemany(shared.FAIL_CHECK_IN, list(sessions))
            case ClaimEmail(learner_id=lid, email=email):
                await conn.execute(shared.CLAIM_EMAIL, email, lid)
            case RecordGrant(granter_id=granter, learner_id=lid):
                await conn.execute(shared.RECORD_GRANT, granter, lid)
            case RecordPost(post=post, author=author, posted_at=at):
                await conn.execute(shared.RECORD_POST, post, author.platform, author.user_id,
                                   ts(at))
                await conn.execute(shared.FORGET_OLD_POSTS, ts(at - POST_MEMORY))
            case CountReaction():
                await conn.execute(shared.COUNT_REACTION, change.learner_id, change.post,
                                   change.quest_id, change.step_id, ts(change.at))
            case ForgetLearner(learner_id=lid):
                personal = await personal_data(conn, lid)
                for statement in FORGET:
                    await conn.execute(statement, lid)
                await scrub_after_forget(conn, lid, personal)  # replies kept for redelivery
            case MergeLearner(source_id=source, into_id=into, code_hash=code):
                values = {"source": source, "into": into, "code": code}
                for statement, names in _MERGE:
                    await conn.execute(statement, *(values[n] for n in names))


async def allocate_status_index(conn: asyncpg.Connection, award_id: str) -> int:
    """A random free index; a clash with another process's pick fails the transaction, which
    the store then retries."""
    for _ in range(64):
        index = secrets.randbelow(STATUS_LIST_SIZE)
        if await conn.fetchval("SELECT 1 FROM awards WHERE status_index = $1", index) is None:
            await conn.execute("UPDATE awards SET status_index = $1 WHERE award_id = $2",
                               index, award_id)
            return index
    raise RuntimeError("the status list is full")


_MERGE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("UPDATE accounts SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("INSERT INTO enrolments (learner_id, quest_id, quest_version, joined_at)"
     " SELECT $2, quest_id, quest_version, joined_at FROM enrolments"
     " WHERE learner_id = $1 ON CONFLICT DO NOTHING", ("source", "into")),
    ("INSERT INTO step_progress (learner_id, quest_id, step_id, count, completed_at, evidence,"
     " last_attempt_at) SELECT $2, quest_id, step_id, count, completed_at, evidence,"
     " last_attempt_at FROM step_progress WHERE learner_id = $1"
     " ON CONFLICT (learner_id, quest_id, step_id) DO UPDATE SET"
     " count = GREATEST(step_progress.count, EXCLUDED.count),"
     " evidence = CASE WHEN step_progress.completed_at IS NULL THEN EXCLUDED.evidence"
     " ELSE step_progress.evidence END,"
     " completed_at = coalesce(step_progress.completed_at, EXCLUDED.completed_at)",
     ("source", "into")),
    ("INSERT INTO milestones (learner_id, quest_id, milestone_id, xp, reached_at)"
     " SELECT $2, quest_id, milestone_id, xp, reached_at FROM milestones"
     " WHERE learner_id = $1 ON CONFLICT DO NOTHING", ("source", "into")),
    ("UPDATE awards SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("UPDATE outbox SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("UPDATE evidence_files SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("INSERT INTO email_claims (email, learner_id) SELECT email, $2 FROM email_claims"
     " WHERE learner_id = $1 ON CONFLICT DO NOTHING", ("source", "into")),
    ("INSERT INTO counted_reactions (learner_id, post, quest_id, step_id, counted_at)"
     " SELECT $2, post, quest_id, step_id, counted_at FROM counted_reactions"
     " WHERE learner_id = $1 ON CONFLICT DO NOTHING", ("source", "into")),
    ("INSERT INTO tutor_grants (granter_id, learner_id) SELECT $2, learner_id FROM tutor_grants"
     " WHERE granter_id = $1 AND learner_id <> $2 ON CONFLICT DO NOTHING", ("source", "into")),
    ("INSERT INTO tutor_grants (granter_id, learner_id) SELECT granter_id, $2 FROM tutor_grants"
     " WHERE learner_id = $1 AND granter_id <> $2 ON CONFLICT DO NOTHING", ("source", "into")),
    ("UPDATE learners SET role = GREATEST(role, (SELECT role FROM learners WHERE learner_id ="
     " $1)), email = coalesce(email, (SELECT email FROM learners WHERE learner_id = $1))"
     " WHERE learner_id = $2", ("source", "into")),
    ("DELETE FROM step_progress WHERE learner_id = $1", ("source",)),
    ("DELETE FROM enrolments WHERE learner_id = $1", ("source",)),
    ("DELETE FROM milestones WHERE learner_id = $1", ("source",)),
    ("DELETE FROM email_claims WHERE learner_id = $1", ("source",)),
    ("DELETE FROM counted_reactions WHERE learner_id = $1", ("source",)),
    ("DELETE FROM tutor_grants WHERE granter_id = $1 OR learner_id = $1", ("source",)),
    ("DELETE FROM link_codes WHERE learner_id = $1 OR code_hash = $2", ("source", "code")),
    ("DELETE FROM learners WHERE learner_id = $1", ("source",)),
)


