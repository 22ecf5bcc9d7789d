"""What a chat adapter is given and what it offers: the surface between the core and a
platform."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from questbot.ports.credentials import BadgeFiles
from questbot.ports.events import EventHandler
from questbot.ports.outbox import Outbox


class WebhookHandler(Protocol):
    async def __call__(self, path: str, headers: Mapping[str, str], body: bytes
                       ) -> tuple[int, str]:
        """Handle a platform's POST to /webhooks/PLATFORM/PATH: (HTTP status, text)."""
        ...


class WebhookRegistry(Protocol):
    """Where adapters register the webhook endpoints the badge server exposes for them."""

    def register(self, platform: str, handler: WebhookHandler) -> None:
        ...

    def unregister(self, platform: str) -> None:
        ...

    def get(self, platform: str) -> WebhookHandler | None:
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
    webhooks: WebhookRegistry | None = None


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
