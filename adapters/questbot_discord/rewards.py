"""A badge's rewards and announcements on Discord, from the outbox: a role given or taken back
(``PUT``/``DELETE /guilds/{guild}/members/{user}/roles/{role}``: idempotent, so a retry after
a lost answer is harmless), then the member told what they unlocked; an announcement posted
in a server's channel, the learner mentioned (and only them pinged).

What Discord refuses for good (403: the bot lacks Manage Roles, or the role is above the
bot's own; 404: no such role, member or channel) is not tried again: the row ends ``failed``
and the admins are told once, with the command that requeues it after the fix. 5xx answers
and network failures wait for the next round (idempotent calls; the announcement carries a
nonce, so Discord keeps one copy)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from questbot.domain import Announcement, Delivery, GrantRole, RemoveRole, Text
from questbot.domain.channels import channel_of
from questbot.kit import Attempted, Sent
from questbot.kit.notices import tell_admins
from questbot.ports import AdapterContext
from questbot_discord.render import only_mention, split_text
from questbot_discord.strings import NAMESPACE, say

log = logging.getLogger(__name__)
UNKNOWN_MEMBER = 10007
SendText = Callable[[Delivery], Awaitable[Sent]]


class Rewards:
    def __init__(self, client: discord.Client, context: AdapterContext, dm: SendText) -> None:
        self._client = client
        self._context = context
        self._dm = dm  # a message to the member, as the outbox sends one

    async def _tell_admins(self, key: str, **params: object) -> None:
        common = self._context.common
        await tell_admins(self._context.outbox, common.admins, common.language,
                          f"{NAMESPACE}.{key}", **params)

    def _role_name(self, message: GrantRole | RemoveRole) -> str:
        if message.role_name:
            return message.role_name
        guild = self._client.get_guild(int(message.server))
        role = guild.get_role(int(message.role)) if guild is not None else None
        return role.name if role is not None else say("some_role", message.language)

    async def change_role(self, delivery: Delivery, message: GrantRole | RemoveRole
                          ) -> Attempted:
        http = self._client.http
        member = int(delivery.recipient.user_id)
        reason = f"questbot badge {message.award_id}"
        granting = isinstance(message, GrantRole)
        try:
            if granting:
                await http.add_role(int(message.server), member, int(message.role),
                                    reason=reason)
            else:
                await http.remove_role(int(message.server), member, int(message.role),
                                       reason=reason)
        except discord.HTTPException as exc:
            if exc.status >= 500:
                return Attempted(Sent.UNREACHABLE, str(exc))
            if not granting and exc.code == UNKNOWN_MEMBER:  # left the server: nothing to take
                return Attempted(Sent.DELIVERED)
            await self._tell_admins("role_refused", role=self._role_name(message),
                                    member=member, server=message.server,
                                    error=exc.text or exc.status,
                                    delivery=delivery.delivery_id)
            return Attempted(Sent.FAILED, f"{exc.status}: {exc.text}")
        except aiohttp.ClientError as exc:
            return Attempted(Sent.UNREACHABLE, str(exc))
        key = "role_granted" if granting else "role_removed"
        told = Text(say(key, message.language, badge=message.badge_name,
                        role=self._role_name(message)), message.language)
        sent = await self._dm(Delivery(delivery.delivery_id, delivery.recipient, told))
        if sent is Sent.DELIVERED:
            return Attempted(Sent.DELIVERED)
        return Attempted(sent, "the role is done; telling the member waits", rest=told)

    async def announce(self, delivery: Delivery, message: Announcement, nonce: str
                       ) -> Attempted:
        place = channel_of(delivery.recipient)
        assert place is not None
        server, name = place
        channel = self._channel(server, name)
        if channel is None:
            await self._tell_admins("channel_refused", channel=name, server=server,
                                    error="no such text channel",
                                    delivery=delivery.delivery_id)
            return Attempted(Sent.FAILED, f"no text channel {name} on server {server}")
        content, mentions = addressed(message)
        try:
            for index, piece in enumerate(split_text(content)):
                await channel.send(piece, allowed_mentions=mentions, nonce=f"{nonce}.{index}")
        except (discord.Forbidden, discord.NotFound) as exc:
            await self._tell_admins("channel_refused", channel=name, server=server,
                                    error=exc.text or exc.status,
                                    delivery=delivery.delivery_id)
            return Attempted(Sent.FAILED, f"{exc.status}: {exc.text}")
        except (discord.HTTPException, aiohttp.ClientError) as exc:
            return Attempted(Sent.UNREACHABLE, str(exc))
        return Attempted(Sent.DELIVERED)

    def _channel(self, server: str, name: str) -> discord.TextChannel | None:
        guild = self._client.get_guild(int(server)) if server.isdigit() else None
        if guild is None:
            return None
        for channel in guild.text_channels:
            if name in (channel.name, str(channel.id)):
                return channel
        return None


def addressed(message: Announcement) -> tuple[str, discord.AllowedMentions]:
    """The text with the learner mentioned where their name is (else first), pinging only
    them: whatever else the text holds (a name with @everyone in it) stays text."""
    if not message.account.isdigit():
        return message.text, discord.AllowedMentions.none()
    mention = f"<@{message.account}>"
    if message.name and message.name in message.text:
        text = message.text.replace(message.name, mention, 1)
    else:
        text = f"{mention} {message.text}"
    return text, only_mention(int(message.account))
