"""Webhooks in both databases: events are written in the transaction of the change that
raises them (a redelivered chat event raises none again), an endpoint that keeps failing
for a day is disabled and admins are told, and an address that changes to an internal one
after registration is refused when the delivery connects."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from questbot.domain import Text
from questbot.domain.webhooks import new_secret
from questbot.ports import Endpoint, Store
from questbot.webhooks import Notify, WebhookPolicy, WebhookPump, admin
from tests.conftest import ADMIN
from tests.helpers import FakeClock, Player
from tests.webhook_receiver import running_receiver

pytestmark = pytest.mark.stores("sqlite", "postgres")

LOCAL = WebhookPolicy(allow_private=True, allow_http=True, timeout=2.0)


def links(award_id: str) -> Mapping[str, str]:
    return {name: f"https://badges.example/{name}/{award_id}"
            for name in ("page", "assertion", "credential", "png")}


@contextlib.asynccontextmanager
async def pump(store: Store, clock: FakeClock, policy: WebhookPolicy = LOCAL,
               resolver: AbstractResolver | None = None) -> AsyncIterator[WebhookPump]:
    sender = WebhookPump(store, links, clock=clock, policy=policy, resolver=resolver,
                         notify=Notify(frozenset({ADMIN}), "en"), jitter=lambda: 1.0)
    try:
        yield sender
    finally:
        await sender.close()


async def pending(store: Store, *endpoints: Endpoint) -> list[int]:
    """How many deliveries wait for each of ``endpoints``."""
    waiting = {e.endpoint_id: e.pending for e in await store.webhooks()}
    return [waiting.get(e.endpoint_id, -1) for e in endpoints]


async def test_a_change_and_its_webhook_are_written_together_and_once(
        store: Store, alice: Player, tutor: Player, clock: FakeClock) -> None:
    awards = await store.add_webhook("https://hooks.example/a", ("badge.awarded",),
                                     new_secret(), clock.now())
    everything = await store.add_webhook("https://hooks.example/all", (
        "badge.awarded", "badge.revoked", "quest.completed", "learner.joined"),
        new_secret(), clock.now())
    assert awards.pending == everything.pending == 0
    await alice.say("/join python-basics", event_id="join-1")
    await alice.say("/join python-basics", event_id="join-1")  # the platform redelivers it
    assert await pending(store, awards, everything) == [0, 1]
    await tutor.say("/grant alice python-basics badge finished the course", event_id="g-1")
    await tutor.say("/grant alice python-basics badge finished the course", event_id="g-1")
    assert await pending(store, awards, everything) == [1, 2]
    await admin.disable(store, awards.endpoint_id, "paused")
    await tutor.say("/revoke alice python-basics badge awarded in error")
    await tutor.say("/revoke alice python-basics badge awarded in error")  # already revoked
    assert await pending(store, awards, everything) == [1, 3]  # none for a disabled one
    await admin.remove(store, everything.endpoint_id)
    [left] = await store.webhooks()
    assert left.endpoint_id == awards.endpoint_id and not left.enabled
    assert left.disabled_reason == "paused"


async def test_an_endpoint_failing_for_a_day_is_disabled_admins_are_told_and_nothing_is_lost(
        store: Store, alice: Player, bob: Player, clock: FakeClock) -> None:
    async with running_receiver() as receiver, pump(store, clock) as sender:
        receiver.mode = "fail"
        endpoint, receiver.secret = await admin.register(store, receiver.url, "learner.joined",
                                                         LOCAL, clock.now())
        await alice.say("/join python-basics")
        await bob.say("/join python-basics")
        started = clock.now()
        while (await store.webhooks())[0].enabled:
            assert await sender.deliver_pending() == 0
            clock.advance(hours=1)
            assert clock.now() - started < timedelta(hours=30), "never disabled"
        [shown] = await store.webhooks()
        assert clock.now() - started >= timedelta(hours=24)  # retried for at least a day
        assert shown.pending == 2 and "HTTP 500" in (shown.disabled_reason or "")
        assert len(receiver.answers) >= 8 and set(receiver.answers) == {500}
        notices = [d.message for d in await store.pending_deliveries("console")
                   if d.recipient == ADMIN]
        assert len(notices) == 1 and isinstance(notices[0], Text)
        assert endpoint.endpoint_id in notices[0].text and "was disabled" in notices[0].text
        tried = len(receiver.answers)
        clock.advance(hours=2)
        assert await sender.deliver_pending() == 0
        assert len(receiver.answers) == tried  # a disabled endpoint is left alone

        receiver.mode = "accept"
        await admin.enable(store, endpoint.endpoint_id)
        assert await sender.deliver_pending() == 2  # both, in order, at once
    assert [r.body["type"] for r in receiver.accepted] == ["learner.joined"] * 2
    [healthy] = await store.webhooks()
    assert healthy.enabled and healthy.failures == 0 and healthy.pending == 0
    log = await store.webhook_log(endpoint.endpoint_id, 1000)
    assert [a.status_code for a in log[:2]] == [204, 204]


class Rebinding(AbstractResolver):
    """A name that resolves to a public address at registration, then to loopback."""

    def __init__(self) -> None:
        self.address = "93.184.215.14"

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host=self.address, port=port,
                              family=socket.AF_INET, proto=0, flags=0)]

    async def close(self) -> None:
        return None


async def test_a_name_that_later_resolves_to_an_internal_address_is_refused_at_delivery(
        store: Store, alice: Player, clock: FakeClock) -> None:
    resolver = Rebinding()
    policy = WebhookPolicy(allow_http=True, timeout=2.0)
    async with running_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        endpoint, receiver.secret = await admin.register(
            store, f"http://rebind.example:{port}/hook", "", policy, clock.now(), resolver)
        resolver.address = "127.0.0.1"  # where the receiver listens
        await alice.say("/join python-basics")
        async with pump(store, clock, policy, resolver) as sender:
            assert await sender.deliver_pending() == 0
    assert receiver.answers == []
    [attempt] = await store.webhook_log(endpoint.endpoint_id)
    assert attempt.status_code is None
    assert "private or local addresses" in (attempt.error or "")


async def test_a_redirect_is_not_followed(store: Store, alice: Player,
                                          clock: FakeClock) -> None:
    async with running_receiver() as receiver, pump(store, clock) as sender:
        receiver.mode = "redirect"
        endpoint, receiver.secret = await admin.register(store, receiver.url, "", LOCAL,
                                                         clock.now())
        await alice.say("/join python-basics")
        assert await sender.deliver_pending() == 0
    assert receiver.answers == [302]  # asked once; the place it points to, never
    [attempt] = await store.webhook_log(endpoint.endpoint_id)
    assert attempt.status_code == 302 and "redirect" in (attempt.error or "")
    [shown] = await store.webhooks()
    assert shown.pending == 1 and shown.failures == 1 and shown.failing_since is not None
