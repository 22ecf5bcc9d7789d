"""The Telegram adapter's settings: the ``[telegram]`` section, or ``QUESTBOT_TELEGRAM_*``."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator, model_validator

from questbot.kit import AdapterSettings, problem

_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")  # what Telegram allows in a secret token


class TelegramSettings(AdapterSettings):
    token: SecretStr | None = Field(None, description="the bot token from @BotFather")
    base_url: str = Field("https://api.telegram.org/bot",
                          description="the Bot API's address (a local Bot API server, a proxy)")
    base_file_url: str = Field("https://api.telegram.org/file/bot",
                               description="where the Bot API serves files")
    mode: str = Field("polling", pattern=r"^(polling|webhook)$",
                      description="polling, or webhook (Telegram calls the badge server)")
    webhook_secret: SecretStr | None = Field(
        None, description="16-256 letters, digits, _ or -: Telegram sends it with each call")
    channels: tuple[str, ...] = Field(
        (), description="NAME=CHAT_ID pairs naming group chats for participation steps")

    @field_validator("token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and ":" not in value.get_secret_value():
            raise ValueError("expected a bot token such as 123456:ABC-DEF... from @BotFather")
        return value

    @field_validator("base_url", "base_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("channels")
    @classmethod
    def _channels(cls, entries: tuple[str, ...]) -> tuple[str, ...]:
        for entry in entries:
            name, sep, chat = str(entry).partition("=")
            if not sep or not name.strip() or not chat.strip().lstrip("-").isdigit():
                raise ValueError(f"expected NAME=CHAT_ID pairs such as help=-1001234567890,"
                                 f" got {entry!r}")
        return entries

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> TelegramSettings:
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if self.mode == "webhook" and not _SECRET.match(secret):
            raise ValueError(problem("webhook_secret", "webhook mode needs a secret of 16-256"
                                     " letters, digits, _ or -"))
        return self

    @property
    def bot_token(self) -> str:
        return self.token.get_secret_value() if self.token else ""

    @property
    def secret(self) -> str:
        return self.webhook_secret.get_secret_value() if self.webhook_secret else ""

    @property
    def channel_names(self) -> dict[int, str]:
        """Chat id -> the channel name quests use."""
        names = {}
        for entry in self.channels:
            name, _, chat = entry.partition("=")
            names[int(chat)] = name.strip().lstrip("#").lower()
        return names
