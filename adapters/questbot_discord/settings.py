"""The Discord adapter's settings: the ``[discord]`` section, or ``QUESTBOT_DISCORD_*``."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from questbot.kit import AdapterSettings, problem

ID_HINT = "expected a Discord id (a number)"


class DiscordSettings(AdapterSettings):
    token: SecretStr | None = Field(None, description="the bot token from the Developer Portal")
    guilds: tuple[str, ...] = Field(
        (), description="guild ids whose slash commands are synced at start (else global)")
    tutor_role: str | None = Field(None, description="role name or id of tutors")
    fallback_channel: str | None = Field(
        None, description="channel id for messages to members whose DMs are closed")
    api_url: str = Field("https://discord.com/api/v10",
                         description="the REST API's address (a local server, a proxy)")
    gateway_url: str = Field("wss://gateway.discord.gg/",
                             description="the gateway's address (a local server, a proxy)")
    shard_count: int | None = Field(
        None, ge=1, le=4096,
        description="how many shards the bot's gateway connection is split into, over all"
                    " processes (unset: one connection, no sharding)")
    shard_ids: tuple[int, ...] = Field(
        (), description="the shards this process runs, e.g. 0,1 (unset: all of them); the"
                        " process running shard 0 syncs the slash commands and gets DMs")

    @model_validator(mode="after")
    def _shards(self) -> DiscordSettings:
        if self.shard_ids and self.shard_count is None:
            raise ValueError(problem("shard_ids", "needs shard_count, the number of shards"
                                                  " over all processes"))
        if self.shard_count is not None:
            wrong = [s for s in self.shard_ids if not 0 <= s < self.shard_count]
            if wrong:
                raise ValueError(problem("shard_ids", f"shard {wrong[0]} is not one of"
                                                      f" 0-{self.shard_count - 1}"))
            if len(set(self.shard_ids)) != len(self.shard_ids):
                raise ValueError(problem("shard_ids", "a shard is named twice"))
        return self


    @field_validator("token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        token = value.get_secret_value() if value else ""
        if value is not None and (len(token) < 10 or any(c.isspace() for c in token)):
            raise ValueError("expected the bot token from the Discord Developer Portal (Bot →"
                             " Reset Token)")
        return value

    @field_validator("guilds")
    @classmethod
    def _guilds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for guild in value:
            _snowflake(guild)
        return value

    @field_validator("fallback_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            _snowflake(value)
            return value.strip()
        return None

    @field_validator("tutor_role")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("gateway_url")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")):
            raise ValueError("expected a ws:// or wss:// URL")
        return value

    @property
    def bot_token(self) -> str:
        return self.token.get_secret_value() if self.token else ""

    @property
    def guild_ids(self) -> tuple[int, ...]:
        return tuple(_snowflake(guild) for guild in self.guilds)

    @property
    def fallback_channel_id(self) -> int | None:
        return _snowflake(self.fallback_channel) if self.fallback_channel else None


def _snowflake(value: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(f"{ID_HINT}, got {value!r}")
    return int(text)
