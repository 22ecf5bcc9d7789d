"""How questbot finds the Telegram adapter; importable without python-telegram-bot."""

from __future__ import annotations

from questbot.ports import AdapterContext, ChatAdapter
from questbot_telegram.settings import TelegramSettings


class TelegramPlugin:
    name = "telegram"
    extra = "telegram"
    sdk = "telegram"
    settings_model = TelegramSettings

    def wanted(self, settings: TelegramSettings, interactive: bool) -> bool:
        return settings.token is not None

    def create(self, context: AdapterContext) -> ChatAdapter:
        from questbot_telegram.adapter import TelegramAdapter  # noqa: PLC0415 (the SDK only when wanted)
        return TelegramAdapter(context, context.settings)


PLUGIN = TelegramPlugin()
