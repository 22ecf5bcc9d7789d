"""The Discord adapter's own settings, validated when it is created."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from questbot.domain import ConfigError


@dataclass(frozen=True)
class DiscordSettings:
    token: str
    guild_ids: tuple[int, ...]
    tutor_role: str | None
    fallback_channel: int | None
    issuer_name: str

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> DiscordSettings:
        raw = settings.get("discord_token")
        getter = getattr(raw, "get_secret_value", None)
        token = str(getter() if getter else raw or "")
        if len(token) < 10 or any(c.isspace() for c in token):
            raise ConfigError("QUESTBOT_DISCORD_TOKEN: expected the bot token from the Discord "
                              "Developer Portal (Bot → Reset Token)")
        return cls(
            token=token,
            guild_ids=tuple(_snowflake("QUESTBOT_DISCORD_GUILDS", g)
                            for g in settings.get("discord_guilds") or ()),
            tutor_role=(str(settings.get("discord_tutor_role") or "").strip() or None),
            fallback_channel=_snowflake("QUESTBOT_DISCORD_FALLBACK_CHANNEL",
                                        settings["discord_fallback_channel"])
            if settings.get("discord_fallback_channel") else None,
            issuer_name=str(settings.get("issuer_name") or "questbot"),
        )


def _snowflake(name: str, value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{name}: expected a Discord id (a number), got {value!r}") from None
    if number <= 0:
        raise ConfigError(f"{name}: expected a Discord id (a number), got {value!r}")
    return number
