"""1,000 learners at once, with tutors granting and revoking among them, end exactly where a
sequential replay of the same events ends: the same replies to every event, the same rows in
every table. The replay takes the events in the order the concurrent run committed them, so
whatever the interleaving was, the concurrent run must equal one serial history: no lost
update, no doubled award, no reply that disagrees with the state."""

from __future__ import annotations

import asyncio
import itertools
import random
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from questbot.catalog import Catalog
from questbot.domain import ConversationRef, Event, UserRef, parse_text
from questbot.engine import EngineSettings, QuestEngine
from questbot.storage import SqliteStore
from tests.helpers import FakeClock, render

LEARNERS = 1_000
TUTORS = [UserRef("console", f"tutor{n}") for n in range(8)]
GRANTS_PER_TUTOR = 150
# Columns whose values are drawn at random or read from the wall clock, not decided by the
# events: everything else must be equal, row for row.
UNDECIDED = {("awards", "status_index"), ("learners", "recipient_token"),
             ("processed_events", "processed_at"), ("outbox", "created_at"),
             ("outbox", "delivered_at")}


def learner_script(n: int) -> list[tuple[str, bool]]:
    """(text, private) in the order learner n sends them."""
    script = [("/join python-basics", True), ("/join community-helper", True)]
    script += [(f"hello {k} from {n}", False) for k in range(3)]
    script += [("/quiz python-basics", True), ("2", True), ("def", True),
               ("1" if n % 3 else "2", True), ("ab", True)]  # a third of them fail once
    script += [("/channel help", False), ("/progress", True)]
    return script


def tutor_script(chance: random.Random) -> list[str]:
    actions = []
    for _ in range(GRANTS_PER_TUTOR):
        learner = f"l{chance.randrange(LEARNERS)}"
        match chance.randrange(4):
            case 0:  # depends on whether the learner has posted in #help yet
                actions.append(f"/grant {learner} community-helper recognised seen helping")
            case 1:
                actions.append(f"/grant {learner} git-workshop badge ran the workshop")
            case 2:  # depends on whether someone granted it already
                actions.append(f"/revoke {learner} git-workshop badge granted by mistake")
            case _:
                actions.append(f"/grant {learner} python-basics meetup was there")
    return actions


class Run:
    """An engine on a fresh SQLite file, with ids and time that only the events decide."""

    def __init__(self, path: Path, catalog: Catalog) -> None:
        self.path = path
        self.store = SqliteStore(path)
        ids = itertools.count(1)  # called inside each decision, in commit order
        settings = EngineSettings(tutors=frozenset(TUTORS))
        self.engine = QuestEngine(self.store, catalog, settings, clock=FakeClock(),
                                  id_factory=lambda: f"id{next(ids):07d}")
        self.replies: dict[str, str] = {}

    async def handle(self, event: Event) -> None:
        self.replies[event.event_id] = render(await self.engine.handle(event))

    def commit_order(self) -> list[str]:
        with closing(sqlite3.connect(self.path)) as conn:
            return [row[0] for row in conn.execute(
                "SELECT event_id FROM processed_events ORDER BY rowid")]

    def tables(self) -> dict[str, list[tuple[Any, ...]]]:
        with closing(sqlite3.connect(self.path)) as conn:
            names = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            dump = {}
            for name in names:
                columns = [r[1] for r in conn.execute(f"PRAGMA table_info({name})")
                           if (name, r[1]) not in UNDECIDED]
                rows = conn.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
                dump[name] = sorted((tuple(r) for r in rows), key=repr)
            return dump


def events(chance: random.Random) -> tuple[list[list[Event]], dict[str, Event]]:
    """Each sender's events, in the order that sender sends them."""
    senders: list[list[Event]] = []
    ids = itertools.count(1)
    for n in range(LEARNERS):
        user = UserRef("console", f"l{n}")
        channel = "general"
        mine = []
        for line, private in learner_script(n):
            text = line
            if line.startswith("/channel "):
                channel = line.split()[1]
                text = f"thanks, that helped ({n})"  # a message in #help
            conversation = ConversationRef("console", f"dm-l{n}") if private else \
                ConversationRef("console", channel, channel, private=False)
            mine.append(Event(f"e{next(ids)}", user, conversation, parse_text(text, "console"),
                              f"L{n}"))
        senders.append(mine)
    for tutor in TUTORS:
        senders.append([Event(f"e{next(ids)}", tutor,
                              ConversationRef("console", f"dm-{tutor.user_id}"),
                              parse_text(text, "console"), tutor.user_id.capitalize())
                        for text in tutor_script(chance)])
    return senders, {e.event_id: e for sender in senders for e in sender}


async def play(run: Run, senders: list[list[Event]], chance: random.Random) -> None:
    async def sender(queue: list[Event], nudge: Callable[[], float]) -> None:
        for event in queue:
            await run.handle(event)
            if nudge() < 0.2:  # vary the interleaving from run to run
                await asyncio.sleep(0)

    order = list(senders)
    chance.shuffle(order)
    await asyncio.gather(*(sender(q, random.Random(chance.random()).random) for q in order))


@pytest.mark.timeout(180)
async def test_a_thousand_learners_and_tutors_equal_a_sequential_replay(
        tmp_path: Path, catalog: Catalog) -> None:
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    senders, by_id = events(chance)

    concurrent = Run(tmp_path / "concurrent.sqlite3", catalog)
    await concurrent.store.open()
    began = time.monotonic()
    await play(concurrent, senders, chance)
    took = time.monotonic() - began
    batches, jobs = concurrent.store.writer.batches, concurrent.store.writer.jobs
    await concurrent.store.close()
    order = concurrent.commit_order()
    assert len(order) == len(set(order))
    assert set(order) <= set(by_id)

    replay = Run(tmp_path / "replay.sqlite3", catalog)
    await replay.store.open()
    for event_id in [*order, *(e for e in by_id if e not in set(order))]:
        await replay.handle(by_id[event_id])  # one at a time, one commit each
    await replay.store.close()

    different = [(e, concurrent.replies[e], replay.replies[e]) for e in by_id
                 if concurrent.replies[e] != replay.replies[e]]
    assert different[:3] == [], f"seed {seed}"
    assert concurrent.tables() == replay.tables(), f"seed {seed}"
    assert replay.commit_order() == order

    state = concurrent.tables()
    awards = state["awards"]
    revoked = sum(1 for row in awards if "granted by mistake" in repr(row))
    assert len(awards) > LEARNERS and revoked > 20  # the scenario did what it is for
    print(f"seed {seed}: {len(by_id)} events from {LEARNERS} learners and {len(TUTORS)}"
          f" tutors in {took:.1f} s ({jobs / max(batches, 1):.1f} events a commit);"
          f" {len(awards)} awards, {revoked} revoked; replay identical")
