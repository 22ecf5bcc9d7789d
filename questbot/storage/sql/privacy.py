"""/forget confirm in SQL: the learner's own rows go, and their name and email address are
scrubbed from what is kept about other events: the replies recorded for redelivery (seven
days) and messages in the outbox. The SQLite store runs with ``secure_delete`` on, so freed
bytes are zeroed, and checkpoints the log after a forget, so no old copy of a page lingers in
the ``-wal`` file. PostgreSQL keeps deleted row versions in its files until VACUUM reuses the
space (VACUUM FULL rewrites the table); see the README's Privacy section."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from questbot.storage.sql.dialect import PerDialect
from questbot.storage.sql.program import Program, counted, sql

SCRUBBED = "…"
MIN_NAME = 2  # a one-letter name identifies no one, and would wreck every sentence
# where people's words are (and an announcement's name); never ids or kinds
TEXT_KEYS = frozenset({"text", "label", "name"})

PERSONAL = "SELECT display_name, email FROM learners WHERE learner_id = $1"
CLAIMED = "SELECT email FROM email_claims WHERE learner_id = $1"
# after the learner's own rows went (changes.FORGET): messages they were sent, delivered or not,
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
        cleaned = {k: _scrub_value(v, pattern, k) for k, v in value.items()}
        if value.get("kind") == "Announcement" and cleaned.get("name") != value.get("name"):
            cleaned["account"] = ""  # a public post about them mentions them no more
        return cleaned
    if isinstance(value, list):
        return [_scrub_value(v, pattern, key) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return pattern.sub(SCRUBBED, value)
    return value


EMAIL_CLAIMS_EXIST = PerDialect(
    sqlite="SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'email_claims'",
    postgres="SELECT 1 WHERE to_regclass('email_claims') IS NOT NULL")


def candidates_sql(table: str, keys: Iterable[str], column: str, needles: int) -> PerDialect:
    """Rows whose JSON mentions any needle (a scan; /forget is rare)."""
    return PerDialect.spell(lambda d: (
        f"SELECT {', '.join(keys)}, {column} FROM {table} WHERE "
        + " OR ".join(f"{d.find}(lower({column}), ${n}) > 0" for n in range(1, needles + 1))))


def personal_data(learner_id: str) -> Program[Personal]:
    """Read before the learner row is emptied: what to scrub from other rows."""
    row = (yield sql(PERSONAL, learner_id)).first()
    personal = Personal.of(row[0], row[1]) if row else Personal((), ())
    if (yield sql(EMAIL_CLAIMS_EXIST)).rows:  # every address they ever gave
        claimed = yield sql(CLAIMED, learner_id)
        personal = personal.with_emails(str(r[0]) for r in claimed.rows)
    return personal


def scrub_after_forget(learner_id: str, personal: Personal) -> Program[int]:
    """Run after the learner's own rows are gone; returns how many other rows changed."""
    yield counted(FORGET_DELIVERED, learner_id)
    if not personal:
        return 0
    needles = personal.needles()
    changed = 0
    for table, keys, column in RECORDED:
        found = yield sql(candidates_sql(table, keys, column, len(needles)), *needles)
        for *key, raw in found.rows:
            cleaned = personal.scrub(str(raw))
            if cleaned is None:
                continue
            where = " AND ".join(f"{k} = ${n}" for n, k in enumerate(keys, start=2))
            yield counted(f"UPDATE {table} SET {column} = $1 WHERE {where}", cleaned, *key)
            changed += 1
    return changed
