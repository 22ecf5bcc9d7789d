"""Messages that do not count towards participation steps (the community's ``messages:``
rules): very short, repeated, near-identical, edited to count again; reactions to one's own
posts still never count. The tutor's /counters shows and resets them. In the engine, through
the fake Telegram and the fake Discord (edits), and the similarity measure's bounds."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questbot.domain.likeness import MAX_CHARS, SKETCH_SIZE, likeness, normal_form, similarity
from questbot.ports import Store
from tests.fakes.discord_api import GENERAL, GUILD_ID, FakeDiscord, snowflake_time
from tests.fakes.telegram_api import FakeTelegram
from tests.game import Game, at, game_catalog
from tests.paths import QUESTS
from tests.server import Server, running_server
from tests.test_discord import adapter_for as discord_adapter
from tests.test_discord import answer_text
from tests.test_discord import fake as fake_discord  # noqa: F401 (a fixture)
from tests.test_telegram import adapter_for as telegram_adapter
from tests.test_telegram import fake as fake_telegram  # noqa: F401 (a fixture)
from tests.test_telegram import said

RULES = """\
time_zone: Europe/London
streaks: {period: day}
messages: {min_chars: 10, ignore_repeats: true, similar: 0.8, remember: 3}
"""


async def chatty(store: Store, tmp_path: Path, rules: str = RULES) -> Game:
    game = Game(store, game_catalog(tmp_path, rules), at("2026-12-01T10:00:00"))
    await game.alice.say("/join chatty")
    return game


async def progress(game: Game) -> str:
    return await game.alice.say("/progress chatty")


async def test_short_messages_do_not_count(store: Store, tmp_path: Path) -> None:
    game = await chatty(store, tmp_path)
    for text in ("hi", "ok!!!!!!!!!!!!", "+1", "👍👍👍👍👍👍👍👍👍👍👍"):
        await game.alice.post(text)
    assert "0/5 messages" in await progress(game)
    await game.alice.post("here is a proper sentence")
    assert "1/5 messages" in await progress(game)


async def test_repeats_and_near_identical_messages_do_not_count(
        store: Store, tmp_path: Path) -> None:
    game = await chatty(store, tmp_path)
    await game.alice.post("Has anyone tried the new list comprehension exercise?")
    await game.alice.post("has anyone tried the new list comprehension exercise")  # repeat
    await game.alice.post("Has anyone tried the new list comprehension exercise??!")
    await game.alice.post("Has anyone tried the new list comprehension exercises?")  # similar
    assert "1/5 messages" in await progress(game)
    await game.alice.post("I think the answer to question three is a generator")
    assert "2/5 messages" in await progress(game)


async def test_only_the_last_few_messages_are_compared(store: Store, tmp_path: Path) -> None:
    game = await chatty(store, tmp_path)
    for text in ("first of my messages today", "a second thing I wanted to say",
                 "thirdly, the homework was fun", "and a fourth remark about loops"):
        await game.alice.post(text)
    # The first is no longer among the last three remembered: it counts again.
    assert "Step done: Talk" in await game.alice.post("first of my messages today")


async def test_without_rules_every_message_counts(store: Store, tmp_path: Path) -> None:
    game = await chatty(store, tmp_path, "time_zone: UTC\n")
    for _ in range(3):
        await game.alice.post("hi")
    assert "3/5 messages" in await progress(game)


@pytest.mark.stores("sqlite", "postgres")
async def test_a_tutor_sees_and_resets_the_counters_with_a_reason(
        store: Store, tmp_path: Path) -> None:
    game = await chatty(store, tmp_path)
    await game.alice.post("a perfectly good message")
    await game.alice.post("a perfectly good message")
    await game.alice.post("no")
    await game.alice.post("another fine message to count")
    counters = await game.tutor.say("/counters console:alice")
    assert "Counters of Alice:" in counters
    assert "• chatty / Talk: 2/5 messages" in counters
    assert "Messages ignored today: 1 too short, 1 repeated" in counters
    assert "Streak: 0 (best: 0)" in counters
    assert "Usage: /counters" in await game.tutor.say("/counters console:alice reset")
    assert "start again" in await game.tutor.say("/counters console:alice reset spam storm")
    counters = await game.tutor.say("/counters console:alice")
    assert "Talk: 0/5 messages" in counters and "ignored today: none" in counters
    await game.alice.post("a perfectly good message")  # forgotten by the reset: counts
    assert "1/5 messages" in await progress(game)
    assert "only tutors" in (await game.alice.say("/counters console:alice")).lower()


async def test_counters_for_someone_never_seen_are_refused(store: Store, tmp_path: Path) -> None:
    game = await chatty(store, tmp_path)
    assert "console:nobody" in await game.tutor.say("/counters console:nobody")


# --- similarity: bounded, and sensible --------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(a=st.text(max_size=5000), b=st.text(max_size=5000))
def test_similarity_is_bounded_symmetric_and_small(a: str, b: str) -> None:
    first, second = likeness(a), likeness(b)
    assert len(first.sketch) <= SKETCH_SIZE and len(second.sketch) <= SKETCH_SIZE
    assert len(normal_form(a)) <= MAX_CHARS
    value = similarity(first.sketch, second.sketch)
    assert 0.0 <= value <= 1.0
    assert value == similarity(second.sketch, first.sketch)
    assert similarity(first.sketch, first.sketch) == 1.0


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="abcdefghij klmnopqrstuvwxyz0123456789", min_size=40,
                    max_size=4000))
def test_case_punctuation_and_spacing_make_a_repeat_still(text: str) -> None:
    seen = likeness(text)
    assert likeness(f"  {text.upper()}!!  ").fingerprint == seen.fingerprint


def test_unrelated_messages_are_not_similar() -> None:
    one = likeness("Does anyone know how decorators keep a function's name?")
    two = likeness("The meetup on Thursday moves to the library, room 4.")
    assert similarity(one.sketch, two.sketch) < 0.3


# --- edits, through the platforms' fakes ------------------------------------------------------

def _folder_with_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "quests"
    shutil.copytree(QUESTS, folder)
    community = (folder / "community.yaml").read_text(encoding="utf-8")
    (folder / "community.yaml").write_text(
        community + "messages: {min_chars: 10, ignore_repeats: true}\n", encoding="utf-8")
    return folder


@pytest.fixture
async def rules_server(tmp_path: Path) -> AsyncIterator[Server]:
    async with running_server(tmp_path, quests_dir=_folder_with_rules(tmp_path)) as server:
        yield server


async def test_telegram_edits_never_count_again(
        rules_server: Server, fake_telegram: FakeTelegram) -> None:  # noqa: F811
    fake = fake_telegram
    adapter = telegram_adapter(rules_server, fake)
    await adapter.start()
    try:
        alice = fake.user(1001, "Alice")
        group = fake.group(-100500, "Python Learners")
        fake.says(alice, "/join python-basics")
        await said(fake, 1001, "You joined Python Basics")
        short = fake.says(alice, "hi", chat=group)  # too short: ignored
        fake.edits_message(alice, short, "hi everyone, glad to be here")  # an edit: ignored
        counted = fake.says(alice, "hello everyone, nice to meet you", chat=group)
        for n in range(3):  # the counted one edited, again and again
            fake.edits_message(alice, counted, f"hello everyone, nice to meet you {n}")
        fake.says(alice, "/progress python-basics")
        progress = await said(fake, 1001, "1/3 messages")
        assert "2/3 messages" not in progress
    finally:
        await adapter.stop()


async def test_discord_edits_never_count_again(
        rules_server: Server, fake_discord: FakeDiscord) -> None:  # noqa: F811
    fake = fake_discord
    adapter = discord_adapter(rules_server, fake)
    await adapter.start()
    try:
        alice = fake.member(800000000000000301, "Alice")
        token = await fake.slash(alice, "join", quest="python-basics")
        await answer_text(fake, token, "You joined")

        async def progress(expected: str) -> str:
            token = await fake.slash(alice, "progress", quest="python-basics")
            return await answer_text(fake, token, expected)

        first = await fake.say(alice, "hello everyone, nice to meet you")
        await progress("1/3 messages")
        for n in range(3):  # Discord sends MESSAGE_UPDATE for an edit
            await fake.dispatch("MESSAGE_UPDATE", {
                "id": str(first), "channel_id": str(GENERAL), "guild_id": str(GUILD_ID),
                "author": alice["user"], "content": f"hello everyone, edited {n}",
                "edited_timestamp": snowflake_time(), "timestamp": snowflake_time(),
                "type": 0, "flags": 0, "attachments": [], "embeds": [], "mentions": []})
        await fake.say(alice, "hello everyone, nice to meet you")  # a repeat: ignored
        await fake.say(alice, "a second, different message here")
        text = await progress("messages")
        if "1/3 messages" in text:  # the last message may still be on its way
            text = await progress("2/3 messages")
        assert "2/3 messages" in text
    finally:
        await adapter.stop()
