"""The Telegram adapter against a fake Bot API server over HTTP, as learners and tutors
would use it: real python-telegram-bot, real questbot, real badge server."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from questbot_telegram.adapter import TelegramAdapter
from questbot_telegram.send import Sender
from telegram import Bot

from questbot.app.config import load_settings
from questbot.badges.bake import OB2_KEYWORD, OB3_KEYWORD, unbake
from questbot.domain import BadgeAwarded, ConfigError
from questbot.web import WEB
from tests.adapters import context_for, telegram_settings
from tests.fakes.telegram_api import Failure, FakeTelegram
from tests.paths import ROOT
from tests.server import Server, free_port, running_server

ALICE_ID, BOB_ID, TINA_ID = 1001, 1002, 1003
OUTAGE = float(os.environ.get("QUESTBOT_TEST_OUTAGE_SECONDS", "60"))
GROUP_ID = -100500


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    api = FakeTelegram()
    await api.start()
    yield api
    await api.stop()


def adapter_for(server: Server, fake: FakeTelegram, **settings: Any) -> TelegramAdapter:
    own = telegram_settings(fake, (f"general={GROUP_ID}",), **settings)
    return TelegramAdapter(context_for(server, own), own, outbox_interval=0.2)


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[tuple[Server, TelegramAdapter]]:
    async with running_server(tmp_path, tutors=(f"telegram:{TINA_ID}",)) as server:
        adapter = adapter_for(server, fake)
        await adapter.start()
        try:
            yield server, adapter
        finally:
            await adapter.stop()


async def said(fake: FakeTelegram, chat_id: int, text: str, count: int = 1) -> str:
    await fake.wait_for(lambda: fake.texts_to(chat_id).count(text) >= count)
    return fake.texts_to(chat_id)


def last_question(fake: FakeTelegram, chat_id: int) -> Any:
    return [s for s in fake.to(chat_id) if s.keyboard][-1]


async def test_a_learner_plays_a_quest_to_a_badge_that_still_verifies(
        bot: tuple[Server, TelegramAdapter], fake: FakeTelegram) -> None:
    server, _ = bot
    alice, tina = fake.user(ALICE_ID, "Alice"), fake.user(TINA_ID, "Tina")
    group = fake.group(GROUP_ID, "Python Learners")
    assert {c["command"] for c in fake.commands} >= {"join", "quiz", "checkin"}
    assert "grant" in fake.menu_for({"type": "chat", "chat_id": TINA_ID})  # tutors only

    fake.says(alice, "/start")
    await said(fake, ALICE_ID, "Welcome, Alice")
    fake.says(alice, "/join python-basics")
    await said(fake, ALICE_ID, "You joined Python Basics")
    for n in range(3):
        fake.says(alice, f"hello everyone {n}", chat=group)
    await said(fake, GROUP_ID, "Step done: Say hello")  # group participation counts

    fake.says(alice, "/quiz")
    await said(fake, ALICE_ID, "Question 1/4")
    question = last_question(fake, ALICE_ID)
    assert [b["text"] for row in question.keyboard for b in row] == ["1", "2", "3"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in question.keyboard
               for b in row)  # Telegram's limit for callback data
    fake.presses(alice, question, "2")
    await said(fake, ALICE_ID, "Question 2/4")
    assert any("➡ 2" in edit["text"] for edit in fake.edits)  # the question shows the answer
    fake.says(alice, "def")  # a free-text answer is just the next message
    await said(fake, ALICE_ID, "Question 3/4")
    fake.presses(alice, last_question(fake, ALICE_ID), "True")
    await said(fake, ALICE_ID, "Question 4/4")
    fake.says(alice, "ab")
    await said(fake, ALICE_ID, "You scored 4/4")

    fake.says(tina, "/code python-basics")
    reply = await said(fake, TINA_ID, "Check-in code")
    code = reply.split("): ")[1].split("\n")[0]
    fake.says(alice, f"/checkin {code}")
    await fake.wait_for(lambda: any(s.document for s in fake.to(ALICE_ID)
                                    if "Python Basics" in (s.caption or "")))
    document = next(s for s in fake.to(ALICE_ID) if s.document and
                    "Python Basics" in (s.caption or ""))
    assert document.method == "sendDocument"  # never a photo: that would lose the baked data
    assert document.file_name == "python-basics.png"
    assert "/badges/" in (document.caption or "")
    assert document.document is not None
    baked = unbake(document.document)
    assert {OB2_KEYWORD, OB3_KEYWORD} <= set(baked)
    verdict = await server.app[WEB].verifier.verify_bytes(document.document, datetime.now(UTC))
    assert verdict.status == "valid", verdict.to_json()


async def test_learners_cannot_grant_and_a_tutors_grant_reaches_the_learner(
        bot: tuple[Server, TelegramAdapter], fake: FakeTelegram) -> None:
    alice, bob, tina = (fake.user(ALICE_ID, "Alice"), fake.user(BOB_ID, "Bob"),
                        fake.user(TINA_ID, "Tina"))
    group = fake.group(GROUP_ID, "Python Learners")
    fake.says(bob, "/start")
    await said(fake, BOB_ID, "Welcome")
    message = fake.says(bob, "I answered three questions in #help", chat=group)
    fake.says(alice, "/grant community-helper badge nice work", chat=group, reply_to=message)
    await said(fake, GROUP_ID, "Only tutors can do that")
    fake.says(tina, "/grant community-helper badge ran the help desk", chat=group,
              reply_to=message)
    await said(fake, GROUP_ID, "Awarded the Community Helper badge to Bob")
    # Bob hears about it in his private chat, through the outbox.
    await said(fake, BOB_ID, "Tina awarded you the Community Helper badge: ran the help desk")
    await fake.wait_for(lambda: any(s.document for s in fake.to(BOB_ID)))


async def test_reactions_and_channels_count_for_participation(
        bot: tuple[Server, TelegramAdapter], fake: FakeTelegram) -> None:
    alice = fake.user(ALICE_ID, "Alice")
    group = fake.group(GROUP_ID, "Python Learners")
    fake.says(alice, "/join community-helper")
    await said(fake, ALICE_ID, "You joined Community Helper")
    for message_id in range(5):
        fake.reacts(alice, group, message_id + 1)
    await said(fake, GROUP_ID, "Step done: Cheer others on")


async def test_old_buttons_photos_and_edits_are_handled_politely(
        bot: tuple[Server, TelegramAdapter], fake: FakeTelegram) -> None:
    alice = fake.user(ALICE_ID, "Alice")
    fake.says(alice, "/join python-basics")
    fake.says(alice, "/quiz")
    await said(fake, ALICE_ID, "Question 1/4")
    first = last_question(fake, ALICE_ID)
    fake.presses(alice, first, "2")
    await said(fake, ALICE_ID, "Question 2/4")
    fake.presses(alice, first, "1")  # the same old message, pressed again
    await fake.wait_for(lambda: any("earlier question" in (a.get("text") or "")
                                    for a in fake.answered))
    assert fake.texts_to(ALICE_ID).count("Question 2/4") == 1
    bob = fake.user(BOB_ID, "Bob")
    fake.sends_photo(bob)
    await said(fake, BOB_ID, "I read text messages and commands")
    edited = fake.says(bob, "hello")
    await said(fake, BOB_ID, "did not catch that")
    fake.edits_message(bob, edited, "/quests")
    fake.says(bob, "/badges")
    await said(fake, BOB_ID, "No badges yet")
    assert "Quests:" not in fake.texts_to(BOB_ID)  # the edit was ignored


async def test_updates_redelivered_after_a_restart_are_applied_once(
        tmp_path: Path, fake: FakeTelegram) -> None:
    alice = fake.user(ALICE_ID, "Alice")
    group = fake.group(GROUP_ID, "Python Learners")
    async with running_server(tmp_path) as server:
        first = adapter_for(server, fake)
        await first.start()
        fake.says(alice, "/join python-basics")
        await said(fake, ALICE_ID, "You joined")
        fake.says(alice, "hi", chat=group)
        fake.says(alice, "/progress")
        await said(fake, ALICE_ID, "1/3 messages")
        await first.stop()
        # A restart that never confirmed the updates: Telegram sends all of them again.
        second = adapter_for(server, fake)
        await second.start()
        try:
            await said(fake, ALICE_ID, "1/3 messages", count=2)  # answered the same way
            fake.says(alice, "/progress")
            await said(fake, ALICE_ID, "1/3 messages", count=3)  # and nothing counted twice
            assert "2/3 messages" not in fake.texts_to(ALICE_ID)
        finally:
            await second.stop()


@pytest.mark.timeout(240)
async def test_a_429_storm_and_a_one_minute_outage_lose_nothing(
        bot: tuple[Server, TelegramAdapter], fake: FakeTelegram) -> None:
    alice, tina = fake.user(ALICE_ID, "Alice"), fake.user(TINA_ID, "Tina")
    fake.says(alice, "/start")
    await said(fake, ALICE_ID, "Welcome")
    fake.failures.append(Failure("sendMessage", 4, 429, retry_after=1))
    for quest in ("python-basics", "git-workshop", "community-helper"):
        fake.says(alice, f"/join {quest}")
    for quest in ("Python Basics", "Git Workshop", "Community Helper"):
        await said(fake, ALICE_ID, f"You joined {quest}")

    fake.outage_until = time.monotonic() + OUTAGE  # Telegram answers 502 to everything
    fake.says(tina, "/grant 1001 python-basics badge passed the course")  # queued at Telegram
    await fake.wait_for(lambda: time.monotonic() > fake.outage_until + 0.1, within=OUTAGE + 5)
    await fake.wait_for(lambda: "Awarded the Python Basics badge" in fake.texts_to(TINA_ID),
                        within=90)  # python-telegram-bot polls again after its back-off
    await said(fake, ALICE_ID, "Tina awarded you the Python Basics badge")
    await fake.wait_for(lambda: any(s.document for s in fake.to(ALICE_ID)))


async def test_webhook_mode_checks_the_secret(tmp_path: Path, fake: FakeTelegram) -> None:
    secret = "s3cret-token-for-tests-0123456789"
    async with running_server(tmp_path) as server:
        adapter = adapter_for(server, fake, mode="webhook",
                              webhook_secret=secret)
        await adapter.start()
        try:
            assert fake.webhook is not None
            url = fake.webhook["url"]
            assert url.startswith(f"{server.base}/webhooks/telegram/")
            assert secret not in url
            update = fake.push({"message": {
                "message_id": 1, "date": int(time.time()),
                "chat": {"id": ALICE_ID, "type": "private", "first_name": "Alice"},
                "from": fake.user(ALICE_ID, "Alice"), "text": "/quests"}})
            fake.updates.clear()
            async with aiohttp.ClientSession() as http:
                for headers, status in (({}, 403),
                                        ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, 403),
                                        ({"X-Telegram-Bot-Api-Secret-Token": secret}, 200)):
                    async with http.post(url, data=json.dumps(update),
                                         headers=headers) as response:
                        assert response.status == status
            await said(fake, ALICE_ID, "Python Basics (python-basics)")
            assert fake.texts_to(ALICE_ID).count("Quests:") == 1
            assert "getUpdates" not in fake.calls
        finally:
            await adapter.stop()


async def test_a_bad_token_is_a_clear_error_at_start(tmp_path: Path,
                                                     fake: FakeTelegram) -> None:
    async with running_server(tmp_path) as server:
        adapter = adapter_for(server, fake, token="999:wrong-token")
        with pytest.raises(ConfigError, match="Telegram rejected the bot token"):
            await adapter.start()
        await adapter.stop()


def test_settings_are_checked_by_name(tmp_path: Path) -> None:
    def load(**environ: str) -> None:
        load_settings(environ={"QUESTBOT_CONFIG": "", **environ})

    with pytest.raises(ConfigError, match="QUESTBOT_TELEGRAM_TOKEN"):
        load(QUESTBOT_TELEGRAM_TOKEN="nonsense")
    with pytest.raises(ConfigError, match="QUESTBOT_TELEGRAM_WEBHOOK_SECRET: webhook mode"):
        load(QUESTBOT_TELEGRAM_TOKEN="1:x", QUESTBOT_TELEGRAM_MODE="webhook")
    with pytest.raises(ConfigError, match="QUESTBOT_TELEGRAM_CHANNELS"):
        load(QUESTBOT_TELEGRAM_TOKEN="1:x", QUESTBOT_TELEGRAM_CHANNELS="help")
    config = tmp_path / "questbot.toml"
    config.write_text('[telegram]\ntoken = "1:x"\nmode = "hook"\n')
    with pytest.raises(ConfigError, match=r"'mode' in \[telegram\] of"):
        load_settings(config, environ={})
    config.write_text('[telegram]\ntokn = "1:x"\n')
    with pytest.raises(ConfigError, match=r"unknown telegram setting.*did you mean 'token'"):
        load_settings(config, environ={})


async def test_questbot_serve_starts_the_adapter_and_reports_a_bad_token(
        tmp_path: Path, fake: FakeTelegram) -> None:
    env = {**os.environ, "QUESTBOT_CONFIG": "",
           "QUESTBOT_DATA_DIR": str(tmp_path / "data"), "QUESTBOT_PORT": str(free_port()),
           "QUESTBOT_TELEGRAM_TOKEN": "42:not-the-right-token",
           "QUESTBOT_TELEGRAM_BASE_URL": fake.base_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "questbot", "serve", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert b"QUESTBOT_TELEGRAM_TOKEN: Telegram rejected the bot token" in err
    assert b"not-the-right-token" not in err  # a secret never reaches the output
    assert "getMe" in fake.calls


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def test_a_learner_hands_in_a_document_or_a_photo_with_a_caption(
        bot: tuple[Server, TelegramAdapter], fake: FakeTelegram) -> None:
    server, _ = bot
    alice = fake.user(ALICE_ID, "Alice")
    fake.says(alice, "/submit portfolio repository https://github.com/alice/weather-app")
    await said(fake, ALICE_ID, "Step done: Share your repository")
    fake.sends_file(alice, b"\0" * 100, caption="/submit portfolio write-up",
                    declared_size=30 * 1024 * 1024)
    await said(fake, ALICE_ID, "That file is too large")
    assert "download" not in fake.calls  # a file too large is never fetched
    fake.sends_file(alice, PDF, caption="/submit portfolio write-up public", name="notes.pdf")
    await said(fake, ALICE_ID, "waiting for a tutor's review")
    assert fake.calls.count("download") == 1
    pending = await server.services.store.pending_deliveries("telegram")
    assert pending == []  # answered in the chat, nothing left over
    fake.sends_file(alice, b"\xff\xd8\xff\xe0" + b"\0" * 50, caption="/submit portfolio write-up",
                    photo=True)
    await said(fake, ALICE_ID, "waiting for a tutor's review", count=2)
    fake.sends_file(alice, PDF)  # a file without a command is not evidence of anything
    await said(fake, ALICE_ID, "I read text messages and commands")


async def test_a_file_is_fetched_only_for_a_command_that_takes_one_and_only_if_small(
        bot: tuple[Server, TelegramAdapter], fake: FakeTelegram) -> None:
    alice = fake.user(ALICE_ID, "Alice")
    fake.says(alice, "/submit portfolio repository https://github.com/alice/weather-app")
    await said(fake, ALICE_ID, "Step done: Share your repository")
    fake.sends_file(alice, PDF, caption="/help")  # a command that takes no file
    await said(fake, ALICE_ID, "Commands:")
    fake.sends_file(alice, b"%PDF-" + b"\0" * (6 * 1024 * 1024), caption=(
        "/submit portfolio write-up"), declared_size=-1)  # the update names no size
    await said(fake, ALICE_ID, "That file is too large")
    assert "download" not in fake.calls  # getFile told its size; nothing was fetched


async def test_a_badge_whose_png_is_gone_is_still_sent_as_its_link(
        fake: FakeTelegram, tmp_path: Path) -> None:
    bot = Bot(fake.token, base_url=fake.base_url)
    await bot.initialize()
    try:
        badge = BadgeAwarded("award1", "Helper", "Community", "http://127.0.0.1/badges/award1",
                             image_path=str(tmp_path / "gone.png"))
        assert await Sender(bot, None).send(ALICE_ID, badge) is None
    finally:
        await bot.shutdown()
    [sent] = fake.to(ALICE_ID)
    assert sent.text is not None and "http://127.0.0.1/badges/award1" in sent.text
