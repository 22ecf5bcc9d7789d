"""The numbered schema migrations of both stores, one list. A database records the versions
it has applied in ``schema_version``; version n is ``MIGRATIONS[n - 1]``, in SQLite and in
PostgreSQL alike. A migration is written once; where the dialects differ, that one part holds
each dialect's text. The SQL is otherwise portable: no AUTOINCREMENT, timestamps as ISO 8601
UTC text, JSON as text, partial indexes.

Applied migrations are history: change one and existing databases no longer match new ones;
add a new migration instead."""

from __future__ import annotations

from dataclasses import dataclass

from questbot.domain.errors import StoreError
from questbot.storage.sql.dialect import Dialect, PerDialect, Text


@dataclass(frozen=True, slots=True)
class Migration:
    why: str
    parts: tuple[Text, ...]  # scripts of ``;``-separated statements

    def statements(self, dialect: Dialect) -> list[str]:
        scripts = (dialect.pick(part) for part in self.parts)
        return [s.strip() for script in scripts for s in script.split(";") if s.strip()]


def _spelled(script: str, **words: tuple[str, str]) -> PerDialect:
    """``script`` with each ``{word}`` as SQLite, then PostgreSQL, spells it."""
    return PerDialect(script.format(**{k: v[0] for k, v in words.items()}),
                      script.format(**{k: v[1] for k, v in words.items()}))


MIGRATIONS: tuple[Migration, ...] = (
    Migration("the first schema", ("""
    CREATE TABLE learners (
        learner_id TEXT PRIMARY KEY,
        display_name TEXT,
        email TEXT,
        role INTEGER NOT NULL DEFAULT 0,
        quiz TEXT,
        failed_checkins TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL
    );
    CREATE TABLE accounts (
        platform TEXT NOT NULL,
        platform_user_id TEXT NOT NULL,
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        PRIMARY KEY (platform, platform_user_id)
    );
    CREATE INDEX accounts_by_learner ON accounts (learner_id);
    CREATE TABLE enrolments (
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        quest_id TEXT NOT NULL,
        quest_version TEXT NOT NULL,
        joined_at TEXT NOT NULL,
        PRIMARY KEY (learner_id, quest_id)
    );
    CREATE TABLE step_progress (
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        quest_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        completed_at TEXT,
        evidence TEXT NOT NULL DEFAULT '{}',
        last_attempt_at TEXT,
        PRIMARY KEY (learner_id, quest_id, step_id)
    );
    CREATE TABLE milestones (
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        quest_id TEXT NOT NULL,
        milestone_id TEXT NOT NULL,
        xp INTEGER NOT NULL,
        reached_at TEXT NOT NULL,
        PRIMARY KEY (learner_id, quest_id, milestone_id)
    );
    CREATE TABLE awards (
        award_id TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        quest_id TEXT NOT NULL,
        quest_version TEXT NOT NULL,
        badge_key TEXT NOT NULL,
        badge_name TEXT NOT NULL,
        awarded_at TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '{}',
        awarded_by TEXT,
        revoked_at TEXT,
        revocation_reason TEXT,
        revoked_by TEXT
    );
    CREATE INDEX awards_by_learner ON awards (learner_id);
    CREATE UNIQUE INDEX one_live_award ON awards (learner_id, quest_id, badge_key)
        WHERE revoked_at IS NULL;
    CREATE TABLE attendance_sessions (
        quest_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        secret TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        issued_by TEXT NOT NULL,
        PRIMARY KEY (quest_id, step_id)
    );
    CREATE TABLE processed_events (
        platform TEXT NOT NULL,
        event_id TEXT NOT NULL,
        replies TEXT NOT NULL,
        processed_at TEXT NOT NULL,
        PRIMARY KEY (platform, event_id)
    );
    """, _spelled("""
    CREATE TABLE outbox (
        delivery_id {row_number},
        platform TEXT NOT NULL,
        platform_user_id TEXT NOT NULL,
        learner_id TEXT NOT NULL,
        message TEXT NOT NULL,
        created_at TEXT NOT NULL,
        delivered_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0
    )
    """, row_number=("INTEGER PRIMARY KEY",  # SQLite's rowid: numbered on insert
                     "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")), """
    CREATE INDEX outbox_pending ON outbox (platform, delivery_id) WHERE delivered_at IS NULL;
    """)),
    Migration("issued badges: recipient identities, badge classes, signed documents, status"
              " list", ("""
    ALTER TABLE learners ADD COLUMN recipient_token TEXT;
    ALTER TABLE learners ADD COLUMN show_name INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE awards ADD COLUMN status_index INTEGER;
    CREATE UNIQUE INDEX awards_by_status_index ON awards (status_index);
    CREATE TABLE badge_classes (
        class_id TEXT PRIMARY KEY,
        info TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE credentials (
        award_id TEXT PRIMARY KEY REFERENCES awards (award_id),
        class_id TEXT NOT NULL REFERENCES badge_classes (class_id),
        assertion TEXT NOT NULL,
        credential TEXT NOT NULL,
        issued_at TEXT NOT NULL
    );
    """,)),
    # PostgreSQL databases made before the stores shared this list never had one_live_award
    Migration("a badge may be repeatable; the engine applies each badge's policy", ("""
    DROP INDEX IF EXISTS one_live_award;
    CREATE INDEX awards_by_badge ON awards (learner_id, quest_id, badge_key);
    """,)),
    Migration("one-time codes that link a learner's accounts on several platforms", ("""
    CREATE TABLE link_codes (
        code_hash TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        expires_at TEXT NOT NULL
    );
    """,)),
    Migration("the outbox keeps its retry state: pending, delivered, failed (given up) or"
              " uncertain (answered too late, never resent); a next attempt time ('' = never"
              " tried: due at once, ahead of retries), the last error. Pumps fetch only due"
              " rows, by one index.", ("""
    ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
    ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN last_attempt_at TEXT;
    ALTER TABLE outbox ADD COLUMN last_error TEXT;
    UPDATE outbox SET status = 'delivered' WHERE delivered_at IS NOT NULL;
    DROP INDEX outbox_pending;
    CREATE INDEX outbox_due ON outbox (platform, next_attempt_at, delivery_id)
        WHERE status = 'pending';
    CREATE INDEX outbox_queue ON outbox (platform, platform_user_id, delivery_id)
        WHERE status = 'pending';
    CREATE INDEX outbox_problems ON outbox (last_attempt_at)
        WHERE status IN ('failed', 'uncertain');
    """,)),
    Migration("no way in. Email addresses in one form (trimmed, lower case); every address a"
              " learner registered (a tutor cannot award it); who granted whom (they cannot be"
              " linked); wrong tries counted per check-in session and per link code (codes of"
              " the old, shorter form go: learners ask again); who wrote recent posts, and"
              " which posts a reaction step counted.", ("""
    ALTER TABLE learners ADD COLUMN failed_links TEXT NOT NULL DEFAULT '[]';
    UPDATE learners SET email = lower(trim(email)) WHERE email IS NOT NULL;
    UPDATE accounts SET platform_user_id = lower(trim(platform_user_id))
        WHERE platform = 'email' AND NOT EXISTS (
            SELECT 1 FROM accounts b WHERE b.platform = 'email'
            AND b.platform_user_id <> accounts.platform_user_id
            AND lower(trim(b.platform_user_id)) = lower(trim(accounts.platform_user_id)));
    ALTER TABLE attendance_sessions ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
    DELETE FROM link_codes;
    ALTER TABLE link_codes ADD COLUMN locator TEXT NOT NULL DEFAULT '';
    ALTER TABLE link_codes ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX link_codes_by_locator ON link_codes (locator);
    CREATE INDEX link_codes_by_learner ON link_codes (learner_id);
    CREATE INDEX link_codes_by_expiry ON link_codes (expires_at);
    CREATE TABLE email_claims (
        email TEXT NOT NULL,
        learner_id TEXT NOT NULL,
        PRIMARY KEY (learner_id, email)
    );
    INSERT INTO email_claims (email, learner_id)
        SELECT email, learner_id FROM learners WHERE email IS NOT NULL;
    CREATE TABLE tutor_grants (
        granter_id TEXT NOT NULL,
        learner_id TEXT NOT NULL,
        PRIMARY KEY (granter_id, learner_id)
    );
    CREATE INDEX tutor_grants_by_learner ON tutor_grants (learner_id);
    CREATE TABLE recent_posts (
        post TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        author_id TEXT NOT NULL,
        posted_at TEXT NOT NULL
    );
    CREATE INDEX recent_posts_by_time ON recent_posts (posted_at);
    CREATE TABLE counted_reactions (
        learner_id TEXT NOT NULL,
        post TEXT NOT NULL,
        quest_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        counted_at TEXT NOT NULL,
        PRIMARY KEY (learner_id, post, quest_id, step_id)
    );
    """,)),
    # the review queue's index covers exactly the expressions Dialect.json_field writes
    Migration("files handed in as evidence, and the review queue of submission steps", (
        _spelled("""
    CREATE TABLE evidence_files (
        ref TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        file_name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        data {bytes} NOT NULL,
        kept_at TEXT NOT NULL
    )
    """, bytes=("BLOB", "BYTEA")), """
    CREATE INDEX evidence_files_by_learner ON evidence_files (learner_id)
    """, PerDialect(sqlite="""
    CREATE INDEX step_progress_pending_submissions
        ON step_progress (json_extract(evidence, '$.submission'))
        WHERE json_extract(evidence, '$.status') = 'pending'
    """, postgres="""
    CREATE INDEX step_progress_pending_submissions
        ON step_progress ((evidence::jsonb ->> 'submission'))
        WHERE (evidence::jsonb ->> 'status') = 'pending'
    """))),
    Migration("pruning by time: handled events and delivered messages are found by an index,"
              " not a scan of the table", ("""
    CREATE INDEX processed_events_by_time ON processed_events (processed_at);
    CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE status = 'delivered'
    """,)),
    Migration("the language a learner chose with /language", ("""
    ALTER TABLE learners ADD COLUMN language TEXT
    """,)),
    Migration("a learner's messages and posts are found by an index when accounts are joined"
              " or a learner is forgotten, not by reading the whole outbox", ("""
    CREATE INDEX outbox_by_learner ON outbox (learner_id);
    CREATE INDEX recent_posts_by_author ON recent_posts (platform, author_id)
    """,)),
    # One queue per endpoint: its oldest pending delivery goes first, one at a time, and the
    # endpoint row holds when it is next due (leased while a pump sends to it).
    Migration("outbound webhooks: endpoints and the events they take, the events raised in"
              " the transaction of the change that caused them, each endpoint's deliveries"
              " and every attempt's status code", (_spelled("""
    CREATE TABLE webhook_endpoints (
        endpoint_id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        events TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL DEFAULT '',
        failing_since TEXT,
        failures INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX webhook_endpoints_due ON webhook_endpoints (next_attempt_at, endpoint_id)
        WHERE enabled = 1;
    CREATE TABLE webhook_subscriptions (
        event_type TEXT NOT NULL,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (endpoint_id),
        PRIMARY KEY (event_type, endpoint_id)
    );
    CREATE INDEX webhook_subscriptions_by_endpoint ON webhook_subscriptions (endpoint_id);
    CREATE TABLE webhook_events (
        event_id TEXT PRIMARY KEY,
        event_type TEXT NOT NULL,
        learner_id TEXT NOT NULL,
        quest_id TEXT NOT NULL,
        award_id TEXT,
        occurred_at TEXT NOT NULL,
        detail TEXT NOT NULL,
        body TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX webhook_events_by_time ON webhook_events (created_at);
    CREATE TABLE webhook_deliveries (
        delivery_id {row_number},
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (endpoint_id),
        event_id TEXT NOT NULL REFERENCES webhook_events (event_id),
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TEXT,
        last_status INTEGER,
        last_error TEXT,
        delivered_at TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (endpoint_id, delivery_id)
        WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);
    CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id);
    CREATE INDEX webhook_deliveries_done ON webhook_deliveries (delivered_at)
        WHERE status = 'delivered';
    CREATE TABLE webhook_attempts (
        attempt_id {row_number},
        delivery_id {reference} NOT NULL,
        endpoint_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        attempted_at TEXT NOT NULL,
        status_code INTEGER,
        error TEXT
    );
    CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, attempt_id);
    CREATE INDEX webhook_attempts_by_time ON webhook_attempts (attempted_at)
    """, row_number=("INTEGER PRIMARY KEY", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
        reference=("INTEGER", "BIGINT")),)),
    # Milestone XP recorded before the ledger counts for the built-in default community.
    Migration("the game: an XP ledger (one row per gain), each community's standings (all-time"
              " and per season, one row per learner and period, ranked by one index), closed"
              " seasons with their archived top standings, and per learner: named on"
              " leaderboards or not, the last public community, today's participation XP", (
        _spelled("""
    CREATE TABLE xp_ledger (
        entry_id {row_number},
        learner_id TEXT NOT NULL,
        community_id TEXT NOT NULL,
        amount INTEGER NOT NULL,
        held_back INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL,
        quest_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        gained_at TEXT NOT NULL
    )
    """, row_number=("INTEGER PRIMARY KEY",
                     "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")), """
    CREATE INDEX xp_ledger_by_learner ON xp_ledger (learner_id, gained_at);
    CREATE TABLE xp_totals (
        learner_id TEXT NOT NULL,
        community_id TEXT NOT NULL,
        period TEXT NOT NULL,
        xp INTEGER NOT NULL,
        PRIMARY KEY (learner_id, community_id, period)
    );
    CREATE INDEX xp_standings ON xp_totals (community_id, period, xp DESC, learner_id);
    CREATE TABLE seasons_closed (
        community_id TEXT NOT NULL,
        season TEXT NOT NULL,
        closed_at TEXT NOT NULL,
        PRIMARY KEY (community_id, season)
    );
    CREATE TABLE season_standings (
        community_id TEXT NOT NULL,
        season TEXT NOT NULL,
        learner_id TEXT NOT NULL,
        rank INTEGER NOT NULL,
        xp INTEGER NOT NULL,
        PRIMARY KEY (community_id, season, learner_id)
    );
    CREATE INDEX season_standings_by_learner ON season_standings (learner_id);
    ALTER TABLE learners ADD COLUMN on_leaderboard INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE learners ADD COLUMN home_community TEXT;
    ALTER TABLE learners ADD COLUMN xp_today TEXT NOT NULL DEFAULT '{}';
    INSERT INTO xp_ledger (learner_id, community_id, amount, source, quest_id, item_id,
                           gained_at)
        SELECT learner_id, 'default', xp, 'milestone', quest_id, milestone_id, reached_at
        FROM milestones WHERE xp > 0;
    INSERT INTO xp_totals (learner_id, community_id, period, xp)
        SELECT learner_id, 'default', 'all', sum(xp) FROM milestones
        GROUP BY learner_id HAVING sum(xp) > 0
    """)),
    Migration("streaks (current, best, the last period with a step, when the about-to-break"
              " note is due, found by an index), the learner's home community, their choice"
              " about reminders, what the message rules remember; one reminder per quest left"
              " halfway, due rows found by an index; tutors' counter resets, with the reason",
              ("""
    ALTER TABLE learners ADD COLUMN streak_current INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE learners ADD COLUMN streak_best INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE learners ADD COLUMN streak_last TEXT;
    ALTER TABLE learners ADD COLUMN streak_warn_at TEXT;
    ALTER TABLE learners ADD COLUMN reminders_off INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE learners ADD COLUMN message_memory TEXT;
    CREATE INDEX learners_streak_warnings ON learners (streak_warn_at)
        WHERE streak_warn_at IS NOT NULL;
    CREATE TABLE reminders (
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        quest_id TEXT NOT NULL,
        due_at TEXT NOT NULL,
        sent_at TEXT,
        PRIMARY KEY (learner_id, quest_id)
    );
    CREATE INDEX reminders_due ON reminders (due_at) WHERE sent_at IS NULL;
    CREATE TABLE counter_resets (
        learner_id TEXT NOT NULL,
        tutor_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        reset_at TEXT NOT NULL
    );
    CREATE INDEX counter_resets_by_learner ON counter_resets (learner_id, reset_at)
    """,)),
    Migration("the web dashboard: one-time sign-in links (their hashes), every quiz answer"
              " (right or wrong, a wrong one's words, short), and the indexes its figures"
              " read: joiners, completed steps, awards and revocations by quest and time", ("""
    CREATE TABLE dashboard_links (
        token_hash TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        platform TEXT NOT NULL,
        platform_user_id TEXT NOT NULL,
        role INTEGER NOT NULL,
        platform_role INTEGER NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
    CREATE INDEX dashboard_links_by_learner ON dashboard_links (learner_id);
    CREATE INDEX dashboard_links_by_expiry ON dashboard_links (expires_at);
    CREATE TABLE quiz_answers (
        learner_id TEXT NOT NULL REFERENCES learners (learner_id),
        quest_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        question INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        answer TEXT,
        answered_at TEXT NOT NULL
    );
    CREATE INDEX quiz_answers_by_question ON quiz_answers (quest_id, step_id, question);
    CREATE INDEX quiz_answers_by_learner ON quiz_answers (learner_id);
    CREATE INDEX enrolments_by_quest ON enrolments (quest_id, joined_at);
    CREATE INDEX step_progress_done ON step_progress (quest_id, step_id, completed_at)
        WHERE completed_at IS NOT NULL;
    CREATE INDEX awards_by_time ON awards (awarded_at);
    CREATE INDEX awards_by_revocation ON awards (revoked_at) WHERE revoked_at IS NOT NULL;
    CREATE INDEX learners_by_creation ON learners (created_at)
    """,)),
    Migration("email: codes that confirm an address a learner gives (the record of sends is"
              " the rate limit, kept a day), claim codes of badges emailed to an address"
              " (used once), and the messages once queued for email accounts, which nothing"
              " sent, listed with the failed ones", ("""
    CREATE TABLE email_confirmations (
        code_hash TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL,
        email TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX email_confirmations_by_learner ON email_confirmations (learner_id, sent_at);
    CREATE INDEX email_confirmations_by_address ON email_confirmations (email, sent_at);
    CREATE INDEX email_confirmations_by_time ON email_confirmations (sent_at);
    CREATE TABLE claim_codes (
        code_hash TEXT PRIMARY KEY,
        locator TEXT NOT NULL,
        learner_id TEXT NOT NULL,
        award_id TEXT NOT NULL,
        email TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        used_at TEXT
    );
    CREATE INDEX claim_codes_by_locator ON claim_codes (locator);
    CREATE INDEX claim_codes_by_learner ON claim_codes (learner_id);
    CREATE INDEX claim_codes_by_expiry ON claim_codes (expires_at);
    UPDATE outbox SET status = 'failed', last_attempt_at = created_at,
        last_error = 'queued for an email account before questbot sent email, never sent'
        WHERE platform = 'email' AND status = 'pending'
    """,)),
    Migration("the learner's wallet: its link, kept as the SHA-256 of its token (one per"
              " learner), and the badges its holder hid from it", ("""
    CREATE TABLE wallets (
        learner_id TEXT PRIMARY KEY REFERENCES learners (learner_id),
        token_hash TEXT NOT NULL UNIQUE,
        made_at TEXT NOT NULL
    );
    CREATE TABLE wallet_hidden (
        award_id TEXT PRIMARY KEY REFERENCES awards (award_id),
        learner_id TEXT NOT NULL REFERENCES learners (learner_id)
    );
    CREATE INDEX wallet_hidden_by_learner ON wallet_hidden (learner_id)
    """,)),
)

LATEST = len(MIGRATIONS)

SCHEMA_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
CURRENT_VERSION = "SELECT coalesce(max(version), 0) FROM schema_version"
RECORD_VERSION = "INSERT INTO schema_version (version) VALUES ($1)"


class SchemaBehind(StoreError, RuntimeError):
    """The database needs migrations and this process was told not to apply them."""


def to_apply(current: int, upto: int = LATEST, *, apply: bool = True
             ) -> list[tuple[int, Migration]]:
    """The migrations a database at version ``current`` still needs, numbered, to ``upto``."""
    if current > LATEST:
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this questbot "
            f"({LATEST}); upgrade questbot")
    if not apply and current < upto:
        raise SchemaBehind(
            f"the database is at schema version {current}, this questbot needs {upto}: run"
            " `questbot migrate` (QUESTBOT_AUTO_MIGRATE is off)")
    return list(enumerate(MIGRATIONS[current:upto], start=current + 1))
