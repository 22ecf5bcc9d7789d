"""The Discord adapter against a fake Discord (REST + gateway over real sockets), as members
would use it: slash commands, buttons, forms, channel messages, reactions, DMs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from questbot_discord.adapter import DiscordAdapter
from questbot_discord.render import question_view

from questbot.app.config import load_settings
from questbot.badges.bake import OB2_KEYWORD, OB3_KEYWORD, unbake
from questbot.domain import Choice, ConfigError, Event, Outbound, Question
from questbot.ports import EventHandler
from questbot.web import WEB
from tests.adapters import context_for, discord_settings
from tests.fakes.discord_api import GENERAL, HELP, TUTOR_ROLE, FakeDiscord, Post
from tests.server import Server, running_server

ALICE, BOB, TINA = 800000000000000101, 800000000000000102, 800000000000000103


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    api = FakeDiscord()
    await api.start()
    yield api
    await api.stop()


def adapter_for(server: Server, fake: FakeDiscord, engine: EventHandler | None = None,
                **settings: Any) -> DiscordAdapter:
    own = discord_settings(fake, **settings)
    return DiscordAdapter(context_for(server, own, engine), own, outbox_interval=0.2)


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeDiscord) -> AsyncIterator[Server]:
    async with running_server(tmp_path) as server:
        adapter = adapter_for(server, fake)
        await adapter.start()
        try:
            yield server
        finally:
            await adapter.stop()


async def answer_text(fake: FakeDiscord, token: str, text: str) -> str:
    await fake.wait_for(lambda: text in fake.text_of(token))
    return fake.text_of(token)


def question(fake: FakeDiscord, token: str) -> Post:
    return [p for p in fake.to_interaction(token) if p.buttons()][-1]


def button(post: Post, label: str) -> str:
    return str(next(b["custom_id"] for b in post.buttons() if b["label"] == label))


async def test_a_member_plays_a_quest_to_a_badge_that_still_verifies(
        bot: Server, fake: FakeDiscord) -> None:
    alice, tina = fake.member(ALICE, "Alice"), fake.member(TINA, "Tina", tutor=True)
    assert {c["name"] for c in fake.commands} >= {"join", "quiz", "checkin", "grant", "badges"}

    token = await fake.slash(alice, "join", quest="python-basics")
    await answer_text(fake, token, "You joined Python Basics")
    assert fake.to_interaction(token)[0].callback_type == 5  # deferred first
    assert fake.to_interaction(token)[0].ephemeral
    for n in range(3):
        await fake.say(alice, f"hello everyone {n}")
    await fake.wait_for(lambda: any("Step done: Say hello" in (p.content or "")
                                    for p in fake.posts if p.channel_id == GENERAL))

    token = await fake.slash(alice, "quiz")
    await answer_text(fake, token, "Question 1/4")
    await fake.press(alice, button(question(fake, token), "2"))
    await fake.wait_for(lambda: any("Question 2/4" in (p.content or "") for p in fake.posts))
    typed = next(p for p in fake.posts if "Question 2/4" in (p.content or ""))
    assert typed.buttons()[0]["custom_id"].startswith("qb:t:")
    form = await fake.press(alice, typed.buttons()[0]["custom_id"])
    await fake.wait_for(lambda: any(p.callback_type == 9 for p in fake.to_interaction(form)))
    modal = next(p for p in fake.to_interaction(form) if p.callback_type == 9).data
    field = modal["components"][0]["components"][0]["custom_id"]
    await fake.submit_modal(alice, modal["custom_id"], field, "def")
    await fake.wait_for(lambda: any("Question 3/4" in (p.content or "") for p in fake.posts))
    third = next(p for p in fake.posts if "Question 3/4" in (p.content or ""))
    await fake.press(alice, button(third, "True"))
    await fake.wait_for(lambda: any("Question 4/4" in (p.content or "") for p in fake.posts))
    token = await fake.slash(alice, "answer", text="ab")
    await answer_text(fake, token, "You scored 4/4")

    token = await fake.slash(tina, "code", quest="python-basics")
    code = (await answer_text(fake, token, "Check-in code")).split("): ")[1].split("\n")[0]
    token = await fake.slash(alice, "checkin", code=code)
    await fake.wait_for(lambda: any(p.files for p in fake.to_interaction(token)))
    badge = next(p for p in fake.to_interaction(token) if p.files)
    [(name, png)] = badge.files.items()
    assert name == "python-basics.png"
    assert badge.embeds[0]["title"] == "Python Basics"
    assert "linkedin.com/profile/add" in str(badge.embeds[0])
    assert {OB2_KEYWORD, OB3_KEYWORD} <= set(unbake(png))
    verdict = await bot.app[WEB].verifier.verify_bytes(png, datetime.now(UTC))
    assert verdict.status == "valid", verdict.to_json()


async def test_learners_cannot_grant_and_a_tutors_grant_reaches_the_learner_by_dm(
        bot: Server, fake: FakeDiscord) -> None:
    alice, bob = fake.member(ALICE, "Alice"), fake.member(BOB, "Bob")
    tina = fake.member(TINA, "Tina", tutor=True)
    token = await fake.slash(alice, "grant", learner=bob, quest="community-helper",
                             item="badge", reason="nice")
    await answer_text(fake, token, "Only tutors can do that")
    token = await fake.slash(tina, "grant", learner=bob, quest="community-helper",
                             item="badge", reason="ran the help desk")
    await answer_text(fake, token, "Awarded the Community Helper badge to Bob")
    await fake.wait_for(lambda: any("Tina awarded you the Community Helper badge"
                                    in (p.content or "") for p in fake.dms_to(BOB)))
    await fake.wait_for(lambda: any(p.files for p in fake.dms_to(BOB)))
    dm = next(p for p in fake.dms_to(BOB) if p.files)
    assert "linkedin.com/profile/add" in str(dm.embeds)


async def test_a_dm_whose_answer_is_lost_is_sent_again_but_arrives_once(
        bot: Server, fake: FakeDiscord) -> None:
    bob, tina = fake.member(BOB, "Bob"), fake.member(TINA, "Tina", tutor=True)
    fake.lose_answer_next = 2  # the text and the badge are stored, the answers are lost
    token = await fake.slash(tina, "grant", learner=bob, quest="community-helper",
                             item="badge", reason="ran the help desk")
    await answer_text(fake, token, "Awarded the Community Helper badge to Bob")
    await fake.wait_for(lambda: fake.lose_answer_next == 0)
    await asyncio.sleep(1.5)  # the outbox tried the delivery again, a few rounds
    told = [p for p in fake.dms_to(BOB) if "Tina awarded you" in (p.content or "")]
    assert len(told) == 1
    assert len([p for p in fake.dms_to(BOB) if p.files]) == 1
    assert await bot.services.store.pending_deliveries("discord") == []


async def test_closed_dms_fall_back_to_the_configured_channel(tmp_path: Path,
                                                               fake: FakeDiscord) -> None:
    async with running_server(tmp_path) as server:
        adapter = adapter_for(server, fake, fallback_channel=str(HELP))
        await adapter.start()
        try:
            bob, tina = fake.member(BOB, "Bob"), fake.member(TINA, "Tina", tutor=True)
            fake.closed_dms.add(BOB)
            await fake.slash(tina, "grant", learner=bob, quest="python-basics", item="say-hello",
                             reason="very chatty")
            await fake.wait_for(lambda: any(
                p.channel_id == HELP and f"<@{BOB}>" in (p.content or "") for p in fake.posts))
        finally:
            await adapter.stop()


async def test_messages_in_a_named_channel_and_reactions_count(
        bot: Server, fake: FakeDiscord) -> None:
    alice = fake.member(ALICE, "Alice")
    token = await fake.slash(alice, "join", quest="community-helper")
    await answer_text(fake, token, "You joined")
    for _ in range(2):
        await fake.say(alice, "try restarting the kernel", channel=HELP)
    await fake.wait_for(lambda: any("Step done: Answer in #help" in (p.content or "")
                                    for p in fake.posts if p.channel_id == HELP))
    for message_id in range(5):
        await fake.react(alice, 900 + message_id)
    await fake.wait_for(lambda: any("Step done: Cheer others on" in (p.content or "")
                                    for p in fake.posts))


async def test_a_gateway_event_delivered_twice_is_applied_once(
        bot: Server, fake: FakeDiscord) -> None:
    alice = fake.member(ALICE, "Alice")
    token = await fake.slash(alice, "join", quest="python-basics")
    await answer_text(fake, token, "You joined")
    message_id = await fake.say(alice, "hello")
    await fake.dispatch("MESSAGE_CREATE", fake.dispatched[-1]["d"], again=True)
    await fake.say(alice, "and again", message_id=message_id)  # the same message id
    token = await fake.slash(alice, "progress")
    text = await answer_text(fake, token, "messages")
    assert "1/3 messages" in text


class SlowEngine:
    """An engine that takes longer than Discord's 3 seconds (a slow disk, a big badge)."""

    def __init__(self, engine: EventHandler, delay: float) -> None:
        self._engine = engine
        self._delay = delay

    async def handle(self, event: Event) -> list[Outbound]:
        await asyncio.sleep(self._delay)
        return await self._engine.handle(event)


async def test_interactions_are_acknowledged_within_three_seconds(
        tmp_path: Path, fake: FakeDiscord) -> None:
    async with running_server(tmp_path) as server:
        assert server.services.engine is not None
        adapter = adapter_for(server, fake, engine=SlowEngine(server.services.engine, 3.5))
        await adapter.start()
        try:
            tina = fake.member(TINA, "Tina", tutor=True)
            sent = asyncio.get_running_loop().time()
            token = await fake.slash(tina, "grant", learner=fake.member(ALICE, "Alice"),
                                     quest="python-basics", item="badge", reason="course")
            await fake.wait_for(lambda: bool(fake.to_interaction(token)))
            first = fake.to_interaction(token)[0]
            assert first.kind == "callback" and first.callback_type == 5
            assert first.at - sent < 3.0
            await answer_text(fake, token, "Awarded the Python Basics badge")
        finally:
            await adapter.stop()


async def test_quiz_buttons_keep_working_after_a_restart(tmp_path: Path,
                                                         fake: FakeDiscord) -> None:
    async with running_server(tmp_path) as server:
        alice = fake.member(ALICE, "Alice")
        first = adapter_for(server, fake)
        await first.start()
        token = await fake.slash(alice, "join", quest="python-basics")
        await answer_text(fake, token, "You joined")
        token = await fake.slash(alice, "quiz")
        await answer_text(fake, token, "Question 1/4")
        old_question = question(fake, token)
        await first.stop()
        second = adapter_for(server, fake)
        await second.start()
        try:
            await fake.press(alice, button(old_question, "2"), old_question)
            await fake.wait_for(lambda: any("Question 2/4" in (p.content or "")
                                            for p in fake.posts))
        finally:
            await second.stop()


async def test_rate_limits_lose_nothing(bot: Server, fake: FakeDiscord) -> None:
    alice = fake.member(ALICE, "Alice")
    fake.rate_limit_next = 3
    token = await fake.slash(alice, "join", quest="git-workshop")
    await answer_text(fake, token, "You joined Git Workshop")
    assert fake.rate_limited == 3


async def test_a_bad_token_or_a_missing_intent_is_a_clear_error(
        tmp_path: Path, fake: FakeDiscord) -> None:
    async with running_server(tmp_path) as server:
        adapter = adapter_for(server, fake, token="wrong-token-value")
        with pytest.raises(ConfigError, match="Discord rejected the bot token"):
            await adapter.start()
        await adapter.stop()
        fake.allow_message_content = False
        adapter = adapter_for(server, fake)
        with pytest.raises(ConfigError, match="Message Content Intent"):
            await adapter.start()
        await adapter.stop()


def test_settings_are_checked_by_name() -> None:
    def load(**environ: str) -> None:
        load_settings(environ={"QUESTBOT_CONFIG": "", **environ})

    with pytest.raises(ConfigError, match="QUESTBOT_DISCORD_TOKEN"):
        load(QUESTBOT_DISCORD_TOKEN="x")
    with pytest.raises(ConfigError, match="QUESTBOT_DISCORD_GUILDS: expected a Discord id"):
        load(QUESTBOT_DISCORD_TOKEN="a" * 30, QUESTBOT_DISCORD_GUILDS="123,abc")
    with pytest.raises(ConfigError, match="QUESTBOT_DISCORD_GATEWAY_URL"):
        load(QUESTBOT_DISCORD_TOKEN="a" * 30, QUESTBOT_DISCORD_GATEWAY_URL="http://x")


def test_buttons_fit_discords_limits() -> None:
    choices = tuple(Choice(f"choice {n}" * 20, f"nonce123.{n}.{n}") for n in range(10))
    view = question_view(Question("Pick one", choices), "en")
    custom_ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert len(custom_ids) == 10
    assert all(len(c) <= 100 for c in custom_ids)
    assert TUTOR_ROLE  # the fake's tutor role exists for the role tests above


async def test_a_dropped_gateway_connection_resumes_and_loses_no_event(
        bot: Server, fake: FakeDiscord) -> None:
    alice = fake.member(ALICE, "Alice")
    token = await fake.slash(alice, "join", quest="python-basics")
    await answer_text(fake, token, "You joined")
    await fake.drop_connections()
    sending = asyncio.create_task(fake.say(alice, "sent while the bot reconnects"))
    await fake.wait_identified()  # discord.py resumed the session
    await sending
    token = await fake.slash(alice, "progress")
    assert "1/3 messages" in await answer_text(fake, token, "messages")
