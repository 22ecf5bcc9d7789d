"""Outbound webhooks end to end: a running questbot (the pump in the app, as ``questbot
serve`` runs it) and a real receiver on 127.0.0.1 that checks every signature with the
``standardwebhooks`` package, fails on purpose for a while (HTTP 500, answers too late),
through an app restart, then accepts: it sees every event exactly once, in order per
learner, one delivery at a time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
import yaml

from questbot.app import runtime
from questbot.app.webhook_wiring import webhook_policy
from questbot.app.webhooks_admin import log_lines
from questbot.webhooks import admin
from tests.helpers import FakeClock
from tests.server import Server, running_server
from tests.webhook_receiver import Receiver, running_receiver, validate_webhook_body

QUEST = {"schema_version": 1, "id": "basics", "title": "Basics",
         "badge": {"name": "Basics", "description": "A badge.", "criteria": "Did it."},
         "steps": [{"id": "a", "kind": "participation", "title": "Step a",
                    "action": "grant"}]}
SETTINGS = {"webhooks_allow_private": True, "webhooks_allow_http": True,
            "webhooks_timeout": 0.5, "admins": ("console:boss",)}


@pytest.fixture
def quests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(runtime, "WEBHOOK_INTERVAL", 0.02)
    folder = tmp_path / "quests"
    folder.mkdir()
    (folder / "basics.yaml").write_text(yaml.safe_dump(QUEST, sort_keys=False))
    return folder


async def until(condition: Callable[[], bool | Awaitable[bool]], what: str,
                seconds: float = 20.0) -> None:
    """Wait (polling) until ``condition`` holds; fail saying ``what`` did not happen."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        held = condition()
        if not isinstance(held, bool):
            held = await held
        if held:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def attempts_logged(server: Server) -> int:
    return len(await server.services.store.webhook_log(None, 1000))


async def fail_once_more(server: Server, clock: FakeClock, receiver: Receiver) -> None:
    """Let the endpoint's back-off pass and wait for its next attempt to be recorded."""
    before = await attempts_logged(server)
    clock.advance(hours=1)  # the longest back-off
    await until(lambda: _more(server, before), "another attempt")
    assert receiver.accepted == []


async def _more(server: Server, before: int) -> bool:
    return await attempts_logged(server) > before


async def test_a_receiver_that_fails_for_a_while_gets_every_event_once_in_order(
        tmp_path: Path, quests: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1))
    async with running_receiver() as receiver:
        receiver.mode = "fail"
        async with running_server(tmp_path, clock, quests_dir=quests, **SETTINGS) as server:
            endpoint, receiver.secret = await admin.register(
                server.services.store, receiver.url, "", webhook_policy(server.settings),
                clock.now())
            for learner in ("alice", "bob"):
                await server.say(learner, "/join basics")
                await server.say("tina", f"/grant {learner} basics a well done")
            await until(lambda: len(receiver.answers) >= 1, "the first attempt")
            await fail_once_more(server, clock, receiver)
            receiver.mode = "slow"  # answers after the sender gave up
            await fail_once_more(server, clock, receiver)
            receiver.mode = "fail"
        # a restart in the middle: what waits is in the database, not in the pump
        async with running_server(tmp_path, clock, quests_dir=quests, **SETTINGS) as server:
            await server.say("tina", "/revoke alice basics badge awarded in error")
            await fail_once_more(server, clock, receiver)
            receiver.mode = "accept"
            clock.advance(hours=1)
            await until(lambda: len(receiver.accepted) >= 7, "every event")
            await asyncio.sleep(0.3)  # nothing more arrives
            log = await admin.delivery_log(server.services.store, endpoint.endpoint_id, 100)
            listed = await admin.endpoints(server.services.store)
            description = await _openapi(server)
            base = server.base

    ids = [r.webhook_id for r in receiver.accepted]
    assert len(ids) == len(set(ids)) == 7  # exactly once
    revoked = next(r for r in receiver.accepted if r.body["type"] == "badge.revoked")
    alice = revoked.body["data"]["learner_id"]
    [bob] = {r.body["data"]["learner_id"] for r in receiver.accepted} - {alice}
    assert receiver.events_of(alice) == ["learner.joined", "quest.completed", "badge.awarded",
                                         "badge.revoked"]
    assert receiver.events_of(bob) == ["learner.joined", "quest.completed", "badge.awarded"]
    assert receiver.bad_signatures == 0
    assert receiver.most_in_flight == 1  # one delivery at a time to one endpoint
    assert {500, 503}.issubset(receiver.answers)

    award = next(r.body for r in receiver.accepted if r.body["type"] == "badge.awarded"
                 and r.body["data"]["learner_id"] == alice)["data"]
    award_id = award["award_id"]
    assert award["links"] == {"page": f"{base}/badges/{award_id}",
                              "assertion": f"{base}/ob2/assertions/{award_id}",
                              "credential": f"{base}/ob3/credentials/{award_id}",
                              "png": f"{base}/badges/{award_id}/badge.png"}
    assert "OpenBadgeCredential" in award["credential"]["type"]
    assert award["badge"] == {"key": "badge", "name": "Basics"}
    assert revoked.body["data"]["reason"] == "awarded in error"
    for received in receiver.accepted:  # each body is what the OpenAPI description says
        validate_webhook_body(description, received.body)

    statuses = [a.status_code for a in log]
    assert 500 in statuses and 204 in statuses and None in statuses  # None: timed out
    lines = log_lines(log, "en")
    assert any("delivered (HTTP 204)" in line for line in lines)
    assert any("failed: HTTP 500" in line for line in lines)
    assert any("failed: no answer within 0.5 s" in line for line in lines)
    [shown] = listed
    assert shown.enabled and shown.pending == 0 and shown.failing_since is None
    key = receiver.secret.removeprefix("whsec_")
    assert receiver.secret not in caplog.text and key not in caplog.text
    assert all(key not in (a.error or "") for a in log)


async def _openapi(server: Server) -> dict[str, object]:
    async with aiohttp.ClientSession() as http, \
            http.get(f"{server.base}/openapi.json") as response:
        document: dict[str, object] = await response.json()
    return document


async def test_every_endpoint_gets_the_same_id_and_body_with_its_own_signature(
        tmp_path: Path, quests: Path) -> None:
    """Each event's id and body are fixed at its first attempt, for every endpoint that
    takes it; an endpoint gets only the events it registered for."""
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1))
    async with running_receiver() as first, running_receiver() as second, \
            running_server(tmp_path, clock, quests_dir=quests, **SETTINGS) as server:
        policy = webhook_policy(server.settings)
        _, first.secret = await admin.register(server.services.store, first.url,
                                               "badge.awarded", policy, clock.now())
        _, second.secret = await admin.register(server.services.store, second.url,
                                                "badge.awarded,badge.revoked", policy,
                                                clock.now())
        await server.say("alice", "/join basics")
        await server.say("tina", "/grant alice basics a well done")
        def delivered() -> bool:
            clock.advance(seconds=1)  # time passes: the badge is built, then its webhook
            return len(first.accepted) == len(second.accepted) == 1
        await until(delivered, "the award")
        await server.say("tina", "/revoke alice basics badge awarded in error")
        await until(lambda: len(second.accepted) == 2, "the revocation")
        await asyncio.sleep(0.2)
    assert first.accepted == second.accepted[:1]  # same id, same body
    assert [r.body["type"] for r in second.accepted] == ["badge.awarded", "badge.revoked"]
    assert len(first.accepted) == 1  # not the revocation it did not register for
