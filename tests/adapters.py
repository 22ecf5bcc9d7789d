"""Adapters wired to a running test server and to the fake platforms, with their settings
made the way questbot makes them (a section validated by the adapter's own model)."""

from __future__ import annotations

from typing import Any

from questbot_discord.settings import DiscordSettings
from questbot_telegram.settings import TelegramSettings

from questbot.app.config import load_settings
from questbot.ports import AdapterContext, EventHandler
from tests.fakes.discord_api import GUILD_ID, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.server import Server


def telegram_settings(fake: FakeTelegram, channels: tuple[str, ...] = (),
                      **overrides: Any) -> TelegramSettings:
    section = {"token": fake.token, "base_url": fake.base_url,
               "base_file_url": fake.base_file_url, "channels": channels, **overrides}
    settings: TelegramSettings = load_settings(
        environ={"QUESTBOT_CONFIG": ""},
        overrides={f"telegram_{k}": v for k, v in section.items()}).adapter("telegram")
    return settings


def discord_settings(fake: FakeDiscord, **overrides: Any) -> DiscordSettings:
    section = {"token": fake.token, "guilds": (str(GUILD_ID),), "tutor_role": "Tutor",
               "api_url": fake.rest_base, "gateway_url": str(fake.gateway_url), **overrides}
    settings: DiscordSettings = load_settings(
        environ={"QUESTBOT_CONFIG": ""},
        overrides={f"discord_{k}": v for k, v in section.items()}).adapter("discord")
    return settings


def context_for(server: Server, settings: Any, engine: EventHandler | None = None
                ) -> AdapterContext:
    services = server.services
    assert services.engine is not None
    return AdapterContext(engine or services.engine, services.store, settings,
                          server.settings.common_settings(), services.clock, lambda: None,
                          services.badges.png_path, services.webhooks)
