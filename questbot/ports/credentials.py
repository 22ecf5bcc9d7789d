"""Awards as badges: the records the badge service signs and serves, and the issuer the
engine asks for a badge once an award is durable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from questbot.domain.progress import AwardRecord


@dataclass(frozen=True, slots=True)
class AwardView:
    """An award as a badge page shows it."""

    award: AwardRecord
    display_name: str | None


class AwardReader(Protocol):
    async def get_award(self, award_id: str) -> AwardView | None:
        ...


@dataclass(frozen=True)
class RecipientRecord:
    learner_id: str
    email: str | None
    token: str  # an opaque, random identifier for learners without an email
    display_name: str | None
    show_name: bool


@dataclass(frozen=True)
class CredentialRecord:
    """An issued badge: its award and the exact documents that were signed and served."""

    award: AwardRecord
    class_id: str
    assertion: str
    credential: str
    display_name: str | None
    show_name: bool


@dataclass(frozen=True, slots=True)
class CredentialState:
    """What may change about an issued badge after it is signed: its revocation, whether
    its holder's name is shown, and the badge class's version (its last update)."""

    revoked_at: datetime | None
    revocation_reason: str | None
    shown_name: str | None  # the holder's name when they let it be shown
    class_updated: str | None


class CredentialStore(Protocol):
    async def prepare_credential(self, award_id: str, learner_id: str
                                 ) -> tuple[RecipientRecord, int]:
        """The recipient's identity and the award's status list index (allocated once)."""
        ...

    async def save_badge_class(self, class_id: str, info: str) -> None:
        ...

    async def badge_class(self, class_id: str) -> str | None:
        ...

    async def save_credential(self, award_id: str, class_id: str, assertion: str,
                              credential: str) -> None:
        ...

    async def credential(self, award_id: str) -> CredentialRecord | None:
        ...

    async def credential_states(self, award_ids: Sequence[str]
                                ) -> dict[str, CredentialState]:
        """The current state of each issued badge among ``award_ids`` (unknown ones are
        left out), read in one statement: the badge server asks for many at once."""
        ...

    def data_version(self) -> int | None:
        """A number that changes whenever anything (this process, another, the command line)
        has committed a change to the database since it was last asked, read at once
        without waiting on the database; None when the store cannot tell so cheaply."""
        ...

    async def revoked_status_indexes(self) -> list[int]:
        ...

    async def awards_without_credentials(self, limit: int = 100) -> list[AwardRecord]:
        ...


@dataclass(frozen=True, slots=True)
class IssuedBadge:
    url: str
    image_path: str | None = None


class BadgeIssuer(Protocol):
    async def issue(self, award: AwardRecord) -> IssuedBadge:
        """Build the badge for a recorded award (called after the award is durable)."""
        ...


class BadgeFiles(Protocol):
    async def __call__(self, award_id: str) -> str | None:
        """The path of an award's baked PNG (built if need be), or None if it is unknown."""
        ...
