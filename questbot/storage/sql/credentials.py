"""Issued badges in SQL: recipients' identities, badge classes, signed documents, the status
list indexes, and the awards and evidence files the badge server shows."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from questbot.domain.progress import AwardRecord
from questbot.ports import (
    AwardView,
    CredentialRecord,
    CredentialState,
    EvidenceFile,
    RecipientRecord,
)
from questbot.storage.serial import now, parse_ts
from questbot.storage.sql.changes import allocate_status_index
from questbot.storage.sql.program import Program, sql
from questbot.storage.sql.rows import AWARD_COLUMNS_OF_A, award_from_row

RECIPIENT_OF_AWARD = (
    "SELECT l.email, l.recipient_token, l.display_name, l.show_name, a.status_index"
    " FROM awards a JOIN learners l ON l.learner_id = a.learner_id WHERE a.award_id = $1")
RECIPIENT = ("SELECT email, recipient_token, display_name, show_name FROM learners"
             " WHERE learner_id = $1")
GIVE_TOKEN = "UPDATE learners SET recipient_token = $1 WHERE learner_id = $2"
SAVE_BADGE_CLASS = ("INSERT INTO badge_classes (class_id, info, updated_at) VALUES ($1, $2, $3)"
                    " ON CONFLICT (class_id) DO UPDATE SET info = excluded.info,"
                    " updated_at = excluded.updated_at")
BADGE_CLASS = "SELECT info FROM badge_classes WHERE class_id = $1"
SAVE_CREDENTIAL = ("INSERT INTO credentials (award_id, class_id, assertion, credential,"
                   " issued_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (award_id) DO NOTHING")
CREDENTIAL = (
    f"SELECT {AWARD_COLUMNS_OF_A}, c.class_id, c.assertion, c.credential, l.display_name,"
    " l.show_name FROM credentials c JOIN awards a ON a.award_id = c.award_id"
    " JOIN learners l ON l.learner_id = a.learner_id WHERE c.award_id = $1")
STATES_OF = (
    "SELECT c.award_id, a.revoked_at, a.revocation_reason, l.display_name, l.show_name,"
    " b.updated_at FROM credentials c JOIN awards a ON a.award_id = c.award_id"
    " JOIN learners l ON l.learner_id = a.learner_id"
    " LEFT JOIN badge_classes b ON b.class_id = c.class_id WHERE c.award_id IN ")
MAX_STATES = 64  # ids per statement: a handful of statement texts, each planned once
REVOKED_INDEXES = ("SELECT status_index FROM awards WHERE revoked_at IS NOT NULL"
                   " AND status_index IS NOT NULL ORDER BY 1")
WITHOUT_CREDENTIALS = (f"SELECT {AWARD_COLUMNS_OF_A} FROM awards a LEFT JOIN credentials c"
                       " ON c.award_id = a.award_id WHERE c.award_id IS NULL LIMIT $1")
AWARD_VIEW = (f"SELECT {AWARD_COLUMNS_OF_A}, l.display_name FROM awards a"
              " JOIN learners l ON l.learner_id = a.learner_id WHERE a.award_id = $1")
EVIDENCE_FILE = ("SELECT ref, learner_id, file_name, media_type, data FROM evidence_files"
                 " WHERE ref = $1")


def ready_recipient(award_id: str, learner_id: str
                    ) -> Program[tuple[RecipientRecord, int] | None]:
    """The usual case, a read: the recipient and status index, if both were given before."""
    row = (yield sql(RECIPIENT_OF_AWARD, award_id)).first()
    if row is None or row[1] is None or row[4] is None:
        return None
    email, token, name, show, index = row
    return RecipientRecord(learner_id, email, token, name, bool(show)), int(index)


def prepare_recipient(award_id: str, learner_id: str) -> Program[tuple[RecipientRecord, int]]:
    """The write for learners from before tokens, and awards from before status indexes."""
    row = (yield sql(RECIPIENT, learner_id)).first()
    if row is None:
        raise LookupError(f"award {award_id} names no learner")
    email, token, name, show = row
    if token is None:
        token = secrets.token_urlsafe(24)
        yield sql(GIVE_TOKEN, token, learner_id)
    index = yield from allocate_status_index(award_id)
    return RecipientRecord(learner_id, email, token, name, bool(show)), index


def save_badge_class(class_id: str, info: str) -> Program[None]:
    yield sql(SAVE_BADGE_CLASS, class_id, info, now())


def badge_class(class_id: str) -> Program[str | None]:
    value = (yield sql(BADGE_CLASS, class_id)).value()
    return None if value is None else str(value)


def save_credential(award_id: str, class_id: str, assertion: str, credential: str
                    ) -> Program[None]:
    yield sql(SAVE_CREDENTIAL, award_id, class_id, assertion, credential, now())


def credential(award_id: str) -> Program[CredentialRecord | None]:
    row = (yield sql(CREDENTIAL, award_id)).first()
    if row is None:
        return None
    class_id, assertion, signed, name, show = row[11:]
    return CredentialRecord(award_from_row(row[:11]), str(class_id), str(assertion),
                            str(signed), name if isinstance(name, str) else None, bool(show))


def credential_states(award_ids: Sequence[str]) -> Program[dict[str, CredentialState]]:
    """Each known award's state, by primary key; the id list is padded to a power of two
    (repeating its last id) so only a few statement texts exist."""
    states: dict[str, CredentialState] = {}
    unique = list(dict.fromkeys(award_ids))
    for start in range(0, len(unique), MAX_STATES):
        chunk = unique[start:start + MAX_STATES]
        size = 1 << (len(chunk) - 1).bit_length()
        padded = chunk + [chunk[-1]] * (size - len(chunk))
        marks = ", ".join(f"${n}" for n in range(1, size + 1))
        for award_id, revoked_at, reason, name, show, updated in (
                yield sql(f"{STATES_OF}({marks})", *padded)).rows:
            states[str(award_id)] = CredentialState(
                parse_ts(revoked_at), reason, name if show and isinstance(name, str) else None,
                None if updated is None else str(updated))
    return states


def revoked_status_indexes() -> Program[list[int]]:
    return [int(r[0]) for r in (yield sql(REVOKED_INDEXES)).rows]


def awards_without_credentials(limit: int) -> Program[list[AwardRecord]]:
    return [award_from_row(r) for r in (yield sql(WITHOUT_CREDENTIALS, limit)).rows]


def award_view(award_id: str) -> Program[AwardView | None]:
    row = (yield sql(AWARD_VIEW, award_id)).first()
    return None if row is None else AwardView(award_from_row(row[:-1]), row[-1])


def evidence_file(ref: str) -> Program[EvidenceFile | None]:
    row = (yield sql(EVIDENCE_FILE, ref)).first()
    return None if row is None else EvidenceFile(row[0], row[1], row[2], row[3], bytes(row[4]))
