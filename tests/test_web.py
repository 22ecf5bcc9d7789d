from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from questbot.app.config import Settings, load_settings
from questbot.app.runtime import SERVICES, build_app
from questbot.domain import BadgeAwarded, ConversationRef, Event, UserRef, parse_text
from tests.conftest import QUESTS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[tuple[web.Application, Settings]]:
    port = free_port()
    settings = load_settings(environ={"QUESTBOT_CONFIG": str(tmp_path / "none.toml")},
                             overrides={"data_dir": tmp_path, "quests_dir": QUESTS,
                                        "port": port, "tutors": ("console:tina",)})
    app = build_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield app, settings
    await runner.cleanup()


async def say(app: web.Application, user: str, text: str, n: list[int] = [0]) -> list[object]:  # noqa: B006
    engine = app[SERVICES].engine
    assert engine is not None
    n[0] += 1
    ref = UserRef("console", user)
    event = Event(f"w{n[0]}", ref, ConversationRef("console", "dm"), parse_text(text, "console"))
    return list(await engine.handle(event))


async def test_a_badge_url_serves_a_page_and_json(
        running: tuple[web.Application, Settings]) -> None:
    app, settings = running
    replies = await say(app, "tina", "/grant alice python-basics badge finished the course")
    assert replies
    outbox = await app[SERVICES].store.pending_deliveries("console")
    [badge] = [d.message for d in outbox if isinstance(d.message, BadgeAwarded)]
    assert badge.url.startswith(settings.public_base_url + "/badges/")
    async with aiohttp.ClientSession() as http:
        async with http.get(badge.url, headers={"Accept": "application/json"}) as response:
            assert response.status == 200
            data = await response.json()
        assert data["badge"] == "Python Basics" and data["status"] == "valid"
        assert data["evidence"]["reason"] == "finished the course"
        async with http.get(badge.url) as response:
            assert response.status == 200
            assert "Python Basics" in await response.text()
        await say(app, "tina", "/revoke alice python-basics badge mistake")
        async with http.get(badge.url, headers={"Accept": "application/json"}) as response:
            assert (await response.json())["status"] == "revoked"
        async with http.get(settings.public_base_url + "/badges/not-a-badge") as response:
            assert response.status == 404
            assert "No such badge" in await response.text()
