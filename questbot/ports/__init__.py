"""What the engine needs from the outside world, as Protocols. Concrete classes live in
``questbot.storage``, ``questbot.badges`` and the adapters; only ``questbot.app`` wires them."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from questbot.domain.changes import Decision, Effect
from questbot.domain.ids import UserRef
from questbot.domain.messages import Delivery, Event, Outbound
from questbot.domain.progress import AwardRecord, Snapshot


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, always timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class LoadRequest:
    """What one event reads: its sender, maybe a learner it names, maybe check-in sessions."""

    actor: UserRef
    target: UserRef | None = None
    sessions: bool = False
    award_id: str | None = None  # load the learner who holds this award as the target
    link_code_hash: str | None = None  # load the learner who asked for this link code
    post: str | None = None  # a reaction's post: its recorded author, and where it counted


@dataclass(frozen=True, slots=True)
class Outcome:
    replies: tuple[Outbound, ...]
    effects: tuple[Effect, ...] = ()
    duplicate: bool = False  # the event was handled before; these are the first replies


Decide = Callable[[Snapshot], Decision]


class EventStore(Protocol):
    async def handle_event(
        self, platform: str, event_id: str, request: LoadRequest, decide: Decide
    ) -> Outcome:
        """In one transaction: answer a redelivered event from its record, or load the
        snapshot, decide, write the changes and record the replies. Returns once durable."""
        ...


class DeliveryStatus(enum.StrEnum):
    """Where an outbox row stands. Only ``pending`` rows are ever sent."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # the platform kept refusing it: given up, shown to admins
    UNCERTAIN = "uncertain"  # the platform answered too late: probably arrived, never resent


@dataclass(frozen=True, slots=True)
class Claimed:
    """A due delivery, leased to one pump; ``attempts`` counts its earlier refusals."""

    delivery: Delivery
    attempts: int


@dataclass(frozen=True, slots=True)
class Settle:
    """The outcome of one attempt. ``PENDING`` means try again at ``retry_at``; ``counted``
    False when the platform could not be reached (that attempt does not count); ``rest``
    replaces the message when part of it already went out."""

    delivery_id: int
    status: DeliveryStatus
    error: str | None = None
    retry_at: datetime | None = None
    counted: bool = True
    rest: Outbound | None = None


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A delivery that did not certainly arrive: failed, or uncertain."""

    delivery: Delivery
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    last_attempt_at: datetime | None


class Outbox(Protocol):
    async def pending_deliveries(self, platform: str, limit: int = 50) -> list[Delivery]:
        """Pending deliveries, due or not, by due time then queue order (for adapters that
        always deliver at once, such as the console)."""
        ...

    async def claim_deliveries(self, platform: str, now: datetime, lease_until: datetime,
                               limit: int = 100) -> list[Claimed]:
        """Due deliveries (pending, next attempt at or before ``now``, the oldest pending one
        of each recipient, so a recipient's messages arrive in order), leased until
        ``lease_until`` so no other pump takes them; by due time, then queue order."""
        ...

    async def settle(self, outcomes: Sequence[Settle]) -> None:
        """Record attempts' outcomes in one transaction. A retried delivery's later messages
        to the same recipient wait at least as long."""
        ...

    async def mark_delivered(self, delivery_ids: Sequence[int]) -> None:
        ...

    async def enqueue(self, recipient: UserRef, message: Outbound) -> None:
        """Keep a message an adapter could not send now, to deliver later."""
        ...

    async def keep_uncertain(self, recipient: UserRef, message: Outbound, error: str) -> None:
        """Record a reply whose send timed out after it went out: probably delivered, so
        never sent again automatically, but listed with the failed ones."""
        ...

    async def failed_deliveries(self, platform: str | None = None, limit: int = 100
                                ) -> list[FailedDelivery]:
        """Failed and uncertain deliveries, the most recent first, with their last error."""
        ...

    async def requeue(self, delivery_ids: Sequence[int]) -> int:
        """Make failed or uncertain deliveries pending again, with fresh attempts (an admin's
        decision); returns how many."""
        ...


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

    async def revoked_status_indexes(self) -> list[int]:
        ...

    async def awards_without_credentials(self, limit: int = 100) -> list[AwardRecord]:
        ...


class Store(EventStore, Outbox, AwardReader, CredentialStore, Protocol):
    async def open(self) -> None:
        ...

    async def prune_processed_events(self, older_than: timedelta) -> int:
        ...

    async def close(self) -> None:
        ...


@dataclass(frozen=True, slots=True)
class IssuedBadge:
    url: str
    image_path: str | None = None


class BadgeIssuer(Protocol):
    async def issue(self, award: AwardRecord) -> IssuedBadge:
        """Build the badge for a recorded award (called after the award is durable)."""
        ...


class EventHandler(Protocol):
    async def handle(self, event: Event) -> list[Outbound]:
        """Apply one event; return the replies for its sender."""
        ...


class WebhookHandler(Protocol):
    async def __call__(self, path: str, headers: Mapping[str, str], body: bytes
                       ) -> tuple[int, str]:
        """Handle a platform's POST to /webhooks/PLATFORM/PATH: (HTTP status, text)."""
        ...


class Webhooks:
    """Where adapters register the webhook endpoints the badge server exposes for them."""

    def __init__(self) -> None:
        self._handlers: dict[str, WebhookHandler] = {}

    def register(self, platform: str, handler: WebhookHandler) -> None:
        self._handlers[platform] = handler

    def unregister(self, platform: str) -> None:
        self._handlers.pop(platform, None)

    def get(self, platform: str) -> WebhookHandler | None:
        return self._handlers.get(platform)


class BadgeFiles(Protocol):
    async def __call__(self, award_id: str) -> str | None:
        """The path of an award's baked PNG (built if need be), or None if it is unknown."""
        ...


@dataclass(frozen=True)
class AdapterContext:
    """What an adapter is given: the engine to call, the outbox to drain, the raw settings
    (each adapter validates its own), and a way to ask the whole app to stop."""

    engine: EventHandler
    outbox: Outbox
    settings: Mapping[str, Any]
    request_stop: Callable[[], None]
    badge_file: BadgeFiles | None = None
    webhooks: Webhooks | None = None


class ChatAdapter(Protocol):
    async def start(self) -> None:
        ...

    async def stop(self) -> None:
        ...


class AdapterFactory(Protocol):
    """The class an ``questbot.adapters`` entry point names."""

    name: str

    @classmethod
    def wanted(cls, settings: Mapping[str, Any], interactive: bool) -> bool:
        """Should this adapter run (e.g. its token is set, or this is ``questbot run``)?"""
        ...

    @classmethod
    def create(cls, context: AdapterContext) -> ChatAdapter:
        ...


__all__ = [
    "AdapterContext",
    "AdapterFactory",
    "AwardReader",
    "AwardView",
    "BadgeFiles",
    "BadgeIssuer",
    "ChatAdapter",
    "Claimed",
    "Clock",
    "CredentialRecord",
    "CredentialStore",
    "Decide",
    "DeliveryStatus",
    "EventHandler",
    "EventStore",
    "FailedDelivery",
    "IssuedBadge",
    "LoadRequest",
    "Outbox",
    "Outcome",
    "RecipientRecord",
    "Settle",
    "Store",
    "SystemClock",
    "WebhookHandler",
    "Webhooks",
]
