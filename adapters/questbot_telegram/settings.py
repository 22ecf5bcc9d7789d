"""The Telegram adapter's own settings, validated when it is created."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from questbot.domain import ConfigError

_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")  # what Telegram allows in a secret token


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    base_url: str
    base_file_url: str
    mode: str
    webhook_secret: str | None
    public_url: str
    channels: Mapping[int, str]  # chat id -> the channel name quests use

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> TelegramSettings:
        token = _secret(settings.get("telegram_token"))
        if not token or ":" not in token:
            raise ConfigError("QUESTBOT_TELEGRAM_TOKEN: expected a bot token such as "
                              "123456:ABC-DEF... from @BotFather")
        mode = str(settings.get("telegram_mode") or "polling")
        secret = _secret(settings.get("telegram_webhook_secret"))
        if mode == "webhook" and (not secret or not _SECRET.match(secret)):
            raise ConfigError("QUESTBOT_TELEGRAM_WEBHOOK_SECRET: webhook mode needs a secret of"
                              " 16-256 letters, digits, _ or -")
        return cls(
            token=token,
            base_url=str(settings.get("telegram_base_url") or "https://api.telegram.org/bot"),
            base_file_url=str(settings.get("telegram_base_file_url")
                              or "https://api.telegram.org/file/bot"),
            mode=mode,
            webhook_secret=secret,
            public_url=str(settings.get("base_url") or
                           f"http://{settings.get('host')}:{settings.get('port')}"),
            channels=_channels(settings.get("telegram_channels") or ()),
        )


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value) or None


def _channels(entries: Any) -> dict[int, str]:
    channels: dict[int, str] = {}
    for entry in entries:
        name, sep, chat = str(entry).partition("=")
        try:
            channels[int(chat)] = name.strip().lstrip("#").lower()
        except ValueError:
            raise ConfigError(f"QUESTBOT_TELEGRAM_CHANNELS: expected NAME=CHAT_ID pairs such "
                              f"as help=-1001234567890, got {entry!r}") from None
        if not sep or not name.strip():
            raise ConfigError(f"QUESTBOT_TELEGRAM_CHANNELS: {entry!r} has no name")
    return channels
