"""The Telegram adapter (python-telegram-bot)."""

from questbot_telegram.adapter import TelegramAdapter

__all__ = ["TelegramAdapter"]
