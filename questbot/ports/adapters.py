"""What a chat adapter is given and what it offers: the surface between the core and a
platform. An adapter is found through the ``questbot.adapters`` entry-point group, which names
its ``AdapterPlugin``; the plugin must import without the platform's SDK, so that a missing
SDK can be reported by the name of the extra that installs it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from questbot.domain.ids import UserRef
from questbot.ports.clock import Clock
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
class CommonSettings:
    """The core's settings an adapter may read; its own come in its section."""

    public_url: str  # where the badge server is reached (webhooks, links)
    language: str = "en"  # the community's default language
    admins: frozenset[UserRef] = frozenset()
    tutors: frozenset[UserRef] = frozenset()
    issuer_name: str = "questbot"
    outbox_max_attempts: int = 30
    outbox_lease: float = 120.0  # seconds a claimed delivery is one process's to send


@dataclass(frozen=True)
class AdapterContext:
    """What an adapter is given: the engine to call, the outbox to drain, its own validated
    settings (an instance of its plugin's ``settings_model``), the core's common settings, a
    clock, and a way to ask the whole app to stop."""

    engine: EventHandler
    outbox: Outbox
    settings: Any
    common: CommonSettings
    clock: Clock
    request_stop: Callable[[], None]
    badge_file: BadgeFiles | None = None
    webhooks: WebhookRegistry | None = None


class ChatAdapter(Protocol):
    async def start(self) -> None:
        ...

    async def stop(self) -> None:
        ...


class AdapterPlugin(Protocol):
    """What a ``questbot.adapters`` entry point names.

    ``name`` is the platform, the settings section (``[NAME]`` in the TOML file) and the
    prefix of its variables (``QUESTBOT_NAME_FIELD``). ``settings_model`` is a pydantic model
    of that section (see ``questbot.kit.settings``); ``extra`` is the pip extra that installs
    ``sdk``, the package ``create`` imports."""

    name: str
    extra: str | None
    sdk: str | None
    settings_model: type[Any]

    def wanted(self, settings: Any, interactive: bool) -> bool:
        """Should this adapter run (e.g. its token is set, or this is ``questbot run``)?"""
        ...

    def create(self, context: AdapterContext) -> ChatAdapter:
        ...
