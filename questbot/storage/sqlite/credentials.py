"""Issued badges in SQLite: recipients' identities, badge classes, signed documents and the
status list indexes. Writes go through the store's single writer."""

from __future__ import annotations

import secrets
import sqlite3

from questbot.ports import CredentialRecord, RecipientRecord
from questbot.storage.sqlite.unit import AWARD_COLUMNS_OF_A, award_from_row


def recipient(conn: sqlite3.Connection, learner_id: str) -> RecipientRecord | None:
    row = conn.execute("SELECT email, recipient_token, display_name, show_name FROM learners"
                       " WHERE learner_id = ?", (learner_id,)).fetchone()
    if row is None:
        return None
    email, token, name, show = row
    if token is None:
        token = secrets.token_urlsafe(24)
        conn.execute("UPDATE learners SET recipient_token = ? WHERE learner_id = ?",
                     (token, learner_id))
    return RecipientRecord(learner_id, email, token, name, bool(show))


def save_badge_class(conn: sqlite3.Connection, class_id: str, info: str, at: str) -> None:
    conn.execute("INSERT INTO badge_classes (class_id, info, updated_at) VALUES (?, ?, ?)"
                 " ON CONFLICT (class_id) DO UPDATE SET info = excluded.info,"
                 " updated_at = excluded.updated_at", (class_id, info, at))


def save_credential(conn: sqlite3.Connection, award_id: str, class_id: str, assertion: str,
                    credential: str, at: str) -> None:
    conn.execute("INSERT INTO credentials (award_id, class_id, assertion, credential,"
                 " issued_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (award_id) DO NOTHING",
                 (award_id, class_id, assertion, credential, at))


CREDENTIAL_QUERY = f"""
SELECT {AWARD_COLUMNS_OF_A}, c.class_id, c.assertion, c.credential, l.display_name, l.show_name
FROM credentials c JOIN awards a ON a.award_id = c.award_id
JOIN learners l ON l.learner_id = a.learner_id
WHERE c.award_id = ?
"""


def credential_from_row(row: tuple[object, ...]) -> CredentialRecord:
    award = award_from_row(row[:11])
    class_id, assertion, credential, name, show = row[11:]
    return CredentialRecord(award, str(class_id), str(assertion), str(credential),
                            name if isinstance(name, str) else None, bool(show))
