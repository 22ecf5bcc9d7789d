"""A reaction step counts distinct posts, not reaction events; reactions to one's own posts
and anything the bot does not count. In the engine on both stores, then through the fake
Telegram and the fake Discord."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from questbot_discord.adapter import DiscordAdapter
from questbot_telegram.adapter import TelegramAdapter

from questbot.domain import ConversationRef, Event, UserRef
from questbot.domain.messages import ForgetMe, PostMessage, React
from questbot.engine import QuestEngine
from tests.fakes.discord_api import BOT_ID, FakeDiscord, user_json
from tests.fakes.telegram_api import BOT, FakeTelegram
from tests.helpers import FakeClock, Player, render
from tests.server import Server, running_server
from tests.test_discord import adapter_for as discord_adapter
from tests.test_discord import answer_text
from tests.test_discord import fake as fake_discord  # noqa: F401 (a fixture)
from tests.test_telegram import adapter_for as telegram_adapter
from tests.test_telegram import fake as fake_telegram  # noqa: F401 (a fixture)
from tests.test_telegram import said

_ids = itertools.count(1)
BOB = UserRef("console", "bob")


async def never_seen(server: Server, account: UserRef) -> bool:
    """True if questbot keeps nothing about the account (asked without changing anything)."""
    engine = server.services.engine
    assert engine is not None
    event = Event(f"q{next(_ids)}", account, ConversationRef(account.platform, "dm"),
                  ForgetMe())
    return "keeps nothing about you" in render(await engine.handle(event))


async def react(player: Player, post: str, author: UserRef | None = None) -> str:
    return await player.send(React(post, author), private=False)


async def post(player: Player, message_id: str) -> str:
    """A channel message the platform names (so its author is remembered)."""
    event = Event(f"p{next(_ids)}", player.user, player.conversation(False),
                  PostMessage("hello"), player.name, message_id=message_id)
    return render(await player.engine.handle(event))


async def test_one_post_counts_once_however_its_reactions_change(alice: Player) -> None:
    await alice.say("/join community-helper")
    for _ in range(5):  # five emoji on one post, or one reaction changed five times
        await react(alice, "m1", BOB)
    assert "1/5 reactions" in await alice.say("/progress community-helper")
    for message_id in ("m2", "m3", "m4"):
        await react(alice, message_id, BOB)
    assert "4/5 reactions" in await alice.say("/progress community-helper")
    assert "Step done: Cheer others on" in await react(alice, "m5", BOB)


async def test_reactions_to_ones_own_posts_do_not_count(engine: QuestEngine,
                                                        alice: Player) -> None:
    await alice.say("/join community-helper")
    await react(alice, "m1", alice.user)  # the platform says who wrote it
    await post(alice, "m2")
    await react(alice, "m2")  # the platform does not say: the store remembers
    assert "0/5 reactions" in await alice.say("/progress community-helper")
    # a post by another account linked to the same learner is one's own too
    other = Player(engine, UserRef("console", "alice2"), "Alice again")
    code = (await alice.say("/link")).split("link code is ")[1].split(".")[0]
    assert "Linked!" in await other.say(f"/link {code}")
    await react(alice, "m3", other.user)
    await post(other, "m4")
    await react(alice, "m4")
    assert "0/5 reactions" in await alice.say("/progress community-helper")
    await react(alice, "m5", BOB)
    assert "1/5 reactions" in await alice.say("/progress community-helper")


async def test_others_reactions_to_a_remembered_post_count(alice: Player, bob: Player) -> None:
    await bob.say("/join community-helper")
    await post(alice, "m1")
    await react(bob, "m1")
    await react(bob, "m1")
    assert "1/5 reactions" in await bob.say("/progress community-helper")


async def test_who_wrote_a_post_is_remembered_for_a_week_only(alice: Player, bob: Player,
                                                              clock: FakeClock) -> None:
    await alice.say("/join community-helper")
    await post(alice, "old")
    clock.advance(days=8)
    await post(bob, "new")  # remembering a post forgets those older than a week
    await react(alice, "old")  # its author is not known any more: it counts
    assert "1/5 reactions" in await alice.say("/progress community-helper")


async def test_a_terminal_reaction_without_a_post_counts_each_time(alice: Player) -> None:
    await alice.say("/join community-helper")
    await alice.react()
    await alice.react()
    assert "2/5 reactions" in await alice.say("/progress community-helper")


# --- the fake Telegram ------------------------------------------------------------------------
ALICE_ID, BOB_ID = 3001, 3002
GROUP_ID = -100500


@pytest.fixture
async def telegram_bot(tmp_path: Path, fake_telegram: FakeTelegram  # noqa: F811
                       ) -> AsyncIterator[tuple[Server, TelegramAdapter]]:
    async with running_server(tmp_path) as server:
        adapter = telegram_adapter(server, fake_telegram)
        await adapter.start()
        try:
            yield server, adapter
        finally:
            await adapter.stop()


async def test_telegram_counts_posts_not_reaction_updates(
        telegram_bot: tuple[Server, TelegramAdapter], fake_telegram: FakeTelegram  # noqa: F811
) -> None:
    server, _ = telegram_bot
    fake = fake_telegram
    alice, bob = fake.user(ALICE_ID, "Alice"), fake.user(BOB_ID, "Bob")
    group = fake.group(GROUP_ID, "Python Learners")
    fake.says(alice, "/join community-helper")
    await said(fake, ALICE_ID, "You joined Community Helper")
    posts = [fake.says(bob, f"tip {n}", chat=group)["message_id"] for n in range(5)]
    mine = fake.says(alice, "my own tip", chat=group)["message_id"]
    fake.reacts(alice, group, posts[0], "👍")
    fake.reacts(alice, group, posts[0], "🔥", instead_of="👍")  # changed: the same post
    fake.reacts(alice, group, posts[0], "🎉", instead_of="🔥")
    fake.reacts(alice, group, mine, "👍")  # her own post
    fake.reacts(BOT, group, posts[1], "👍")  # the bot itself
    fake.says(alice, "/progress community-helper")
    await said(fake, ALICE_ID, "1/5 reactions")
    for message_id in posts[1:]:
        fake.reacts(alice, group, message_id, "👍")
    await said(fake, GROUP_ID, "Step done: Cheer others on")
    assert await never_seen(server, UserRef("telegram", str(BOT["id"])))


# --- the fake Discord -------------------------------------------------------------------------
ALICE, BOB_D = 800000000000000301, 800000000000000302


@pytest.fixture
async def discord_bot(tmp_path: Path, fake_discord: FakeDiscord  # noqa: F811
                      ) -> AsyncIterator[tuple[Server, DiscordAdapter]]:
    async with running_server(tmp_path) as server:
        adapter = discord_adapter(server, fake_discord)
        await adapter.start()
        try:
            yield server, adapter
        finally:
            await adapter.stop()


async def test_discord_counts_posts_not_reaction_events(
        discord_bot: tuple[Server, DiscordAdapter], fake_discord: FakeDiscord  # noqa: F811
) -> None:
    server, _ = discord_bot
    fake = fake_discord
    alice, bob = fake.member(ALICE, "Alice"), fake.member(BOB_D, "Bob")
    bot = {**fake.member(BOT_ID, "Questbot"), "user": user_json(BOT_ID, "Questbot", bot=True)}
    token = await fake.slash(alice, "join", quest="community-helper")
    await answer_text(fake, token, "You joined")
    posts = [await fake.say(bob, f"tip {n}") for n in range(5)]
    mine = await fake.say(alice, "my own tip")
    for emoji in ("👍", "🔥", "🎉", "👀", "✅"):  # five emoji on one post
        await fake.react(alice, posts[0], emoji=emoji, author=bob)
    await fake.react(alice, mine, author=alice)  # her own post
    await fake.react(bot, posts[1], author=bob)  # the bot itself
    token = await fake.slash(alice, "progress", quest="community-helper")
    assert "1/5 reactions" in await answer_text(fake, token, "reactions")
    for message_id in posts[1:]:
        await fake.react(alice, message_id, author=bob)
    await fake.wait_for(lambda: any("Step done: Cheer others on" in (p.content or "")
                                    for p in fake.posts))
    assert await never_seen(server, UserRef("discord", str(BOT_ID)))
