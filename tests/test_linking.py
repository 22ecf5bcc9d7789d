"""One learner on Telegram and Discord: linked with a one-time code, one set of progress."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
import yarl

from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.server import running_server
from tests.test_discord import adapter_for as discord_adapter
from tests.test_telegram import adapter_for as telegram_adapter

TELEGRAM_ALICE, DISCORD_ALICE = 5001, 800000000000000501


@pytest.fixture
async def fakes(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[FakeTelegram,
                                                                        FakeDiscord]]:
    telegram, discord_api = FakeTelegram(), FakeDiscord()
    await telegram.start()
    await discord_api.start()
    monkeypatch.setattr(discord.http.Route, "BASE", discord_api.rest_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        yarl.URL(discord_api.gateway_url))
    yield telegram, discord_api
    await discord_api.stop()
    await telegram.stop()


async def test_a_learner_links_telegram_and_discord(
        tmp_path: Path, fakes: tuple[FakeTelegram, FakeDiscord]) -> None:
    telegram, fake_discord = fakes
    async with running_server(tmp_path, tutors=("console:tina",)) as server:
        on_telegram = telegram_adapter(server, telegram)
        on_discord = discord_adapter(server, fake_discord)
        await on_telegram.start()
        await on_discord.start()
        try:
            alice_t = telegram.user(TELEGRAM_ALICE, "Alice")
            alice_d = fake_discord.member(DISCORD_ALICE, "Alice")
            telegram.says(alice_t, "/join git-workshop")
            await telegram.wait_for(lambda: "You joined Git Workshop" in
                                    telegram.texts_to(TELEGRAM_ALICE))
            await server.say("tina", f"/grant telegram:{TELEGRAM_ALICE} git-workshop badge"
                                     " attended and passed")
            telegram.says(alice_t, "/link")
            await telegram.wait_for(lambda: "link code is" in telegram.texts_to(TELEGRAM_ALICE))
            code = telegram.texts_to(TELEGRAM_ALICE).split("link code is ")[1].split(".")[0]

            token = await fake_discord.slash(alice_d, "link", code=code)
            await fake_discord.wait_for(lambda: "Linked!" in fake_discord.text_of(token))
            token = await fake_discord.slash(alice_d, "badges")
            await fake_discord.wait_for(lambda: "Git Essentials" in fake_discord.text_of(token))
            token = await fake_discord.slash(alice_d, "progress")
            await fake_discord.wait_for(lambda: "Git Workshop" in fake_discord.text_of(token))
        finally:
            await on_discord.stop()
            await on_telegram.stop()
