"""The webhook pump, built from the settings: its policy, the badge URLs bodies carry, and
the admins told when an endpoint is disabled."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from questbot.app.config import Settings
from questbot.badges.service import BadgeService
from questbot.domain.ids import UserRef
from questbot.ports import Clock, Store
from questbot.webhooks import Notify, WebhookPolicy, WebhookPump


def webhook_policy(settings: Settings) -> WebhookPolicy:
    return WebhookPolicy(allow_private=settings.webhooks_allow_private,
                         allow_http=settings.webhooks_allow_http,
                         timeout=settings.webhooks_timeout,
                         retry_for=timedelta(hours=settings.webhooks_retry_hours))


def webhook_pump(settings: Settings, store: Store, badges: BadgeService, clock: Clock,
                 interval: float = 1.0) -> WebhookPump:
    urls = badges.urls

    def links(award_id: str) -> Mapping[str, str]:
        return {"page": urls.page(award_id), "assertion": urls.assertion(award_id),
                "credential": urls.credential(award_id), "png": urls.png(award_id)}

    notify = Notify(frozenset(UserRef.parse(a) for a in settings.admins),
                    settings.language.split("-", 1)[0].lower())
    return WebhookPump(store, links, clock=clock, policy=webhook_policy(settings),
                       notify=notify, interval=interval)
