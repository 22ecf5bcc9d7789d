"""Two questbot processes on one PostgreSQL database, as behind a reverse proxy: Telegram
(in webhook mode) calls either, sometimes both with the same update. Every award happens
once and every message waiting in the shared outbox is sent once; when one process dies
while delivering, the messages it had claimed are sent by the other once its lease ends."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.postgres_schema import own_schema
from tests.processes import Bot
from tests.requirements import POSTGRES_URL
from tests.server import free_port

SECRET = "shared-webhook-secret-1234"
TUTOR = 9000
LEARNERS = list(range(100, 124))


@pytest.fixture
async def database() -> AsyncIterator[tuple[str, str]]:
    async with own_schema("two") as schema:
        yield f"{POSTGRES_URL}?search_path={schema}", schema


async def _deliver(http: aiohttp.ClientSession, bot: Bot, update: dict[str, Any]) -> None:
    path = hashlib.sha256(SECRET.encode()).hexdigest()[:32]
    async with http.post(f"{bot.base}/webhooks/telegram/{path}", json=update,
                         headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as answer:
        assert answer.status == 200, await answer.text()


@pytest.mark.timeout(300)
async def test_two_processes_award_once_and_send_each_message_once_even_when_one_dies(
        tmp_path: Path, database: tuple[str, str]) -> None:
    url, schema = database
    fake = FakeTelegram()
    await fake.start()
    env = {"QUESTBOT_DATABASE_URL": url, "QUESTBOT_TELEGRAM_TOKEN": fake.token,
           "QUESTBOT_TELEGRAM_MODE": "webhook", "QUESTBOT_TELEGRAM_WEBHOOK_SECRET": SECRET,
           "QUESTBOT_TELEGRAM_BASE_URL": fake.base_url,
           "QUESTBOT_TELEGRAM_BASE_FILE_URL": fake.base_file_url,
           "QUESTBOT_TUTORS": f"telegram:{TUTOR}", "QUESTBOT_OUTBOX_LEASE": "3"}
    data = tmp_path / "data"  # shared, as a volume: the issuer's keys and badge files
    first = await Bot.start(data, free_port(), interactive=False, env=env)
    await fake.wait_for(lambda: fake.calls.count("setWebhook") == 1, within=90)
    second = await Bot.start(data, free_port(), interactive=False, env=env)
    await fake.wait_for(lambda: fake.calls.count("setWebhook") == 2, within=90)
    bots = [first, second]
    tutor = fake.user(TUTOR, "Tina")
    learners = {n: fake.user(n, f"Learner {n}") for n in LEARNERS}
    try:
        async with aiohttp.ClientSession() as http:
            async def send(k: int, user: dict[str, Any], text: str) -> None:
                fake.says(user, text)
                update = fake.updates[-1]
                targets = [bots[k % 2]] + ([bots[(k + 1) % 2]] if k % 3 == 0 else [])
                await asyncio.gather(*(_deliver(http, bot, update) for bot in targets))

            await asyncio.gather(*(send(k, learners[n], "/join git-workshop")
                                   for k, n in enumerate(LEARNERS)))
            await fake.wait_for(lambda: all(fake.to(n) for n in LEARNERS), within=60)
            fake.delay = 1.0  # Telegram answers slowly: deliveries are in flight for a while
            await asyncio.gather(*(
                send(k, tutor, f"/grant telegram:{n} git-workshop badge finished the workshop")
                for k, n in enumerate(LEARNERS)))
            await fake.wait_for(lambda: fake.calls.count("sendDocument") >= 4, within=60)
            await first.kill()  # mid-delivery: it holds claimed messages
            await fake.wait_for(lambda: all(_badges(fake, n) for n in LEARNERS), within=90)
            await asyncio.sleep(4)  # past the lease again: nothing more may come
    finally:
        for bot in bots:
            await bot.kill()
        await fake.stop()
    assert {n: _badges(fake, n) for n in LEARNERS} == dict.fromkeys(LEARNERS, 1)
    conn = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": schema})
    try:
        awards = await conn.fetch("SELECT learner_id, count(*) FROM awards"
                                  " WHERE quest_id = 'git-workshop' GROUP BY learner_id")
        left = await conn.fetchval("SELECT count(*) FROM outbox WHERE status = 'pending'")
    finally:
        await conn.close()
    assert len(awards) == len(LEARNERS) and all(count == 1 for _, count in awards)
    assert left == 0


def _badges(fake: FakeTelegram, chat_id: int) -> int:
    return sum(1 for sent in fake.to(chat_id) if sent.method == "sendDocument")
