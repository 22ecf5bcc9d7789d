"""Delivering webhooks: each endpoint's queue in order, one delivery in flight per endpoint
(so no learner's events overtake one another), signed as Standard Webhooks says.

A round claims the endpoints that are due (leasing each, so several processes never send to
one endpoint at once), sends each one's oldest pending delivery, and records the outcome:

- a 2xx answer: delivered; the endpoint's next delivery is due at once;
- anything else (another status, a redirect, which is never followed, a refused address,
  a time-out, a connection error): logged with its status code or error, and the endpoint
  waits a back-off that doubles from ``first_backoff`` to ``max_backoff``, each delay drawn
  between half and all of it (jitter). An endpoint failing for ``retry_for`` (at least a day)
  and ``min_failures`` attempts is disabled with the reason and admins are told; its
  deliveries stay queued, and go out in order when an admin enables it again.

An award's body waits (briefly) for its badge to be built, so it carries the credential.
Every delivery of one event, to any endpoint and at any retry, has the same id and body.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from aiohttp.abc import AbstractResolver

from questbot.domain.ids import UserRef
from questbot.domain.messages import Text
from questbot.domain.webhooks import BADGE_AWARDED, signature
from questbot.i18n import translate
from questbot.ports import Clock, DueWebhook, Store, WebhookEvent, WebhookOutcome
from questbot.webhooks.guard import GuardedResolver, form_problem
from questbot.webhooks.payload import BadgeLinks, body

log = logging.getLogger(__name__)

RESPONSE_LIMIT = 64 * 1024  # what is read of an answer: only its status matters
ERROR_LIMIT = 300


@dataclass(frozen=True, slots=True)
class WebhookPolicy:
    allow_private: bool = False
    allow_http: bool = False
    timeout: float = 10.0  # seconds for one attempt, connecting and answering
    retry_for: timedelta = timedelta(hours=24)
    min_failures: int = 8
    first_backoff: float = 5.0
    max_backoff: float = 3600.0
    credential_wait: timedelta = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Notify:
    """Who is told when an endpoint is disabled, and in which language."""

    admins: frozenset[UserRef] = frozenset()
    language: str = "en"


class WebhookPump:
    def __init__(self, store: Store, links: BadgeLinks, *, clock: Clock,
                 policy: WebhookPolicy | None = None, notify: Notify | None = None,
                 interval: float = 1.0, page: int = 50, concurrency: int = 8,
                 resolver: AbstractResolver | None = None,
                 jitter: Callable[[], float] = random.random,
                 wall: Callable[[], float] = time.time) -> None:
        self._store = store
        self._links = links
        self._clock = clock
        self._policy = policy or WebhookPolicy()
        self._notify = notify or Notify()
        self._interval = interval
        self._page = page
        self._concurrency = asyncio.Semaphore(concurrency)
        self._resolver = resolver
        self._jitter = jitter
        self._wall = wall  # the webhook-timestamp: receivers compare it with their clocks
        self._session: aiohttp.ClientSession | None = None

    @property
    def lease(self) -> timedelta:
        """Long enough for any attempt (a process that dies leaves its endpoints this long)."""
        return timedelta(seconds=2 * self._policy.timeout + 30)

    async def run(self) -> None:
        while True:
            try:
                await self.deliver_pending()
            except Exception:
                log.exception("delivering webhooks failed")
            await asyncio.sleep(self._interval)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def backoff(self, failures: int) -> float:
        """Seconds to wait after an endpoint's ``failures``-th failure in a row."""
        policy = self._policy
        full = min(policy.max_backoff, policy.first_backoff * 2.0 ** min(failures - 1, 60))
        return full * (0.5 + self._jitter() / 2)

    async def deliver_pending(self) -> int:
        """One round: until no endpoint due at its start is left; how many were delivered."""
        start = self._clock.now()
        delivered = 0
        while True:
            due = await self._store.claim_webhooks(start, self._clock.now() + self.lease,
                                                   self._page)
            if not due:
                return delivered
            outcomes = await asyncio.gather(*(self._deliver(d) for d in due))
            delivered += sum(outcomes)

    async def _deliver(self, due: DueWebhook) -> bool:
        async with self._concurrency:
            try:
                outcome = await self._attempt(due)
            except asyncio.CancelledError:
                # stopping: the endpoint is due again at once (for the next start)
                release = WebhookOutcome(due, attempted=False, at=self._clock.now(),
                                         retry_at=self._clock.now())
                with contextlib.suppress(Exception):
                    await asyncio.shield(self._store.settle_webhook(release))
                raise
            except Exception as exc:  # a bug: counted as a failure, so it ends
                log.exception("webhook delivery %s to %s failed", due.delivery_id,
                              due.endpoint_id)
                outcome = self._failed(due, None, f"{type(exc).__name__}")
        await self._store.settle_webhook(outcome)
        return outcome.delivered

    async def _attempt(self, due: DueWebhook) -> WebhookOutcome:
        payload = due.event.body
        if payload is None:
            built = await self._build(due.event)
            if built is None:  # the badge is being built: look again shortly
                return WebhookOutcome(due, attempted=False, at=self._clock.now(),
                                      retry_at=self._clock.now() + timedelta(seconds=2))
            payload = await self._store.fix_webhook_body(due.event.event_id, built)
        policy = self._policy
        problem = form_problem(due.url, allow_http=policy.allow_http,
                               allow_private=policy.allow_private)
        if problem is not None:
            return self._failed(due, None, translate(problem, self._notify.language,
                                                     url=due.url))
        data = payload.encode()
        moment = int(self._wall())
        headers = {
            "webhook-id": due.event.event_id,
            "webhook-timestamp": str(moment),
            "webhook-signature": signature(due.secret, due.event.event_id, moment, data),
            "content-type": "application/json",
            "user-agent": "questbot-webhooks/1",
        }
        session = self._client()
        try:
            async with asyncio.timeout(policy.timeout), session.post(
                    due.url, data=data, headers=headers, allow_redirects=False) as response:
                status = response.status
                await _drain(response)
        except TimeoutError:
            return self._failed(due, None, translate("webhooks.error_timeout",
                                                     self._notify.language,
                                                     seconds=f"{policy.timeout:g}"))
        except (aiohttp.ClientError, OSError) as exc:
            return self._failed(due, None, _reason(exc))
        if 200 <= status < 300:
            log.info("webhook %s delivered to %s (HTTP %d)", due.event.event_id,
                     due.endpoint_id, status)
            return WebhookOutcome(due, attempted=True, at=self._clock.now(), delivered=True,
                                  status_code=status)
        error = f"HTTP {status}"
        if 300 <= status < 400:
            error = translate("webhooks.error_redirect", self._notify.language, status=status)
        return self._failed(due, status, error)

    def _failed(self, due: DueWebhook, status: int | None, error: str) -> WebhookOutcome:
        now = self._clock.now()
        error = error[:ERROR_LIMIT]
        failures = due.failures + 1
        since = due.failing_since or now
        policy = self._policy
        retry_at = now + timedelta(seconds=self.backoff(failures))
        if now - since >= policy.retry_for and failures >= policy.min_failures:
            reason = translate("webhooks.disabled_reason", self._notify.language,
                               since=since.isoformat(timespec="seconds"),
                               failures=failures, error=error)
            log.warning("webhook endpoint %s disabled after failing since %s (%d attempts):"
                        " %s", due.endpoint_id, since.isoformat(timespec="seconds"),
                        failures, error)
            notice = Text(translate("webhooks.disabled_notice", self._notify.language,
                                    endpoint=due.endpoint_id, url=due.url, reason=reason),
                          language=self._notify.language)
            return WebhookOutcome(due, attempted=True, at=now, status_code=status,
                                  error=error, retry_at=retry_at, disable=reason,
                                  notices=tuple((a, notice) for a in sorted(
                                      self._notify.admins, key=str)))
        log.info("webhook %s to %s failed (attempt %d of the endpoint's failing run): %s",
                 due.event.event_id, due.endpoint_id, failures, error)
        return WebhookOutcome(due, attempted=True, at=now, status_code=status, error=error,
                              retry_at=retry_at)

    async def _build(self, event: WebhookEvent) -> str | None:
        award = credential = None
        if event.award_id is not None:
            view = await self._store.get_award(event.award_id)
            award = view.award if view is not None else None
            record = await self._store.credential(event.award_id)
            credential = record.credential if record is not None else None
            waited = self._clock.now() - event.occurred_at
            if (event.event_type == BADGE_AWARDED and credential is None
                    and waited < self._policy.credential_wait):
                return None
        return body(event, award, credential, self._links)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            resolver = GuardedResolver(allow_private=self._policy.allow_private,
                                       inner=self._resolver)
            connector = aiohttp.TCPConnector(resolver=resolver, limit=32, limit_per_host=4)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False,
                                                  auto_decompress=False)
        return self._session


async def _drain(response: aiohttp.ClientResponse) -> None:
    """Read at most ``RESPONSE_LIMIT`` of the answer (so the connection can be reused)."""
    left = RESPONSE_LIMIT
    while left > 0:
        chunk = await response.content.read(min(left, 16 * 1024))
        if not chunk:
            return
        left -= len(chunk)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        exc = exc.os_error  # e.g. the guard's "resolves only to private or local addresses"
    text = str(exc) or type(exc).__name__
    return text[:ERROR_LIMIT]
