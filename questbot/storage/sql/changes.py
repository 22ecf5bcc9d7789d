"""What one event writes: each domain change as the statements that make it durable."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from questbot.domain.changes import (
    POST_MEMORY,
    Change,
    ClaimEmail,
    CompleteQuest,
    CountReaction,
    CreateLearner,
    FailCheckIn,
    FailClaimCode,
    FailEmailConfirmation,
    FailLinkCode,
    ForgetLearner,
    GainXp,
    HideAward,
    KeepEvidenceFile,
    MergeLearner,
    NotifyAccount,
    PutAward,
    PutClaimCode,
    PutDashboardLink,
    PutEmailConfirmation,
    PutEnrolment,
    PutLinkCode,
    PutMilestone,
    PutPlay,
    PutReminder,
    PutSession,
    PutStep,
    PutWallet,
    QueueDelivery,
    QueueEmail,
    RecordAnswer,
    RecordCounterReset,
    RecordGrant,
    RecordPost,
    RevokeAward,
    UpdateLearner,
    UseClaimCode,
    UseEmailConfirmation,
)
from questbot.domain.codec import outbound_to_dict
from questbot.domain.mail import CLAIM_CODE_LIFETIME
from questbot.storage.serial import dump_json, dump_quiz, dump_times, ts
from questbot.storage.sql.dashboard import dashboard_change
from questbot.storage.sql.dialect import PerDialect
from questbot.storage.sql.outbox import ENQUEUE
from questbot.storage.sql.privacy import personal_data, scrub_after_forget
from questbot.storage.sql.program import Program, Statement, sql
from questbot.storage.sql.rows import AWARD_COLUMNS, dump_days, play_columns
from questbot.storage.sql.wallet import FORGET as FORGET_WALLET
from questbot.storage.sql.wallet import MERGE as MERGE_WALLET
from questbot.storage.sql.wallet import wallet_change
from questbot.storage.sql.webhooks import raise_webhooks

CREATE_LEARNER = ("INSERT INTO learners (learner_id, display_name, created_at, recipient_token)"
                  " VALUES ($1, $2, $3, $4)")
ADD_ACCOUNT = "INSERT INTO accounts (platform, platform_user_id, learner_id) VALUES ($1, $2, $3)"
UPDATE_LEARNER = ("UPDATE learners SET display_name = $1, role = $2, quiz = $3,"
                  " failed_checkins = $4, email = $5, show_name = $6, failed_links = $7,"
                  " language = $8, on_leaderboard = $9, home_community = $10, xp_today = $11"
                  " WHERE learner_id = $12")
PUT_ENROLMENT = ("INSERT INTO enrolments (learner_id, quest_id, quest_version, joined_at)"
                 " VALUES ($1, $2, $3, $4)")
PUT_STEP = ("INSERT INTO step_progress (learner_id, quest_id, step_id, count, completed_at,"
            " evidence, last_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (learner_id, quest_id, step_id) DO UPDATE SET"
            " count = excluded.count, completed_at = excluded.completed_at,"
            " evidence = excluded.evidence, last_attempt_at = excluded.last_attempt_at")
PUT_MILESTONE = ("INSERT INTO milestones (learner_id, quest_id, milestone_id, xp, reached_at)"
                 " VALUES ($1, $2, $3, $4, $5)")
PUT_AWARD = (f"INSERT INTO awards ({AWARD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
             " $9, $10, $11)")
REVOKE_AWARD = ("UPDATE awards SET revoked_at = $1, revocation_reason = $2, revoked_by = $3"
                " WHERE award_id = $4 AND revoked_at IS NULL")
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
KEEP_EVIDENCE = ("INSERT INTO evidence_files (ref, learner_id, file_name, media_type, data,"
                 " kept_at) VALUES ($1, $2, $3, $4, $5, $6)")
PUT_PLAY = ("UPDATE learners SET streak_current = $1, streak_best = $2, streak_last = $3,"
            " streak_warn_at = $4, home_community = $5, reminders_off = $6,"
            " message_memory = $7 WHERE learner_id = $8")
PUT_REMINDER = ("INSERT INTO reminders (learner_id, quest_id, due_at) VALUES ($1, $2, $3)"
                " ON CONFLICT (learner_id, quest_id) DO UPDATE SET due_at = excluded.due_at"
                " WHERE reminders.sent_at IS NULL")
REMINDER_AGAIN = ("UPDATE reminders SET due_at = $3, sent_at = NULL WHERE learner_id = $1"
                  " AND quest_id = $2")
NO_REMINDER = "DELETE FROM reminders WHERE learner_id = $1 AND quest_id = $2 AND sent_at IS NULL"
RECORD_COUNTER_RESET = ("INSERT INTO counter_resets (learner_id, tutor_id, reason, reset_at)"
                        " VALUES ($1, $2, $3, $4)")
# to each chat account: an address is written to only on purpose (QueueEmail)
QUEUE_DELIVERY = ("INSERT INTO outbox (platform, platform_user_id, learner_id, message,"
                  " created_at) SELECT platform, platform_user_id, learner_id, $1, $2"
                  " FROM accounts WHERE learner_id = $3 AND platform <> 'email'")
QUEUE_EMAIL = ("INSERT INTO outbox (platform, platform_user_id, learner_id, message,"
               " created_at) VALUES ('email', $1, $2, $3, $4)")
CONFIRMATION_MEMORY_DAYS = 1  # longer than any rate-limit window
FORGET_OLD_CONFIRMATIONS = "DELETE FROM email_confirmations WHERE sent_at < $1"
# a learner's new code replaces their earlier ones
RETIRE_CONFIRMATIONS = ("UPDATE email_confirmations SET done = 1 WHERE learner_id = $1"
                        " AND done = 0")
PUT_CONFIRMATION = ("INSERT INTO email_confirmations (code_hash, learner_id, email, sent_at,"
                    " expires_at) VALUES ($1, $2, $3, $4, $5)")
FAIL_CONFIRMATION = ("UPDATE email_confirmations SET failures = failures + 1"
                     " WHERE code_hash = $1")
USE_CONFIRMATION = "UPDATE email_confirmations SET done = 1 WHERE code_hash = $1"
FORGET_EXPIRED_CLAIMS = "DELETE FROM claim_codes WHERE expires_at < $1"
PUT_CLAIM_CODE = ("INSERT INTO claim_codes (code_hash, locator, learner_id, award_id, email,"
                  " expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
FAIL_CLAIM_CODE = ("UPDATE claim_codes SET failures = failures + 1 WHERE locator = $1"
                   " AND used_at IS NULL")
USE_CLAIM_CODE = "UPDATE claim_codes SET used_at = $2 WHERE code_hash = $1"

XP_ENTRY = ("INSERT INTO xp_ledger (learner_id, community_id, amount, held_back, source,"
            " quest_id, item_id, gained_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
_ADD_XP = ("INSERT INTO xp_totals (learner_id, community_id, period, xp) VALUES {rows}"
           " ON CONFLICT (learner_id, community_id, period) DO UPDATE SET"
           " xp = xp_totals.xp + excluded.xp")
ADD_XP = _ADD_XP.format(rows="($1, $2, 'all', $3)")
ADD_XP_IN_SEASON = _ADD_XP.format(rows="($1, $2, 'all', $3), ($1, $2, $4, $3)")


def gain_xp(change: GainXp) -> Program[None]:
    """The ledger row, and the totals the standings are read from (all-time and the season's,
    in one statement), kept in step with it."""
    yield sql(XP_ENTRY, change.learner_id, change.community_id, change.amount,
              change.held_back, change.source, change.quest_id, change.item_id,
              ts(change.gained_at))
    if change.amount <= 0:
        return
    if change.season is None:
        yield sql(ADD_XP, change.learner_id, change.community_id, change.amount)
    else:
        yield sql(ADD_XP_IN_SEASON, change.learner_id, change.community_id, change.amount,
                  change.season)


def apply_changes(changes: Sequence[Change]) -> Program[None]:
    for change in changes:
        yield from _apply(change)
        # the webhooks a change raises, in its transaction (a transactional outbox)
        yield from raise_webhooks(change)


def _apply(change: Change) -> Program[None]:
    match change:
        case CreateLearner(learner_id=lid, account=acc, display_name=name, created_at=at):
            yield sql(CREATE_LEARNER, lid, name, ts(at), secrets.token_urlsafe(24))
            yield sql(ADD_ACCOUNT, acc.platform, acc.user_id, lid)
        case UpdateLearner():
            yield sql(UPDATE_LEARNER, change.display_name, int(change.role),
                      dump_quiz(change.quiz), dump_times(change.failed_checkins),
                      change.email, int(change.show_name),
                      dump_times(change.failed_links), change.language,
                      int(change.on_leaderboard), change.home_community,
                      dump_days(change.participation_today), change.learner_id)
        case GainXp():
            yield from gain_xp(change)
        case PutEnrolment(learner_id=lid, enrolment=e):
            yield sql(PUT_ENROLMENT, lid, e.quest_id, e.quest_version, ts(e.joined_at))
        case PutStep(learner_id=lid, step=s):
            yield sql(PUT_STEP, lid, s.quest_id, s.step_id, s.count, ts(s.completed_at),
                      dump_json(s.evidence), ts(s.last_attempt_at))
        case PutMilestone():
            yield sql(PUT_MILESTONE, change.learner_id, change.quest_id,
                      change.milestone_id, change.xp, ts(change.reached_at))
        case PutAward(award=a):
            yield sql(PUT_AWARD, a.award_id, a.learner_id, a.quest_id, a.quest_version,
                      a.badge_key, a.badge_name, ts(a.awarded_at), dump_json(a.evidence),
                      a.awarded_by, ts(a.revoked_at), a.revocation_reason)
            # Its place in the revocation list, chosen now so issuing needs no write.
            yield from allocate_status_index(a.award_id)
        case RevokeAward():
            yield sql(REVOKE_AWARD, ts(change.revoked_at), change.reason,
                      change.revoked_by, change.award_id)
        case PutSession(session=s):
            yield sql(PUT_SESSION, s.quest_id, s.step_id, s.secret, ts(s.issued_at),
                      s.issued_by)
        case PutLinkCode():
            yield sql(DROP_LINK_CODES, change.learner_id, ts(change.issued_at))
            yield sql(PUT_LINK_CODE, change.code_hash, change.locator, change.learner_id,
                      ts(change.expires_at))
        case FailLinkCode(locator=locator):
            yield sql(FAIL_LINK_CODE, locator)
        case FailCheckIn(sessions=sessions):
            for quest_id, step_id in sessions:
                yield sql(FAIL_CHECK_IN, quest_id, step_id)
        case ClaimEmail(learner_id=lid, email=email):
            yield sql(CLAIM_EMAIL, email, lid)
        case RecordGrant(granter_id=granter, learner_id=lid):
            yield sql(RECORD_GRANT, granter, lid)
        case _:
            yield from _apply_more(change)


def _apply_more(change: Change) -> Program[None]:
    match change:
        case RecordPost(post=post, author=author, posted_at=at):
            yield sql(RECORD_POST, post, author.platform, author.user_id, ts(at))
            yield sql(FORGET_OLD_POSTS, ts(at - POST_MEMORY))
        case CountReaction():
            yield sql(COUNT_REACTION, change.learner_id, change.post, change.quest_id,
                      change.step_id, ts(change.at))
        case MergeLearner(source_id=source, into_id=into, code_hash=code):
            yield from merge_learner(source, into, code)
        case ForgetLearner(learner_id=lid):
            personal = yield from personal_data(lid)
            for text in FORGET:
                yield sql(text, lid)
            yield from scrub_after_forget(lid, personal)  # replies kept for redelivery
        case KeepEvidenceFile():
            yield sql(KEEP_EVIDENCE, change.ref, change.learner_id, change.file_name,
                      change.media_type, change.data, ts(change.kept_at))
        case QueueDelivery(learner_id=lid, message=message, created_at=at):
            yield sql(QUEUE_DELIVERY, dump_json(outbound_to_dict(message)), ts(at), lid)
        case NotifyAccount(account=account, message=message, created_at=at):
            yield sql(ENQUEUE, account.platform, account.user_id,
                      dump_json(outbound_to_dict(message)), ts(at))
        case CompleteQuest():
            pass  # progress already says so; only its webhooks are written
        case PutPlay() | PutReminder() | RecordCounterReset():
            yield _game_change(change)
        case PutDashboardLink() | RecordAnswer():
            yield from dashboard_change(change)
        case (QueueEmail() | PutEmailConfirmation() | FailEmailConfirmation()
              | UseEmailConfirmation() | PutClaimCode() | FailClaimCode() | UseClaimCode()):
            yield from apply_email_change(change)
        case PutWallet() | HideAward():
            yield from wallet_change(change)
        case _:
            raise AssertionError(f"{type(change).__name__} is written by _apply")


def _game_change(change: PutPlay | PutReminder | RecordCounterReset) -> Statement:
    match change:
        case PutPlay(learner_id=lid, play=play):
            return sql(PUT_PLAY, *play_columns(play), lid)
        case PutReminder(learner_id=lid, quest_id=quest_id, due_at=None):
            return sql(NO_REMINDER, lid, quest_id)
        case PutReminder(learner_id=lid, quest_id=quest_id, due_at=due, again=again):
            return sql(REMINDER_AGAIN if again else PUT_REMINDER, lid, quest_id, ts(due))
        case RecordCounterReset():
            return sql(RECORD_COUNTER_RESET, change.learner_id, change.tutor_id,
                       change.reason, ts(change.at))


EmailChange = (QueueEmail | PutEmailConfirmation | FailEmailConfirmation | UseEmailConfirmation
               | PutClaimCode | FailClaimCode | UseClaimCode)


def apply_email_change(change: EmailChange) -> Program[None]:
    match change:
        case QueueEmail(address=address, learner_id=lid, message=message, created_at=at):
            yield sql(QUEUE_EMAIL, address, lid, dump_json(outbound_to_dict(message)),
                      ts(at))
        case PutEmailConfirmation():
            yield sql(FORGET_OLD_CONFIRMATIONS,
                      ts(change.sent_at - timedelta(days=CONFIRMATION_MEMORY_DAYS)))
            yield sql(RETIRE_CONFIRMATIONS, change.learner_id)
            yield sql(PUT_CONFIRMATION, change.code_hash, change.learner_id, change.email,
                      ts(change.sent_at), ts(change.expires_at))
        case FailEmailConfirmation(code_hash=code):
            yield sql(FAIL_CONFIRMATION, code)
        case UseEmailConfirmation(code_hash=code):
            yield sql(USE_CONFIRMATION, code)
        case PutClaimCode():
            yield sql(FORGET_EXPIRED_CLAIMS, ts(change.expires_at - CLAIM_CODE_LIFETIME))
            yield sql(PUT_CLAIM_CODE, change.code_hash, change.locator, change.learner_id,
                      change.award_id, change.email, ts(change.expires_at))
        case FailClaimCode(locator=locator):
            yield sql(FAIL_CLAIM_CODE, locator)
        case UseClaimCode(code_hash=code, used_at=at):
            yield sql(USE_CLAIM_CODE, code, ts(at))


STATUS_LIST_SIZE = 131_072


def allocate_status_index(award_id: str) -> Program[int]:
    """A random free index, so an index says nothing about when or to whom. In PostgreSQL a
    clash with another process's pick fails the transaction, which the store then retries."""
    found = (yield sql("SELECT status_index FROM awards WHERE award_id = $1", award_id)).first()
    if found is None:
        raise LookupError(f"no award {award_id}")
    if found[0] is not None:
        return int(found[0])
    for _ in range(64):
        index = secrets.randbelow(STATUS_LIST_SIZE)
        taken = yield sql("SELECT 1 FROM awards WHERE status_index = $1", index)
        if not taken.rows:
            yield sql("UPDATE awards SET status_index = $1 WHERE award_id = $2", index, award_id)
            return index
    raise RuntimeError("the status list is full")


# Awards stay (their credentials are public and name only a salted hash); everything else
# that describes the person goes. The learner row stays, emptied, because awards point at it.
FORGET = (
    "DELETE FROM recent_posts WHERE (platform, author_id) IN (SELECT platform,"
    " platform_user_id FROM accounts WHERE learner_id = $1)",
    "DELETE FROM counted_reactions WHERE learner_id = $1",
    "DELETE FROM reminders WHERE learner_id = $1",
    "DELETE FROM counter_resets WHERE learner_id = $1",
    "DELETE FROM email_claims WHERE learner_id = $1",
    "DELETE FROM evidence_files WHERE learner_id = $1",
    "DELETE FROM step_progress WHERE learner_id = $1",
    "DELETE FROM enrolments WHERE learner_id = $1",
    "DELETE FROM milestones WHERE learner_id = $1",
    "DELETE FROM xp_ledger WHERE learner_id = $1",
    "DELETE FROM xp_totals WHERE learner_id = $1",
    "DELETE FROM season_standings WHERE learner_id = $1",
    "DELETE FROM link_codes WHERE learner_id = $1",
    "DELETE FROM quiz_answers WHERE learner_id = $1",
    "DELETE FROM dashboard_links WHERE learner_id = $1",
    "DELETE FROM email_confirmations WHERE learner_id = $1",
    "DELETE FROM claim_codes WHERE learner_id = $1",
    *FORGET_WALLET,
    "DELETE FROM outbox WHERE learner_id = $1 AND delivered_at IS NULL",
    "DELETE FROM outbox WHERE learner_id = $1 AND platform = 'email'",  # sent ones name them
    "DELETE FROM accounts WHERE learner_id = $1",
    "UPDATE learners SET display_name = NULL, email = NULL, quiz = NULL,"
    " failed_checkins = '[]', failed_links = '[]', show_name = 0, role = 0, language = NULL,"
    " on_leaderboard = 0, home_community = NULL, xp_today = '{}',"
    " streak_current = 0, streak_best = 0, streak_last = NULL, streak_warn_at = NULL,"
    " reminders_off = 0, message_memory = NULL WHERE learner_id = $1",
)

# The learner who asked for the code keeps their id; the other's rows move across. Each
# statement names the values it takes: PostgreSQL wants exactly the parameters it uses.
_MERGE: tuple[tuple[str | PerDialect, tuple[str, ...]], ...] = (
    ("UPDATE accounts SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("INSERT INTO enrolments (learner_id, quest_id, quest_version, joined_at)"
     " SELECT $2, quest_id, quest_version, joined_at FROM enrolments"
     " WHERE learner_id = $1 ON CONFLICT DO NOTHING", ("source", "into")),
    (PerDialect.spell(lambda d: (
        "INSERT INTO step_progress (learner_id, quest_id, step_id, count, completed_at,"
        " evidence, last_attempt_at) SELECT $2, quest_id, step_id, count, completed_at,"
        " evidence, last_attempt_at FROM step_progress WHERE learner_id = $1"
        " ON CONFLICT (learner_id, quest_id, step_id) DO UPDATE SET"
        f" count = {d.greatest}(step_progress.count, excluded.count),"
        " evidence = CASE WHEN step_progress.completed_at IS NULL THEN excluded.evidence"
        " ELSE step_progress.evidence END,"
        " completed_at = coalesce(step_progress.completed_at, excluded.completed_at)")),
     ("source", "into")),
    ("INSERT INTO milestones (learner_id, quest_id, milestone_id, xp, reached_at)"
     " SELECT $2, quest_id, milestone_id, xp, reached_at FROM milestones"
     " WHERE learner_id = $1 ON CONFLICT DO NOTHING", ("source", "into")),
    ("UPDATE awards SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("UPDATE xp_ledger SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("INSERT INTO xp_totals (learner_id, community_id, period, xp) SELECT $2, community_id,"
     " period, xp FROM xp_totals WHERE learner_id = $1"
     " ON CONFLICT (learner_id, community_id, period) DO UPDATE SET"
     " xp = xp_totals.xp + excluded.xp", ("source", "into")),
    ("DELETE FROM xp_totals WHERE learner_id = $1", ("source",)),
    ("DELETE FROM season_standings WHERE learner_id = $1", ("source",)),
    ("UPDATE outbox SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("UPDATE evidence_files SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("UPDATE quiz_answers SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("DELETE FROM dashboard_links WHERE learner_id = $1", ("source",)),
    ("UPDATE claim_codes SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    ("UPDATE email_confirmations SET learner_id = $2 WHERE learner_id = $1",
     ("source", "into")),
    ("INSERT INTO email_claims (email, learner_id) SELECT email, $2 FROM email_claims"
     " WHERE learner_id = $1 ON CONFLICT DO NOTHING", ("source", "into")),
    ("INSERT INTO counted_reactions (learner_id, post, quest_id, step_id, counted_at)"
     " SELECT $2, post, quest_id, step_id, counted_at FROM counted_reactions"
     " WHERE learner_id = $1 ON CONFLICT DO NOTHING", ("source", "into")),
    ("INSERT INTO tutor_grants (granter_id, learner_id) SELECT $2, learner_id FROM tutor_grants"
     " WHERE granter_id = $1 AND learner_id <> $2 ON CONFLICT DO NOTHING", ("source", "into")),
    ("INSERT INTO tutor_grants (granter_id, learner_id) SELECT granter_id, $2 FROM tutor_grants"
     " WHERE learner_id = $1 AND granter_id <> $2 ON CONFLICT DO NOTHING", ("source", "into")),
    (PerDialect.spell(lambda d: (
        f"UPDATE learners SET role = {d.greatest}(role, (SELECT role FROM learners WHERE"
        " learner_id = $1)), email = coalesce(email, (SELECT email FROM learners WHERE"
        " learner_id = $1)) WHERE learner_id = $2")), ("source", "into")),
    ("INSERT INTO reminders (learner_id, quest_id, due_at, sent_at)"
     " SELECT $2, quest_id, due_at, sent_at FROM reminders WHERE learner_id = $1"
     " ON CONFLICT DO NOTHING", ("source", "into")),
    ("UPDATE counter_resets SET learner_id = $2 WHERE learner_id = $1", ("source", "into")),
    (PerDialect.spell(lambda d: (
        f"UPDATE learners SET streak_best = {d.greatest}(streak_best, (SELECT streak_best"
        " FROM learners WHERE learner_id = $1)) WHERE learner_id = $2")), ("source", "into")),
    *MERGE_WALLET,
    ("DELETE FROM reminders WHERE learner_id = $1", ("source",)),
    ("DELETE FROM step_progress WHERE learner_id = $1", ("source",)),
    ("DELETE FROM enrolments WHERE learner_id = $1", ("source",)),
    ("DELETE FROM milestones WHERE learner_id = $1", ("source",)),
    ("DELETE FROM email_claims WHERE learner_id = $1", ("source",)),
    ("DELETE FROM counted_reactions WHERE learner_id = $1", ("source",)),
    ("DELETE FROM tutor_grants WHERE granter_id = $1 OR learner_id = $1", ("source",)),
    ("DELETE FROM link_codes WHERE learner_id = $1 OR code_hash = $2", ("source", "code")),
    ("DELETE FROM learners WHERE learner_id = $1", ("source",)),
)


def merge_learner(source: str, into: str, code: str) -> Program[None]:
    values = {"source": source, "into": into, "code": code}
    for text, names in _MERGE:
        yield Statement(text, tuple(values[n] for n in names))
