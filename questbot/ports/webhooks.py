"""Outbound webhooks in the store: the endpoints admins registered, each one's queue of
deliveries (written in the transaction of the change that raised them) and the log of every
attempt. The command line calls these now; the dashboard will call the same ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from questbot.domain.ids import UserRef
from questbot.domain.messages import Outbound


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A registered endpoint, as admins see it (never its secret)."""

    endpoint_id: str
    url: str
    events: tuple[str, ...]
    enabled: bool
    created_at: datetime
    disabled_reason: str | None = None
    failing_since: datetime | None = None
    failures: int = 0  # failed attempts since its last success
    pending: int = 0  # deliveries waiting


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """What happened, as recorded when it happened; ``body`` is the JSON sent, fixed at the
    first attempt so every retry (and every endpoint) gets the same bytes."""

    event_id: str  # the ``webhook-id``
    event_type: str
    learner_id: str
    quest_id: str
    award_id: str | None
    occurred_at: datetime
    detail: Mapping[str, str]
    body: str | None = None


@dataclass(frozen=True, slots=True)
class DueWebhook:
    """The oldest pending delivery of one endpoint, leased to one pump."""

    delivery_id: int
    endpoint_id: str
    url: str
    secret: str = field(repr=False)
    event: WebhookEvent = field(repr=False)
    attempts: int = 0  # this delivery's earlier failed attempts
    failing_since: datetime | None = None  # the endpoint's
    failures: int = 0  # the endpoint's failed attempts since its last success


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    """One line of the delivery log."""

    attempt_id: int
    delivery_id: int
    endpoint_id: str
    event_id: str
    event_type: str
    attempted_at: datetime
    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True)
class WebhookOutcome:
    """What one attempt did. ``attempted`` False: nothing was sent (the badge was not built
    yet, or the pump stopped), so nothing is logged and ``retry_at`` only says when to look
    again. A failure with ``disable`` set disables the endpoint with that reason (its
    delivery stays first in its queue) and queues ``notices`` for admins in the same
    transaction."""

    due: DueWebhook
    attempted: bool
    at: datetime  # when it was tried (the pump's clock)
    delivered: bool = False
    status_code: int | None = None
    error: str | None = None
    retry_at: datetime | None = None
    disable: str | None = None
    notices: tuple[tuple[UserRef, Outbound], ...] = ()


class WebhookStore(Protocol):
    async def add_webhook(self, url: str, events: tuple[str, ...], secret: str,
                          at: datetime) -> Endpoint:
        ...

    async def webhooks(self) -> list[Endpoint]:
        """Every endpoint, oldest first, with how many deliveries wait for it."""
        ...

    async def remove_webhook(self, endpoint_id: str) -> bool:
        """Remove an endpoint with its queue and log; False if there is none."""
        ...

    async def enable_webhook(self, endpoint_id: str) -> bool:
        """Enable an endpoint; its waiting deliveries go out again, in order, at once."""
        ...

    async def disable_webhook(self, endpoint_id: str, reason: str) -> bool:
        """Disable an endpoint: nothing more is sent or queued for it until it is enabled;
        what waits in its queue stays."""
        ...

    async def webhook_log(self, endpoint_id: str | None = None, limit: int = 50
                          ) -> list[WebhookAttempt]:
        """The latest attempts (of one endpoint, or all), the most recent first."""
        ...

    async def claim_webhooks(self, now: datetime, lease_until: datetime, limit: int = 50
                             ) -> list[DueWebhook]:
        """For each enabled endpoint that is due and not leased, its oldest pending delivery,
        leasing the endpoint until ``lease_until`` (so one delivery per endpoint is in flight,
        whichever process pumps)."""
        ...

    async def fix_webhook_body(self, event_id: str, body: str) -> str:
        """The event's body: ``body`` if none was fixed before, else the one that was."""
        ...

    async def settle_webhook(self, outcome: WebhookOutcome) -> None:
        """Record an attempt (log, delivery, endpoint's next time) in one transaction."""
        ...

    async def prune_webhooks(self, older_than: timedelta) -> int:
        """Forget deliveries made, and attempts logged, longer ago than ``older_than``."""
        ...
