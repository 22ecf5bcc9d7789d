"""The webhook endpoints adapters registered, which the badge server serves."""

from __future__ import annotations

from questbot.ports import WebhookHandler


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
