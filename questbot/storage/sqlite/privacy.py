"""/forget confirm in SQL: the learner's own rows go, and their name and email address are
scrubbed from what is kept about other events: the replies recorded for redelivery (seven
days) and messages in the outbox. Both stores share the statements and the scrubbing; the
SQLite store runs with ``secure_delete`` on, so freed bytes are zeroed, and checkpoints the
log after a forget, so no old copy of a page lingers in the ``-wal`` file."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SCRUBBED = "…"
MIN_NAME = 2  # a one-letter name identifies no one, and would wreck every sentence
TEXT_KEYS = frozenset({"text", "label"})  # where people's words are; never ids or kinds

PERSONAL = "SELECT display_name, email FROM learners WHERE learner_id = $1"
CLAIMED = "SELECT email FROM email_claims WHERE learner_id = $1"
# after the learner's own rows went (unit.FORGET): messages they were sent, delivered or not,
# still name their account
FORGET_DELIVERED = "DELETE FROM outbox WHERE learner_id = $1"

# (table, key columns, JSON column): rows that may quote someone, kept for other people
RECORDED = (
    ("processed_events", ("platform", "event_id"), "replies"),
    ("outbox", ("delivery_id",), "message"),
)


@dataclass(frozen=True)
class Personal:
    """What identifies one learner in text: their display name and email address."""

    names: tuple[str, ...]
    emails: tuple[str, ...]

    @classmethod
    def of(cls, display_name: str | None, email: str | None) -> Personal:
        name = (display_name or "").strip()
        address = (email or "").strip()
        return cls((name,) if len(name) >= MIN_NAME else (), (address,) if address else ())

    def with_emails(self, emails: Iterable[str]) -> Personal:
        more = [e.strip() for e in emails if e.strip()]
        return Personal(self.names, tuple(dict.fromkeys((*self.emails, *more))))

    def __bool__(self) -> bool:
        return bool(self.names or self.emails)

    def needles(self) -> list[str]:
        """Lower-case forms as they appear inside JSON text, to find candidate rows."""
        return [json.dumps(value)[1:-1].lower() for value in (*self.names, *self.emails)]

    def _pattern(self) -> re.Pattern[str]:
        # Names as whole words, exactly as the platform gave them; addresses in any case.
        parts = [f"(?<!\\w){re.escape(n)}(?!\\w)" for n in self.names]
        parts += [f"(?i:{re.escape(e)})" for e in self.emails]
        return re.compile("|".join(parts))

    def scrub(self, raw: str) -> str | None:
        """The JSON text with every mention replaced, or None if there was none."""
        if not self:
            return None
        pattern = self._pattern()
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        cleaned = _scrub_value(value, pattern)
        if cleaned == value:
            return None
        return json.dumps(cleaned, separators=(",", ":"))


def _scrub_value(value: Any, pattern: re.Pattern[str], key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _scrub_value(v, pattern, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_value(v, pattern, key) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return pattern.sub(SCRUBBED, value)
    return value


def candidates_sql(table: str, keys: Iterable[str], column: str, needles: int,
                   placeholder: str = "?") -> str:
    """Rows whose JSON mentions any needle (a scan; /forget is rare)."""
    found = "strpos" if placeholder == "$" else "instr"
    marks = [f"${n}" if placeholder == "$" else "?" for n in range(1, needles + 1)]
    where = " OR ".join(f"{found}(lower({column}), {mark}) > 0" for mark in marks)
    return f"SELECT {', '.join(keys)}, {column} FROM {table} WHERE {where}"


def personal_data(conn: sqlite3.Connection, learner_id: str) -> Personal:
    """Read before the learner row is emptied: what to scrub from other rows."""
    row = conn.execute(PERSONAL.replace("$1", "?"), (learner_id,)).fetchone()
    personal = Personal.of(*row) if row else Personal((), ())
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND"
                    " name = 'email_claims'").fetchone():  # every address they ever gave
        claimed = conn.execute(CLAIMED.replace("$1", "?"), (learner_id,)).fetchall()
        personal = personal.with_emails(str(email) for (email,) in claimed)
    return personal


def scrub_after_forget(conn: sqlite3.Connection, learner_id: str, personal: Personal) -> int:
    """Run after the learner's own rows are gone; returns how many other rows changed."""
    conn.execute(FORGET_DELIVERED.replace("$1", "?"), (learner_id,))
    return scrub_recorded(conn, personal) if personal else 0


def scrub_recorded(conn: sqlite3.Connection, personal: Personal) -> int:
    needles = personal.needles()
    changed = 0
    for table, keys, column in RECORDED:
        sql = candidates_sql(table, keys, column, len(needles))
        for *key, raw in conn.execute(sql, needles).fetchall():
            cleaned = personal.scrub(str(raw))
            if cleaned is None:
                continue
            where = " AND ".join(f"{k} = ?" for k in keys)
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (cleaned, *key))
            changed += 1
    return changed


def checkpoint(path: Path) -> bool:
    """Copy the log into the database file and truncate it, so the old versions of pages
    (which hold what was just deleted) leave the ``-wal`` file; True if it completed."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as exc:
        log.warning("checkpoint after /forget failed: %s", exc)
        return False
    finally:
        conn.close()
    if busy:
        log.warning("checkpoint after /forget was blocked by a reader; the next one removes"
                    " the old pages")
    return not busy
