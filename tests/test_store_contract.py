"""The store contract: one conversation that makes every kind of change gets the same
answers, word for word, from SQLite in memory (what the rule tests use), SQLite on disk and
PostgreSQL. The rules are a pure decision over a snapshot, so a store that loads and writes
what this conversation needs serves every rule test the same way."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

from questbot.catalog import Catalog
from questbot.domain import Event, UserRef
from questbot.domain.changes import Change, Decision
from questbot.domain.messages import PostMessage, React, Submit
from questbot.domain.submissions import Attachment
from questbot.engine import EngineSettings, QuestEngine
from questbot.ports import Decide, LoadRequest, Outcome, Store
from tests.conftest import open_test_store
from tests.helpers import FakeClock, Player, render

ALICE, BOB = UserRef("console", "alice"), UserRef("console", "bob")
ALICE_ELSEWHERE = UserRef("telegram", "4242")
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
ANYTHING_WITH_A_DIGIT = re.compile(r"[A-Za-z0-9_.-]*\d[A-Za-z0-9_.-]*")
UNGUESSABLE = re.compile(r"/(?:evidence|badges|dashboard/sign-in|wallet)/[\w-]+")


class Recording:
    """The store, as the engine sees it, noting the kind of every change it writes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.kinds: set[type] = set()

    async def handle_event(self, platform: str, event_id: str, request: LoadRequest,
                           decide: Decide) -> Outcome:
        def noted(snapshot: typing.Any) -> Decision:
            decision = decide(snapshot)
            self.kinds.update(type(change) for change in decision.changes)
            return decision
        return await self.store.handle_event(platform, event_id, request, noted)

    def __getattr__(self, name: str) -> typing.Any:
        return getattr(self.store, name)


async def emailed(store: Store, pattern: str) -> str:
    """The code in the newest email waiting in the outbox."""
    [*_, last] = await store.pending_deliveries("email", 50)
    found = re.search(pattern, render([last.message]) + getattr(last.message, "claim_code", ""))
    assert found, last
    return found.group(0)


async def conversation(engine: QuestEngine, clock: FakeClock, store: Store) -> list[str]:
    alice, bob = Player(engine, ALICE, "Alice"), Player(engine, BOB, "Bob")
    tina = Player(engine, UserRef("console", "tina"), "Tina")
    elsewhere = Player(engine, ALICE_ELSEWHERE, "Alice T")
    said: list[str] = []

    async def say(player: Player, text: str, private: bool = True) -> str:
        said.append(f"{player.name}> {text}\n{(reply := await player.say(text, private=private))}")
        return reply

    async def send(player: Player, command: typing.Any, private: bool = True) -> None:
        said.append(f"{player.name}> {command!r}\n{await player.send(command, private=private)}")

    await say(alice, "/start")
    await say(alice, "/join python-basics")
    for number in range(3):
        event = Event(f"post{number}", ALICE, alice.conversation(False),
                      PostMessage(f"hello {number}"), "Alice", message_id=f"m{number}")
        said.append(f"Alice posts\n{render(await engine.handle(event))}")
    await say(alice, "/quiz")
    await say(alice, "2")
    code = (await say(tina, "/code python-basics meetup")).split("): ")[1].split("\n")[0]
    await say(alice, f"/checkin {(int(code) + 1) % 10**6:06}")
    await say(bob, f"/checkin {code}")
    await say(alice, f"/checkin {code}")
    await say(alice, "/join community-helper")
    for post in ("m1", "m2"):
        await send(alice, React(post, BOB), private=False)
    await say(tina, "/grant alice community-helper badge ran the help desk")
    for quest in ("python-basics", "git-workshop"):  # with the elective: the sample pathway
        await say(tina, f"/grant alice {quest} badge finished it")
    # the pathway badge stays, and the admins are told (NotifyAccount)
    await say(tina, "/revoke alice community-helper badge granted by mistake")
    await say(alice, "/email alice@example.org")
    confirm = await emailed(store, r"[A-Z0-9]{4}-[A-Z0-9]{6}")
    await say(alice, "/email ZZZZ-ZZZZZZ")
    await say(alice, f"/email {confirm}")
    await say(tina, "/grant email:kim@example.org python-basics badge finished offline")
    claim = await emailed(store, r"[A-Z0-9]{4}-[A-Z0-9]{6}")
    await say(bob, "/claim ZZZZ-ZZZZZZ")
    await say(bob, f"/claim {claim}")
    await say(alice, "/showname on")
    link = (await say(alice, "/link")).split("code is ")[1].split(".")[0]
    await say(elsewhere, "/link WRONGCODE")
    clock.advance(seconds=1)
    await say(elsewhere, f"/link {link}")
    await say(elsewhere, "/submit portfolio repository https://github.com/alice/weather-app")
    await send(elsewhere, Submit("portfolio", "write-up", None, Attachment("notes.pdf", PDF)))
    waiting = re.search(r"^(\w+): ", await say(tina, "/review"), re.MULTILINE)
    assert waiting, said[-1]
    await say(tina, f"/approve {waiting[1]} clear and honest")  # the portfolio is complete
    await say(tina, "/counters alice")
    await say(tina, "/counters alice reset a burst of one-word posts")
    await say(alice, "/reminders off")
    await say(tina, "/dashboard")
    await say(alice, "/progress")
    await say(alice, "/badges")
    await say(alice, "/wallet")
    await say(alice, "/wallet hide 1")
    await say(bob, "/forget confirm")
    await say(bob, "/progress")
    codes = {link: "CODE", confirm: "CONFIRMATION", claim: "CLAIM"}
    return [ANYTHING_WITH_A_DIGIT.sub("#", UNGUESSABLE.sub("/REF", replaced(line, codes)))
            for line in said]


def replaced(line: str, codes: dict[str, str]) -> str:
    for code, name in codes.items():
        line = line.replace(code, name)
    return line


async def test_every_store_answers_one_conversation_alike_and_it_makes_every_change(
        tmp_path: Path, catalog: Catalog, settings: EngineSettings) -> None:
    transcripts: dict[str, list[str]] = {}
    for kind in ("memory", "sqlite", "postgres"):
        clock = FakeClock()
        async with open_test_store(kind, tmp_path) as store:
            recording = Recording(store)
            engine = QuestEngine(typing.cast(Store, recording), catalog,
                                 dataclasses.replace(settings, email_enabled=True), clock=clock)
            transcripts[kind] = await conversation(engine, clock, store)
            missing = set(typing.get_args(Change)) - recording.kinds
            assert sorted(t.__name__ for t in missing) == []
    assert transcripts["sqlite"] == transcripts["memory"]
    assert transcripts["postgres"] == transcripts["memory"]
