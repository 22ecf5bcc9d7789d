"""Metrics for operators, in Prometheus' text format on a port of their own (off unless
QUESTBOT_METRICS_PORT is set): events handled and their latency, outbox depth and failures,
awards issued, verification verdicts. Nothing a learner wrote, and no id, is a label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from questbot.badges.verify import Verdict, Verifier
from questbot.domain.messages import Event
from questbot.engine.engine import Handled
from questbot.ports import Store

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


@dataclass
class Metrics:
    registry: CollectorRegistry
    events: Counter
    latency: Histogram
    awards: Counter
    verdicts: Counter
    outbox: Gauge

    @classmethod
    def create(cls) -> Metrics:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # _created: noise
        registry = CollectorRegistry(auto_describe=True)
        return cls(
            registry,
            Counter("questbot_events", "chat events handled, by command and outcome",
                    ("command", "outcome"), registry=registry),
            Histogram("questbot_event_seconds", "time to handle one event, commit included",
                      buckets=LATENCY_BUCKETS, registry=registry),
            Counter("questbot_awards", "badges awarded and issued", registry=registry),
            Counter("questbot_verifications", "verifications, by verdict", ("verdict",),
                    registry=registry),
            Gauge("questbot_outbox", "outbox rows not delivered, by platform and status",
                  ("platform", "status"), registry=registry),
        )

    def observe_event(self, event: Event, handled: Handled | None, seconds: float) -> None:
        outcome = "failed" if handled is None else "duplicate" if handled.duplicate else "ok"
        self.events.labels(type(event.command).__name__, outcome).inc()
        self.latency.observe(seconds)
        if handled is not None and not handled.duplicate:
            self.awards.inc(sum(1 for _, issued in handled.awards if issued is not None))

    def observe_verdict(self, verdict: Verdict) -> None:
        self.verdicts.labels(verdict.status).inc()

    async def render(self, store: Store) -> bytes:
        """The current figures; the outbox's are read from the store now (an index each)."""
        self.outbox.clear()
        for (platform, status), count in (await store.outbox_counts()).items():
            self.outbox.labels(platform, status).set(count)
        return generate_latest(self.registry)


@dataclass(frozen=True)
class CountingVerifier(Verifier):
    """The verifier, counting each verdict it gives."""

    metrics: Metrics | None = None

    async def verify_bytes(self, data: bytes, now: datetime) -> Verdict:
        verdict = await super().verify_bytes(data, now)
        if self.metrics is not None:
            self.metrics.observe_verdict(verdict)
        return verdict


def counting(verifier: Verifier, metrics: Metrics) -> Verifier:
    return CountingVerifier(verifier.keys, verifier.identity, verifier.lookup,
                            verifier.proofs, verifier.resolver, verifier.statuses,
                            verifier.records, metrics=metrics)


def metrics_app(metrics: Metrics, store: Store) -> web.Application:
    async def scrape(_: web.Request) -> web.Response:
        body = await metrics.render(store)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/metrics", scrape)
    return app
