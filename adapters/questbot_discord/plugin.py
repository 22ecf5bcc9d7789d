"""How questbot finds the Discord adapter; importable without discord.py."""

from __future__ import annotations

from questbot.ports import AdapterContext, ChatAdapter
from questbot_discord.settings import DiscordSettings


class DiscordPlugin:
    name = "discord"
    extra = "discord"
    sdk = "discord"
    settings_model = DiscordSettings

    def wanted(self, settings: DiscordSettings, interactive: bool) -> bool:
        return settings.token is not None

    def create(self, context: AdapterContext) -> ChatAdapter:
        from questbot_discord.adapter import DiscordAdapter  # noqa: PLC0415 (the SDK only when wanted)
        return DiscordAdapter(context, context.settings)


PLUGIN = DiscordPlugin()
