"""A small quest folder for the game's rules (streaks, reminders, message rules): a community
file written per test, and a quest whose steps are one message each, each in its own
channel, so a learner completes exactly one step per message they choose to send."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

from questbot.catalog import Catalog, load_catalog
from questbot.domain import Text, UserRef
from questbot.engine import EngineSettings, QuestEngine
from questbot.ports import Store
from tests.helpers import FakeClock, Player

DAILY = """\
schema_version: 1
id: daily
title: Daily Practice
badge: {name: Daily Practice, description: Practised every day., criteria: Ten posts.}
steps:
"""
HALFWAY = """\
schema_version: 1
id: halfway
title: Two Steps
badge: {name: Two Steps, description: Two steps done., criteria: Two posts.}
steps:
  - {id: first, kind: participation, title: First post, action: message, channel: one}
  - {id: second, kind: participation, title: Second post, action: message, channel: two}
"""
CHATTY = """\
schema_version: 1
id: chatty
title: Chatty
badge: {name: Chatty, description: Talked., criteria: Five messages.}
steps:
  - {id: talk, kind: participation, title: Talk, action: message, count: 5}
"""


def game_catalog(folder: Path, community: str) -> Catalog:
    folder.mkdir(parents=True, exist_ok=True)
    steps = "".join(f"  - {{id: s{n}, kind: participation, title: Step {n}, action: message,"
                    f" channel: c{n}}}\n" for n in range(1, 31))
    (folder / "daily.yaml").write_text(DAILY + steps, encoding="utf-8")
    (folder / "halfway.yaml").write_text(HALFWAY, encoding="utf-8")
    (folder / "chatty.yaml").write_text(CHATTY, encoding="utf-8")
    (folder / "community.yaml").write_text(
        "schema_version: 1\nkind: community\nid: club\n" + textwrap.dedent(community),
        encoding="utf-8")
    report = load_catalog(folder)
    assert report.problems == []
    return report.catalog


def at(text: str) -> datetime:
    """An aware moment from ISO text; a bare time is UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Game:
    """An engine over a game catalog, a clock, and a learner who posts in channels."""

    def __init__(self, store: Store, catalog: Catalog, start: datetime,
                 learner: str = "alice") -> None:
        self.store = store
        self.clock = FakeClock(start)
        self.engine = QuestEngine(store, catalog, EngineSettings(
            tutors=frozenset({UserRef("console", "tina")})), clock=self.clock)
        self.alice = Player(self.engine, UserRef("console", learner), learner.title())
        self.tutor = Player(self.engine, UserRef("console", "tina"), "Tina")
        self._step = 0

    async def step_at(self, moment: datetime | str) -> str:
        """Alice completes the next step of the daily quest at ``moment``."""
        self.clock.current = at(moment) if isinstance(moment, str) else moment
        self._step += 1
        self.alice.channel = f"c{self._step}"
        return await self.alice.post(f"step {self._step}")

    async def nudges_at(self, moment: str) -> list[str]:
        """Run the reminder scan at ``moment``; the texts it queued for Alice since."""
        self.clock.current = at(moment)
        await self.engine.send_nudges(self.store)
        return await self.outbox()

    async def outbox(self) -> list[str]:
        pending = await self.store.pending_deliveries("console", 500)
        texts = [d.message.text for d in pending if isinstance(d.message, Text)]
        if pending:
            await self.store.mark_delivered([d.delivery_id for d in pending])
        return texts
