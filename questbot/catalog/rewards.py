"""Rewards inside the community that a badge brings (``rewards:`` on the quest's badge or a
milestone's): a role on a Discord server, kept while the badge is live, or a one-person
invite link to a Telegram group. The engine turns each into outbox work for the learner's
account on that platform; the adapter does it once and says what the learner unlocked."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag

from questbot.catalog.fields import DAY, HOUR, Strict, _duration_schema, _parse_duration, _within
from questbot.catalog.localized import ShortLocalized

MAX_REWARDS = 10  # per badge
DEFAULT_INVITE_EXPIRY = 7 * DAY

Snowflake = Annotated[str, Field(pattern=r"^[1-9][0-9]{5,19}$",
                                 description="a Discord id (17-20 digits), quoted")]
ChatId = Annotated[str, Field(pattern=r"^-[1-9][0-9]{4,19}$",
                              description="a Telegram group's chat id (-100...), quoted")]
InviteExpiry = Annotated[
    int, BeforeValidator(_parse_duration), AfterValidator(_within(HOUR, 30 * DAY)),
    _duration_schema(HOUR, 30 * DAY, "how long the invite link works")]


class DiscordRole(Strict):
    """``{discord_role: ROLE_ID, server: SERVER_ID, name: ...}``: the learner's Discord account
    gets the role when the badge is awarded and loses it when the badge is revoked (unless
    another live badge gives the same role)."""

    platform: ClassVar[str] = "discord"
    discord_role: Snowflake = Field(description="the role's id (Server Settings → Roles)")
    server: Snowflake = Field(description="the server's id")
    name: ShortLocalized | None = Field(
        None, description="what the learner reads; the role's own name when left out")

    def key(self) -> tuple[str, str]:
        return (self.server, self.discord_role)


class TelegramInvite(Strict):
    """``{telegram_invite: CHAT_ID, name: ..., expires_after: 7d}``: the learner's Telegram
    account receives, privately, an invite link to the group that admits one person."""

    platform: ClassVar[str] = "telegram"
    telegram_invite: ChatId = Field(description="the group's chat id")
    name: ShortLocalized | None = Field(None, description="the group's name, as learners read it")
    expires_after: InviteExpiry = DEFAULT_INVITE_EXPIRY


# Tags are not keys of the file, so an error's location maps back onto the file's own keys.
_TAGS = {"discord_role": "reward-discord", "telegram_invite": "reward-telegram"}


def _reward_shape(value: Any) -> str | None:
    if isinstance(value, DiscordRole):
        return _TAGS["discord_role"]
    if isinstance(value, TelegramInvite):
        return _TAGS["telegram_invite"]
    if isinstance(value, dict):
        return next((tag for key, tag in _TAGS.items() if key in value), None)
    return None


Reward = Annotated[
    Annotated[DiscordRole, Tag("reward-discord")]
    | Annotated[TelegramInvite, Tag("reward-telegram")],
    Discriminator(_reward_shape, custom_error_type="reward",
                  custom_error_message="expected a reward: discord_role or telegram_invite",
                  custom_error_context={"hint": "{discord_role: \"ROLE_ID\", server: "
                                        "\"SERVER_ID\"} or {telegram_invite: \"-100CHAT_ID\"}"}),
]
Rewards = Annotated[tuple[Reward, ...], Field(
    max_length=MAX_REWARDS, description="what the badge unlocks in the community")]

__all__ = ["DEFAULT_INVITE_EXPIRY", "DiscordRole", "Reward", "Rewards", "TelegramInvite"]
