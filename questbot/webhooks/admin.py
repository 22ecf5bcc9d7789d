"""What admins do with webhook endpoints, as plain functions over the store: register,
list, remove, enable, disable, read the delivery log. The command line prints them; the
dashboard calls the same ones. A refusal is ``Rejected`` with a message key, so whoever
shows it writes it in the reader's language; no message ever holds a secret."""

from __future__ import annotations

from datetime import datetime

from aiohttp.abc import AbstractResolver

from questbot.domain.errors import Rejected
from questbot.domain.webhooks import EVENT_TYPES, new_secret, parse_event_types
from questbot.ports import Endpoint, WebhookAttempt, WebhookStore
from questbot.webhooks.guard import endpoint_problem
from questbot.webhooks.pump import WebhookPolicy

MAX_ENDPOINTS = 100
MAX_REASON = 300


async def register(store: WebhookStore, url: str, events: str, policy: WebhookPolicy,
                   at: datetime, resolver: AbstractResolver | None = None
                   ) -> tuple[Endpoint, str]:
    """A new endpoint for ``events`` (comma-separated; all when empty) and its secret, the
    only time the secret is shown."""
    try:
        types = parse_event_types(events) if events.strip() else EVENT_TYPES
    except ValueError as exc:
        raise Rejected("webhooks.unknown_event", event=str(exc),
                       events=", ".join(EVENT_TYPES)) from None
    problem = await endpoint_problem(url, allow_http=policy.allow_http,
                                     allow_private=policy.allow_private, resolver=resolver)
    if problem is not None:
        raise Rejected(problem, url=url[:200])
    if len(await store.webhooks()) >= MAX_ENDPOINTS:
        raise Rejected("webhooks.too_many", limit=MAX_ENDPOINTS)
    secret = new_secret()
    return await store.add_webhook(url, types, secret, at), secret


async def endpoints(store: WebhookStore) -> list[Endpoint]:
    return await store.webhooks()


async def remove(store: WebhookStore, endpoint_id: str) -> None:
    if not await store.remove_webhook(endpoint_id):
        raise Rejected("webhooks.unknown", endpoint=endpoint_id[:40])


async def enable(store: WebhookStore, endpoint_id: str) -> None:
    if not await store.enable_webhook(endpoint_id):
        raise Rejected("webhooks.unknown", endpoint=endpoint_id[:40])


async def disable(store: WebhookStore, endpoint_id: str, reason: str) -> None:
    if not await store.disable_webhook(endpoint_id, reason[:MAX_REASON]):
        raise Rejected("webhooks.unknown", endpoint=endpoint_id[:40])


async def delivery_log(store: WebhookStore, endpoint_id: str | None = None, limit: int = 50
                       ) -> list[WebhookAttempt]:
    if endpoint_id is not None and all(e.endpoint_id != endpoint_id
                                       for e in await store.webhooks()):
        raise Rejected("webhooks.unknown", endpoint=endpoint_id[:40])
    return await store.webhook_log(endpoint_id, max(1, min(limit, 1000)))
