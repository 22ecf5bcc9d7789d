"""What the engine needs from the outside world, as Protocols. Concrete classes live in
``questbot.storage``, ``questbot.badges`` and the adapters; only ``questbot.app`` wires them."""

from __future__ import annotations

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


class Outbox(Protocol):
    async def pending_deliveries(self, platform: str, limit: int = 50) -> list[Delivery]:
        ...

    async def mark_delivered(self, delivery_ids: Sequence[int]) -> None:
        ...

    async def mark_failed(self, delivery_ids: Sequence[int]) -> None:
        """Count a failed attempt; the delivery stays pending."""
        ...

    async def enqueue(self, recipient: UserRef, message: Outbound) -> None:
        """Keep a message an adapter could not send now, to deliver later."""
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
    "Clock",
    "CredentialRecord",
    "CredentialStore",
    "Decide",
    "EventHandler",
    "EventStore",
    "IssuedBadge",
    "LoadRequest",
    "Outbox",
    "Outcome",
    "RecipientRecord",
    "Store",
    "SystemClock",
    "WebhookHandler",
    "Webhooks",
]
