"""Evidence a learner hands in: its forms, where a submission stands, and the files allowed.

A submission lives in its step's evidence (``StepState.evidence``), under the keys below, so
it needs no table of its own; a file's bytes are kept by the store under an unguessable ref.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

EvidenceForm = Literal["link", "text", "file"]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TEXT = 1000
MAX_FILE_NAME = 100

# What a file's first bytes must be: the type a platform or a name claims is not trusted.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)
MEDIA_TYPES = tuple(media for _, media in _SIGNATURES)

# Keys in the step's evidence while a submission is open.
STATUS, SUBMISSION, FORM, VALUE, FILE_NAME, MEDIA, PUBLIC, FEEDBACK, BY = (
    "status", "submission", "form", "value", "file name", "media type", "public", "feedback",
    "by")


class SubmissionStatus(enum.StrEnum):
    NONE = ""
    PENDING = "pending"
    REJECTED = "rejected"
    ACCEPTED = "accepted"


def status_of(evidence: Mapping[str, str]) -> SubmissionStatus:
    try:
        return SubmissionStatus(evidence.get(STATUS, ""))
    except ValueError:
        return SubmissionStatus.NONE


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a learner sent with a command, as the platform delivered it."""

    name: str
    data: bytes
    size: int | None = None  # as the platform declared it, for a file too large to fetch

    @property
    def too_large(self) -> bool:
        return max(self.size or 0, len(self.data)) > MAX_FILE_BYTES

    @property
    def media_type(self) -> str | None:
        """The type its bytes show, or None when it is not a file questbot keeps."""
        return sniff(self.data)


def sniff(data: bytes) -> str | None:
    return next((media for magic, media in _SIGNATURES if data.startswith(magic)), None)


def safe_file_name(name: str) -> str:
    """The last part of a name, printable, short: it is shown to tutors and in headers."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in "\"';<>")
    return cleaned.strip()[:MAX_FILE_NAME] or "evidence"
