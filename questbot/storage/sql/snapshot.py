"""What one event reads: whose event it is, the learner it names, and whatever else its
request asks for, as statements for either store."""

from __future__ import annotations

from dataclasses import dataclass, field

from questbot.domain.ids import UserRef
from questbot.domain.progress import (
    AttendanceSession,
    ClaimCodeState,
    LearnerState,
    PendingAddress,
    Snapshot,
)
from questbot.ports import LoadRequest
from questbot.storage.serial import need_ts
from questbot.storage.sql.dialect import Dialect, PerDialect
from questbot.storage.sql.program import Program, sql
from questbot.storage.sql.rows import AWARD_FIELDS, learner_from_row, pending_from_row
from questbot.storage.sql.wallet import load_wallet


def _learner_columns(d: Dialect) -> str:
    # One statement loads a learner with everything an event may read: each kind of row
    # comes back as a JSON array, which costs far less than a query per table.
    awards = d.json_row(*(d.as_json(f) if f == "evidence" else f for f in AWARD_FIELDS))
    return f"""
  l.learner_id, l.display_name, l.role, l.quiz, l.failed_checkins, l.email, l.show_name,
  (SELECT {d.json_list(d.json_row("platform", "platform_user_id"))}
     FROM accounts WHERE learner_id = l.learner_id),
  (SELECT {d.json_list(d.json_row("quest_id", "quest_version", "joined_at"))}
     FROM enrolments WHERE learner_id = l.learner_id),
  (SELECT {d.json_list(d.json_row("quest_id", "step_id", "count", "completed_at",
                                  d.as_json("evidence"), "last_attempt_at"))}
     FROM step_progress WHERE learner_id = l.learner_id),
  (SELECT {d.json_list(d.json_row("quest_id", "milestone_id", "xp"))}
     FROM milestones WHERE learner_id = l.learner_id),
  (SELECT {d.json_list(awards)} FROM awards WHERE learner_id = l.learner_id),
  l.failed_links, l.language, l.on_leaderboard, l.home_community, l.xp_today,
  (SELECT {d.json_list(d.json_row("community_id", "xp"))}
     FROM xp_totals WHERE learner_id = l.learner_id AND period = 'all'),
  l.streak_current, l.streak_best, l.streak_last,
  l.streak_warn_at, l.home_community, l.reminders_off, l.message_memory"""


LEARNER = PerDialect.spell(
    lambda d: f"SELECT {_learner_columns(d)}\nFROM learners l WHERE l.learner_id = $1")
# Where the store has no lock to take between them (SQLite's one writer), an event that names
# only its sender reads its record and the sender's learner in one statement, not three.
# No row: the sender is new (and the record is read on its own).
RECORD_AND_ACTOR = f"""SELECT (SELECT replies FROM processed_events WHERE platform = $1
    AND event_id = $2), {_learner_columns(Dialect.SQLITE)}
FROM learners l WHERE l.learner_id = (SELECT learner_id FROM accounts WHERE platform = $3
    AND platform_user_id = $4)"""
LEARNER_OF_ACCOUNT = ("SELECT learner_id FROM accounts WHERE platform = $1 AND"
                      " platform_user_id = $2")
AWARD_HOLDER = "SELECT learner_id FROM awards WHERE award_id = $1"
# Both stores read the same things for the rules against guessing and self-awards.
EMAIL_CLAIMS = "SELECT email FROM email_claims WHERE learner_id = $1"
LINK_CODE = "SELECT learner_id, expires_at, failures FROM link_codes WHERE code_hash = $1"
GRANTED_BETWEEN = ("SELECT 1 FROM tutor_grants WHERE (granter_id = $1 AND learner_id = $2)"
                   " OR (granter_id = $2 AND learner_id = $1) LIMIT 1")
POST_AUTHOR = "SELECT platform, author_id FROM recent_posts WHERE post = $1"
POST_COUNTED = ("SELECT quest_id, step_id FROM counted_reactions WHERE learner_id = $1"
                " AND post = $2")
CLAIM_CODE_HOLDER = "SELECT learner_id FROM claim_codes WHERE code_hash = $1"
CLAIM_CODE = "SELECT email, expires_at, failures, used_at FROM claim_codes WHERE code_hash = $1"
RECENT_SENDS = 10  # more than any rate limit counts
SENT_BY_LEARNER = ("SELECT sent_at FROM email_confirmations WHERE learner_id = $1"
                   f" ORDER BY sent_at DESC LIMIT {RECENT_SENDS}")
SENT_TO_ADDRESS = ("SELECT sent_at FROM email_confirmations WHERE email = $1"
                   f" ORDER BY sent_at DESC LIMIT {RECENT_SENDS}")
PENDING_ADDRESS = ("SELECT email, code_hash, expires_at, failures FROM email_confirmations"
                   " WHERE learner_id = $1 AND done = 0 ORDER BY sent_at DESC LIMIT 1")
RECORDED_REPLIES = "SELECT replies FROM processed_events WHERE platform = $1 AND event_id = $2"
SESSIONS = ("SELECT quest_id, step_id, secret, issued_at, issued_by, failures"
            " FROM attendance_sessions")

MAX_PENDING = 100


def _pending(d: Dialect) -> str:
    return f"{d.json_field('evidence', 'status')} = 'pending'"


# The review queue reads a submission's status and id inside its step's evidence (JSON text);
# an index covers exactly these expressions (migration 7).
SUBMISSION_HOLDER = PerDialect.spell(lambda d: (
    f"SELECT learner_id FROM step_progress WHERE {d.json_field('evidence', 'submission')}"
    f" = $1 AND {_pending(d)} LIMIT 1"))
PENDING_SUBMISSIONS = PerDialect.spell(lambda d: (
    "SELECT sp.learner_id, (SELECT display_name FROM learners l"
    " WHERE l.learner_id = sp.learner_id), sp.quest_id, sp.step_id, sp.count,"
    " sp.completed_at, sp.evidence, sp.last_attempt_at FROM step_progress sp"
    f" WHERE {_pending(d)} ORDER BY sp.last_attempt_at, sp.learner_id LIMIT {MAX_PENDING}"))


@dataclass(frozen=True, slots=True)
class Learners:
    """Whose event it is and the learner it names, by id (None: not known yet); and the
    actor's state where the store read it already (``record_and_actor``)."""

    actor_id: str | None
    target_id: str | None
    actor: LearnerState | None = field(default=None, compare=False)


def record_and_actor(platform: str, event_id: str, account: UserRef
                     ) -> Program[tuple[object, Learners]]:
    """The event's recorded replies (None if it is new) and its sender, in one statement
    (SQLite only: see RECORD_AND_ACTOR)."""
    row = (yield sql(RECORD_AND_ACTOR, platform, event_id, account.platform,
                     account.user_id)).first()
    if row is None:
        recorded = (yield sql(RECORDED_REPLIES, platform, event_id)).value()
        return recorded, Learners(None, None)
    actor = learner_from_row(row[1:])
    return row[0], Learners(actor.learner_id if actor else None, None, actor)


def learner_id_of(account: UserRef) -> Program[str | None]:
    value = (yield sql(LEARNER_OF_ACCOUNT, account.platform, account.user_id)).value()
    return None if value is None else str(value)


def find_learners(request: LoadRequest) -> Program[Learners]:
    actor_id = yield from learner_id_of(request.actor)
    return Learners(actor_id, (yield from _target_id(request)))


def _target_id(request: LoadRequest) -> Program[str | None]:
    if request.target is not None:
        return (yield from learner_id_of(request.target))
    value = None
    if request.award_id is not None:
        value = (yield sql(AWARD_HOLDER, request.award_id)).value()
    elif request.submission is not None:
        value = (yield sql(SUBMISSION_HOLDER, request.submission)).value()
    elif request.link_code_hash is not None:
        value = (yield sql(LINK_CODE, request.link_code_hash)).value()
    elif request.claim_code_hash is not None:
        value = (yield sql(CLAIM_CODE_HOLDER, request.claim_code_hash)).value()
    return None if value is None else str(value)


def load_learner(learner_id: str | None) -> Program[LearnerState | None]:
    if learner_id is None:
        return None
    return learner_from_row((yield sql(LEARNER, learner_id)).first())


def load_snapshot(request: LoadRequest, learners: Learners) -> Program[Snapshot]:
    actor_id, target_id = learners.actor_id, learners.target_id
    actor = learners.actor
    snapshot = Snapshot(actor=actor if actor is not None else (yield from load_learner(actor_id)))
    snapshot.target = yield from load_learner(target_id)
    if request.link_code_hash is not None and target_id is not None:
        code = (yield sql(LINK_CODE, request.link_code_hash)).first()
        if code is not None:
            snapshot.link_code_expires_at = need_ts(code[1])
            snapshot.link_code_failures = int(code[2])
        if actor_id is not None:
            granted = yield sql(GRANTED_BETWEEN, actor_id, target_id)
            snapshot.granted_between = granted.first() is not None
    if request.claim_code_hash is not None and target_id is not None:
        claim = (yield sql(CLAIM_CODE, request.claim_code_hash)).first()
        if claim is not None:
            snapshot.claim_code = ClaimCodeState(str(claim[0]), need_ts(claim[1]),
                                                 int(claim[2]), claim[3] is not None)
        if actor_id is not None:
            granted = yield sql(GRANTED_BETWEEN, actor_id, target_id)
            snapshot.granted_between = granted.first() is not None
    yield from _load_email(request, actor_id, snapshot)
    if request.wallet and actor_id is not None:
        yield from load_wallet(actor_id, snapshot)
    if actor_id is not None and (request.target or request.award_id or request.submission):
        claims = yield sql(EMAIL_CLAIMS, actor_id)
        snapshot.actor_emails = frozenset(r[0] for r in claims.rows)
    if request.submissions:
        pending = yield sql(PENDING_SUBMISSIONS)
        snapshot.submissions = [pending_from_row(r) for r in pending.rows]
    if request.post is not None:
        author = (yield sql(POST_AUTHOR, request.post)).first()
        snapshot.post_author = UserRef(author[0], author[1]) if author else None
        if actor_id is not None:
            counted = yield sql(POST_COUNTED, actor_id, request.post)
            snapshot.post_counted_for = frozenset((r[0], r[1]) for r in counted.rows)
    if request.sessions:
        sessions = yield sql(SESSIONS)
        snapshot.sessions = [AttendanceSession(r[0], r[1], r[2], need_ts(r[3]), r[4], int(r[5]))
                             for r in sessions.rows]
    return snapshot


def _load_email(request: LoadRequest, actor_id: str | None, snapshot: Snapshot
                ) -> Program[None]:
    if request.email_address is not None:
        sent = yield sql(SENT_TO_ADDRESS, request.email_address)
        snapshot.confirmations_to_address = tuple(need_ts(r[0]) for r in sent.rows)
        if actor_id is not None:
            sent = yield sql(SENT_BY_LEARNER, actor_id)
            snapshot.confirmations_by_actor = tuple(need_ts(r[0]) for r in sent.rows)
    if request.email_confirmation and actor_id is not None:
        row = (yield sql(PENDING_ADDRESS, actor_id)).first()
        if row is not None:
            snapshot.pending_address = PendingAddress(str(row[0]), str(row[1]),
                                                      need_ts(row[2]), int(row[3]))
