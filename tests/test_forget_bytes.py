"""Privacy that really deletes: after /forget confirm, neither the learner's email address nor
their display name is anywhere in the database files' bytes (the main file, -wal and -shm),
including the replies kept seven days for redelivery, while their badges stay valid."""

from __future__ import annotations

import asyncio
import itertools
import json
import sqlite3
from pathlib import Path

import pytest

from questbot.domain import BadgeAwarded, ConversationRef, Event, UserRef, parse_text
from questbot.domain.codec import load_outbounds
from questbot.ports import Store
from questbot.storage import SqliteStore
from questbot.storage.postgres import PostgresStore
from questbot.storage.sql.privacy import SCRUBBED, Personal
from tests.helpers import Player
from tests.server import Server, running_server

pytestmark = pytest.mark.stores("sqlite", "postgres")  # a store-contract module

NAME = "Zoë Quintessa-Marlowe"  # non-ASCII: JSON text escapes it
EMAIL = "Zoe.Quintessa@Example.org"
ZOE = UserRef("console", "zoe")
TINA = UserRef("console", "tina")
_ids = itertools.count(1)


def needles() -> list[bytes]:
    forms = {NAME, EMAIL, EMAIL.lower(), "Quintessa"}
    found = set()
    for form in forms:
        found.add(form.encode())
        found.add(json.dumps(form)[1:-1].encode())  # as it sits inside a JSON column
    return sorted(found)


def database_bytes(path: Path) -> dict[str, bytes]:
    files = {}
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            files[part.name] = part.read_bytes()
    return files


def assert_gone(path: Path) -> None:
    files = database_bytes(path)
    assert files, "no database files"
    for name, data in files.items():
        for needle in needles():
            assert needle not in data, f"{needle!r} is still in {name}"


async def speak(server: Server, user: UserRef, name: str, text: str, *, group: bool = False,
                event_id: str | None = None, reply_to: UserRef | None = None) -> str:
    engine = server.services.engine
    assert engine is not None
    conversation = (ConversationRef("console", "general", "general", private=False) if group
                    else ConversationRef("console", f"dm-{user.user_id}"))
    event = Event(event_id or f"z{next(_ids)}", user, conversation,
                  parse_text(text, "console", reply_to, NAME if reply_to else None), name)
    return "\n".join(getattr(r, "text", "") for r in await engine.handle(event))


async def zoe_says(server: Server, text: str, *, group: bool = False,
                   event_id: str | None = None) -> str:
    return await speak(server, ZOE, NAME, text, group=group, event_id=event_id)


async def wait_for_badge(server: Server, award_id: str) -> None:
    for _ in range(300):
        if await server.services.store.credential(award_id) is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the badge was never built")


async def test_after_forget_the_database_files_hold_neither_email_nor_name(
        tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        store = server.services.store
        assert isinstance(store, SqliteStore)
        path = store.path
        assert NAME in await zoe_says(server, "/start", event_id="zoe-start")
        await zoe_says(server, f"/email {EMAIL}")
        await zoe_says(server, "/showname on")
        await zoe_says(server, "/join python-basics")
        for _ in range(3):
            await zoe_says(server, "hello everyone", group=True)
        export = await zoe_says(server, "/mydata", event_id="zoe-mydata")
        assert EMAIL.lower() in export.lower()
        # A tutor's grant: the badge is built (its credential names a salted hash only).
        told = await speak(server, TINA, "Tina", "/grant community-helper badge helped",
                           group=True, event_id="tina-grant", reply_to=ZOE)
        assert f"to {NAME}" in told  # the tutor's recorded reply names her too
        [award_id] = [d.message.award_id for d in await server.deliveries()
                      if isinstance(d.message, BadgeAwarded)]
        await zoe_says(server, "/progress")  # a message for her waits in the outbox
        await wait_for_badge(server, award_id)
        await server.say("bob", "/start")
        with sqlite3.connect(path) as check:  # the name really was recorded in replies
            replies = " ".join(r for (r,) in check.execute("SELECT replies FROM"
                                                           " processed_events"))
        assert json.dumps(NAME)[1:-1] in replies
        assert EMAIL.lower() in replies.lower()

        done = await zoe_says(server, "/forget confirm")
        assert "personal data are deleted" in done
        assert_gone(path)  # the store checkpointed: no old page in the -wal either

        # Redelivered events are answered as before, minus the personal data.
        again = await zoe_says(server, "/mydata", event_id="zoe-mydata")
        assert "Everything questbot keeps about you" in again
        assert EMAIL.lower() not in again.lower() and SCRUBBED in again
        welcome = await zoe_says(server, "/start", event_id="zoe-start")
        assert welcome.startswith(f"👋 Welcome, {SCRUBBED}!")
        told = await speak(server, TINA, "Tina", "/grant community-helper badge helped",
                           group=True, event_id="tina-grant", reply_to=ZOE)
        assert NAME not in told and f"to {SCRUBBED}" in told
        view = await store.get_award(award_id)
        assert view is not None and not view.award.revoked  # the badge stays valid
        assert view.display_name is None
        assert await store.credential(award_id) is not None
    assert_gone(path)  # and after closing


async def test_forget_scrubs_recorded_replies_and_the_outbox_in_both_stores(
        store: Store, alice: Player, bob: Player, tutor: Player) -> None:
    alice.name = NAME
    await alice.say("/start")
    await alice.say(f"/email {EMAIL}")
    await alice.say("/join python-basics")
    await alice.post()
    await tutor.say("/grant alice community-helper badge helped everyone")
    await bob.say("/start")
    await bob.say("/join python-basics")
    assert "personal data are deleted" in await alice.say("/forget confirm")
    for text in await recorded_texts(store):
        assert NAME not in text and "Quintessa" not in text
        assert EMAIL.lower() not in text.lower()
    assert "Welcome, Bob" in " ".join(await recorded_texts(store))  # others' are untouched
    assert not [d for d in await store.pending_deliveries("console", 500)
                if d.recipient == alice.user]


async def recorded_texts(store: Store) -> list[str]:
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as conn:
            rows = [r for (r,) in conn.execute("SELECT replies FROM processed_events")]
            messages = [r for (r,) in conn.execute("SELECT message FROM outbox")]
    else:
        assert isinstance(store, PostgresStore)
        async with store.pool.acquire() as conn:
            rows = [r[0] for r in await conn.fetch("SELECT replies FROM processed_events")]
            messages = [r[0] for r in await conn.fetch("SELECT message FROM outbox")]
    texts = [getattr(o, "text", "") for raw in rows for o in load_outbounds(raw)]
    return texts + messages


def test_the_scrub_touches_only_peoples_words() -> None:
    personal = Personal.of("Al", "al@example.org")
    raw = json.dumps([{"kind": "Text", "text": "Welcome, Al! Alice and AL stay; al@EXAMPLE.org"},
                      {"kind": "Question", "text": "Al?", "choices": [
                          {"label": "Al", "token": "Al.1"}]},
                      {"kind": "BadgeAwarded", "award_id": "Al", "badge_name": "Al",
                       "quest_title": "q", "url": "http://x/Al", "image_path": None}])
    cleaned = json.loads(personal.scrub(raw) or "null")
    assert cleaned[0]["text"] == f"Welcome, {SCRUBBED}! Alice and AL stay; {SCRUBBED}"
    assert cleaned[1]["text"] == f"{SCRUBBED}?"
    assert cleaned[1]["choices"][0] == {"label": SCRUBBED, "token": "Al.1"}
    assert cleaned[2]["award_id"] == "Al" and cleaned[2]["url"] == "http://x/Al"
    assert Personal.of("Z", None).scrub(raw) is None  # one letter names no one
    assert personal.scrub('[{"kind":"Text","text":"nothing here"}]') is None


@pytest.mark.parametrize("name", ['Dr. "Quote" \\ Back', "名前テスト"])
def test_names_that_json_escapes_are_found(name: str) -> None:
    personal = Personal.of(name, None)
    raw = json.dumps([{"kind": "Text", "text": f"Welcome, {name}!"}])
    assert any(needle in raw.lower() for needle in personal.needles())
    assert json.loads(personal.scrub(raw) or "null")[0]["text"] == f"Welcome, {SCRUBBED}!"
