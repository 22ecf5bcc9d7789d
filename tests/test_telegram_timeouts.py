"""A slow Telegram: the message arrives but the answer comes after the client's read timeout.
The learner must see it once, on the direct reply path and through the outbox; only a request
that never reached Telegram, or one Telegram said failed, is sent again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from questbot_telegram.adapter import TelegramAdapter
from questbot_telegram.send import MaybeSent, with_retries
from telegram.error import NetworkError, TimedOut

from questbot.badges.bake import OB3_KEYWORD, unbake
from questbot.domain import BadgeAwarded
from questbot.ports import DeliveryStatus
from tests.adapters import context_for, telegram_settings
from tests.fakes.telegram_api import FakeTelegram, Late, Sent
from tests.server import Server, running_server

ALICE_ID, BOB_ID, TINA_ID = 1001, 1002, 1003
GROUP_ID = -100500
READ_TIMEOUT = 0.5
LATE = 1.5  # longer than the read timeout: the client gives up, the message is there
ROUNDS = 2.0  # seconds in which the outbox pump (every 0.2 s) would have resent it often


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    api = FakeTelegram()
    await api.start()
    yield api
    await api.stop()


def adapter_for(server: Server, fake: FakeTelegram, **settings: Any) -> TelegramAdapter:
    own = telegram_settings(fake, (f"general={GROUP_ID}",), **settings)
    return TelegramAdapter(context_for(server, own), own, outbox_interval=0.2,
                           read_timeout=READ_TIMEOUT)


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Server]:
    async with running_server(tmp_path, tutors=(f"telegram:{TINA_ID}",),
                              outbox_max_attempts=1) as server:
        adapter = adapter_for(server, fake)
        await adapter.start()
        try:
            yield server
        finally:
            await adapter.stop()


def count(fake: FakeTelegram, chat_id: int, text: str) -> int:
    return fake.texts_to(chat_id).count(text)


def documents(fake: FakeTelegram, chat_id: int) -> list[Sent]:
    return [s for s in fake.to(chat_id) if s.document is not None]


async def settle() -> None:
    await asyncio.sleep(LATE + ROUNDS)  # the late answers come, the pump runs many rounds


@pytest.mark.timeout(60)
async def test_a_reply_answered_late_reaches_the_learner_once(
        bot: Server, fake: FakeTelegram) -> None:
    alice = fake.user(ALICE_ID, "Alice")
    fake.late.append(Late("sendMessage", 1, LATE))
    fake.says(alice, "/start")
    await fake.wait_for(lambda: count(fake, ALICE_ID, "Welcome, Alice") >= 1)
    await settle()
    assert count(fake, ALICE_ID, "Welcome, Alice") == 1
    # The bot goes on answering, and the late one is shown to admins as uncertain.
    fake.says(alice, "/quests")
    await fake.wait_for(lambda: "Python Basics" in fake.texts_to(ALICE_ID))
    assert count(fake, ALICE_ID, "Welcome, Alice") == 1
    [shown] = await bot.services.store.failed_deliveries("telegram")
    assert shown.status is DeliveryStatus.UNCERTAIN
    assert "ReadTimeout" in (shown.last_error or "")


@pytest.mark.timeout(60)
async def test_a_granted_badge_answered_late_reaches_the_learner_once(
        bot: Server, fake: FakeTelegram) -> None:
    bob, tina = fake.user(BOB_ID, "Bob"), fake.user(TINA_ID, "Tina")
    fake.says(bob, "/start")
    await fake.wait_for(lambda: count(fake, BOB_ID, "Welcome") == 1)
    fake.late.append(Late("sendMessage", 1, LATE))  # the notice, through the outbox
    fake.late.append(Late("sendDocument", 1, LATE))  # and the badge document
    fake.says(tina, f"/grant {BOB_ID} community-helper badge ran the help desk")
    notice = "Tina awarded you the Community Helper badge"
    await fake.wait_for(lambda: count(fake, BOB_ID, notice) >= 1 and
                        len(documents(fake, BOB_ID)) >= 1)
    await settle()
    assert count(fake, BOB_ID, notice) == 1
    [document] = documents(fake, BOB_ID)
    assert document.document is not None and OB3_KEYWORD in unbake(document.document)
    assert count(fake, TINA_ID, "Awarded the Community Helper badge to Bob") == 1
    uncertain = await bot.services.store.failed_deliveries("telegram")
    assert {u.status for u in uncertain} == {DeliveryStatus.UNCERTAIN}
    assert len(uncertain) == 2


@pytest.mark.timeout(90)
async def test_a_badge_in_a_direct_reply_answered_late_arrives_once(
        bot: Server, fake: FakeTelegram) -> None:
    alice, tina = fake.user(ALICE_ID, "Alice"), fake.user(TINA_ID, "Tina")
    fake.says(tina, "/code git-workshop")
    await fake.wait_for(lambda: "Check-in code" in fake.texts_to(TINA_ID))
    code = fake.texts_to(TINA_ID).split("): ")[1].split("\n")[0]
    fake.says(alice, "/join git-workshop")
    await fake.wait_for(lambda: "You joined Git Workshop" in fake.texts_to(ALICE_ID))
    fake.says(alice, f"/checkin {code}")
    fake.says(alice, "/quiz")
    await fake.wait_for(lambda: "Question 1/3" in fake.texts_to(ALICE_ID))
    fake.presses(alice, [s for s in fake.to(ALICE_ID) if s.keyboard][-1], "git commit")
    await fake.wait_for(lambda: "Question 2/3" in fake.texts_to(ALICE_ID))
    fake.presses(alice, [s for s in fake.to(ALICE_ID) if s.keyboard][-1], "True")
    await fake.wait_for(lambda: "Question 3/3" in fake.texts_to(ALICE_ID))
    fake.late.append(Late("sendDocument", 1, LATE))
    fake.says(alice, "git clone")  # the last answer earns the badge, sent in the reply
    await fake.wait_for(lambda: len(documents(fake, ALICE_ID)) >= 1)
    await settle()
    assert len(documents(fake, ALICE_ID)) == 1
    assert "Git Essentials" in (documents(fake, ALICE_ID)[0].caption or "")


@pytest.mark.timeout(60)
async def test_a_blocked_learner_fails_alone_and_admins_see_why(
        bot: Server, fake: FakeTelegram) -> None:
    alice, bob, tina = (fake.user(ALICE_ID, "Alice"), fake.user(BOB_ID, "Bob"),
                        fake.user(TINA_ID, "Tina"))
    for user, chat in ((alice, ALICE_ID), (bob, BOB_ID)):
        fake.says(user, "/start")
        await fake.wait_for(lambda chat=chat: count(fake, chat, "Welcome") == 1)
    fake.blocked.add(BOB_ID)
    fake.says(tina, f"/grant {BOB_ID} community-helper badge ran the help desk")
    fake.says(tina, f"/grant {ALICE_ID} community-helper badge ran the help desk")
    await fake.wait_for(lambda: len(documents(fake, ALICE_ID)) == 1)
    store = bot.services.store
    for _ in range(100):
        failed = await store.failed_deliveries("telegram")
        if len(failed) == 2:  # Bob's notice and his badge (one attempt allowed here)
            break
        await asyncio.sleep(0.05)
    assert {(f.delivery.recipient.user_id, f.status) for f in failed} == \
        {(str(BOB_ID), DeliveryStatus.FAILED)}
    notice = next(f for f in failed if not isinstance(f.delivery.message, BadgeAwarded))
    assert notice.last_error == "Forbidden: bot was blocked by the user"
    assert "Community Helper" not in fake.texts_to(BOB_ID) and not documents(fake, BOB_ID)


async def test_a_request_that_never_reached_telegram_is_retried_one_that_did_is_not() -> None:
    calls = 0

    async def connect_fails_once() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise TimedOut() from httpx.ConnectTimeout("no connection")
        return "sent"

    assert await with_retries(connect_fails_once, idempotent=False) == "sent"
    assert calls == 2

    async def answer_lost() -> str:
        nonlocal calls
        calls += 1
        raise TimedOut() from httpx.ReadTimeout("no answer")

    calls = 0
    with pytest.raises(MaybeSent):
        await with_retries(answer_lost, idempotent=False)
    assert calls == 1  # never repeated

    async def server_error_once() -> str:  # a 5xx: Telegram said it failed
        nonlocal calls
        calls += 1
        if calls == 1:
            raise NetworkError("Bad Gateway")
        return "sent"

    calls = 0
    assert await with_retries(server_error_once, idempotent=False) == "sent"
    assert calls == 2
