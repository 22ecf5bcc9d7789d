"""A running questbot (store, engine, badge server) on a real port, for the badge tests."""

from __future__ import annotations

import itertools
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from questbot.app.config import Settings, load_settings
from questbot.app.runtime import SERVICES, Services, build_app
from questbot.domain import BadgeAwarded, ConversationRef, Event, UserRef, parse_text
from questbot.domain.messages import Delivery
from tests.helpers import FakeClock
from tests.paths import QUESTS

_ids = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    app: web.Application
    settings: Settings
    clock: FakeClock

    @property
    def services(self) -> Services:
        return self.app[SERVICES]

    @property
    def base(self) -> str:
        return self.settings.public_base_url

    async def say(self, user: str, text: str) -> str:
        engine = self.services.engine
        assert engine is not None
        event = Event(f"s{next(_ids)}", UserRef("console", user),
                      ConversationRef("console", f"dm-{user}"), parse_text(text, "console"),
                      user.capitalize())
        replies = await engine.handle(event)
        return "\n".join(getattr(r, "text", "") for r in replies)

    async def deliveries(self) -> list[Delivery]:
        pending = await self.services.store.pending_deliveries("console", 500)
        await self.services.store.mark_delivered([d.delivery_id for d in pending])
        return pending

    async def grant_badge(self, learner: str = "alice", quest: str = "python-basics",
                          item: str = "badge", reason: str = "finished the course") -> str:
        """Award a badge through a tutor's grant; returns its id."""
        await self.say(learner, "/start")  # tutors grant to learners the bot knows
        await self.say("tina", f"/grant {learner} {quest} {item} {reason}")
        badges = [d.message for d in await self.deliveries()
                  if isinstance(d.message, BadgeAwarded)]
        assert badges, "no badge was awarded"
        return badges[-1].award_id


@asynccontextmanager
async def running_server(folder: Path, clock: FakeClock | None = None,
                         **overrides: object) -> AsyncIterator[Server]:
    port = free_port()
    settings = load_settings(environ={"QUESTBOT_CONFIG": ""},
                             overrides={"data_dir": folder / "data", "quests_dir": QUESTS,
                                        "port": port, "tutors": ("console:tina",),
                                        "reload_interval": 0, **overrides})
    # Independent verifiers check dates against the real time, so the server's clock starts there.
    clock = clock or FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1))
    app = build_app(settings, clock)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield Server(app, settings, clock)
    finally:
        await runner.cleanup()
