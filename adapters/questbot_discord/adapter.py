"""The Discord adapter: discord.py in questbot's event loop. Interactions are acknowledged
at once (deferred), then answered when the engine has decided; members with the tutor role
are tutors; whatever cannot be sent waits in the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from typing import Any

import aiohttp
import discord
import yarl

from questbot.domain import (
    Announcement,
    BadgeAwarded,
    Command,
    ConfigError,
    ConversationRef,
    Delivery,
    Event,
    GrantRole,
    InviteLink,
    Outbound,
    PostMessage,
    Question,
    React,
    RemoveRole,
    Text,
    UserRef,
    parse_text,
)
from questbot.domain.channels import channel_of
from questbot.domain.progress import Role
from questbot.kit import Attempted, BackgroundTasks, OutboxPump, Sent, badge_png, send_or_keep
from questbot.ports import AdapterContext
from questbot_discord.client import PLATFORM, Interaction, QuestClient, member_ref, quest_client
from questbot_discord.render import (
    NO_MENTIONS,
    badge_message,
    only_mention,
    question_view,
    split_text,
)
from questbot_discord.rewards import Rewards, addressed
from questbot_discord.settings import DiscordSettings
from questbot_discord.strings import say

log = logging.getLogger(__name__)
READY_TIMEOUT = 60.0
MAX_REMEMBERED_LOCALES = 100_000  # members, most recent kept


class DiscordAdapter:
    name = PLATFORM

    def __init__(self, context: AdapterContext, settings: DiscordSettings,
                 outbox_interval: float = 1.0) -> None:
        self._context = context
        self.settings = settings
        self._outbox_interval = outbox_interval
        self._client: QuestClient | None = None
        self._runner: asyncio.Task[None] | None = None
        self._tasks = BackgroundTasks()
        self._locales: OrderedDict[int, str] = OrderedDict()  # member id -> Discord locale

    @property
    def client(self) -> QuestClient:
        assert self._client is not None
        return self._client

    # --- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # privileged: enable it in the Developer Portal
        point_at(self.settings)
        client = quest_client(self, intents, self.settings.guild_ids,
                              self.settings.shard_count, self.settings.shard_ids)
        self._client = client
        try:
            await client.login(self.settings.bot_token)
        except discord.LoginFailure:
            await client.close()
            raise ConfigError("QUESTBOT_DISCORD_TOKEN: Discord rejected the bot token") from None
        except BaseException:
            await client.close()
            raise
        self._runner = asyncio.create_task(client.connect(reconnect=True), name="discord")
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({self._runner, ready}, timeout=READY_TIMEOUT,
                                     return_when=asyncio.FIRST_COMPLETED)
        if self._runner in done:
            ready.cancel()
            await client.close()
            raise _startup_error(self._runner.exception())
        if ready not in done:
            ready.cancel()
            log.warning("Discord is not ready yet; the adapter keeps trying in the background")
        self._rewards = Rewards(client, self._context, self._send_to_member)
        self.outbox = OutboxPump(self._context.outbox, PLATFORM, self._send_delivery,
                                 clock=self._context.clock, interval=self._outbox_interval,
                                 ready=client.is_ready,
                                 max_attempts=self._context.common.outbox_max_attempts,
                                 lease=self._context.common.outbox_lease)
        self._tasks.start(self.outbox.run(), name="discord-outbox")

    async def stop(self) -> None:
        await self._tasks.stop()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._runner
        self._client = None

    # --- events --------------------------------------------------------------------------
    def _role(self, user: discord.abc.User) -> Role:
        wanted = (self.settings.tutor_role or "").lower()
        roles = getattr(user, "roles", ())
        if wanted and any(wanted in (str(r.id), r.name.lower()) for r in roles):
            return Role.TUTOR
        return Role.LEARNER

    def _conversation(self, channel: Any, guild_id: int | None) -> ConversationRef:
        channel_id = str(getattr(channel, "id", "dm"))
        if guild_id is None:
            return ConversationRef(PLATFORM, channel_id, None, private=True)
        return ConversationRef(PLATFORM, channel_id, getattr(channel, "name", None) or
                               channel_id, private=False, community=str(guild_id))

    def _event(self, event_id: str, user: discord.abc.User, conversation: ConversationRef,
               command: Command, language: str = "", message_id: int | None = None) -> Event:
        # Discord says a member's language with interactions only; their messages and
        # reactions are read in the language their last interaction said
        if language:
            self._locales[user.id] = language
            self._locales.move_to_end(user.id)
            while len(self._locales) > MAX_REMEMBERED_LOCALES:
                self._locales.popitem(last=False)
        language = language or self._locales.get(user.id, "")
        return Event(event_id, member_ref(user), conversation, command,
                     (user.display_name or user.name)[:100], language.split("-", maxsplit=1)[0],
                     self._role(user), None if message_id is None else str(message_id))

    async def run(self, interaction: Interaction, command: Command, ephemeral: bool) -> None:
        # Acknowledge within Discord's 3 seconds, whatever the engine then takes.
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        event = self._event(f"i{interaction.id}", interaction.user,
                            self._conversation(interaction.channel, interaction.guild_id),
                            command, interaction.locale.value)
        replies = await self._context.engine.handle(event)
        if not replies:
            replies = [Text(say("done", event.language or self._context.common.language))]
        for reply in replies:
            await self._followup(interaction, reply, ephemeral, event)

    async def _followup(self, interaction: Interaction, reply: Outbound, ephemeral: bool,
                        event: Event) -> None:
        async def send(message: Outbound) -> Sent:
            try:
                for part in await self._messages(message, event.language):
                    await interaction.followup.send(ephemeral=ephemeral, **part)
            except (discord.HTTPException, aiohttp.ClientError):
                return Sent.UNREACHABLE
            return Sent.DELIVERED

        await send_or_keep(self._context.outbox, event.actor, reply, send, PLATFORM)

    async def _messages(self, reply: Outbound, language: str) -> list[dict[str, Any]]:
        messages = await self._render(reply, language)
        for message in messages:
            message["allowed_mentions"] = NO_MENTIONS  # echoed text never pings anyone
        return messages

    async def _render(self, reply: Outbound, language: str) -> list[dict[str, Any]]:
        """``language``: the platform's or the community's, unless the engine said whose
        language the message is in."""
        if reply.language:
            language = reply.language
        match reply:
            case Text(text=text):
                return [{"content": piece} for piece in split_text(text)]
            case Question(text=text):
                return [{"content": split_text(text)[0],
                         "view": question_view(reply, language)}]
            case BadgeAwarded():
                png = await badge_png(reply, self._context.badge_file)
                return [badge_message(reply, png, self._context.common.issuer_name, language)]
            case Announcement():
                return [{"content": piece} for piece in split_text(addressed(reply)[0])]
            case GrantRole() | RemoveRole() | InviteLink():
                return []  # work for the outbox (see rewards.py), never a reply's text

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not message.content:
            return
        if message.guild is None:
            command: Command = parse_text(message.content, PLATFORM)
        else:
            command = PostMessage(message.content[:4000])  # taking part in a channel
        event = self._event(f"m{message.id}", message.author,
                            self._conversation(message.channel,
                                               message.guild.id if message.guild else None),
                            command, message_id=message.id)
        replies = await self._context.engine.handle(event)

        async def send(reply: Outbound) -> Sent:
            try:
                for part in address(await self._messages(reply, event.language),
                                    message.author.id):
                    await message.channel.send(**part)
            except (discord.HTTPException, aiohttp.ClientError):
                return Sent.UNREACHABLE
            return Sent.DELIVERED

        for reply in replies:
            await send_or_keep(self._context.outbox, event.actor, reply, send, PLATFORM)

    async def on_reaction(self, payload: discord.RawReactionActionEvent) -> None:
        member = payload.member
        if member is None or member.bot or payload.guild_id is None:
            return
        channel = self.client.get_channel(payload.channel_id)
        # the post, and its author when Discord says: one post counts once, one's own never
        author = None if payload.message_author_id is None else \
            UserRef(PLATFORM, str(payload.message_author_id))
        event = self._event(f"r{payload.message_id}:{payload.user_id}:{payload.emoji}",
                            member, self._conversation(channel, payload.guild_id),
                            React(str(payload.message_id), author))
        replies = await self._context.engine.handle(event)
        if channel is not None and replies:
            for reply in replies:
                with contextlib.suppress(discord.HTTPException):
                    for part in address(await self._messages(reply, event.language),
                                        member.id):
                        await channel.send(**part)  # type: ignore[union-attr]

    # --- the outbox ----------------------------------------------------------------------
    async def _send_delivery(self, delivery: Delivery) -> Sent | Attempted:
        message = delivery.message
        match message:
            case GrantRole() | RemoveRole():
                return await self._rewards.change_role(delivery, message)
            case Announcement() if channel_of(delivery.recipient) is not None:
                return await self._rewards.announce(delivery, message,
                                                    delivery_nonce(delivery, 0, channel=True))
            case _:
                return await self._send_to_member(delivery)

    async def _send_to_member(self, delivery: Delivery) -> Sent:
        try:
            await self._direct_message(delivery)
        except discord.Forbidden:
            if not await self._to_fallback_channel(delivery):
                return Sent.REFUSED  # DMs closed and no fallback channel: try again later
        except (discord.HTTPException, aiohttp.ClientError):
            return Sent.UNREACHABLE
        return Sent.DELIVERED

    async def _direct_message(self, delivery: Delivery) -> None:
        user = await self.client.fetch_user(int(delivery.recipient.user_id))
        channel = await user.create_dm()
        parts = await self._messages(delivery.message, self._context.common.language)
        for index, part in enumerate(parts):
            await channel.send(**part, nonce=delivery_nonce(delivery, index))

    async def _to_fallback_channel(self, delivery: Delivery) -> bool:
        """Members with closed DMs are told in the configured channel instead."""
        if self.settings.fallback_channel_id is None:
            return False
        channel = self.client.get_channel(self.settings.fallback_channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        recipient = delivery.recipient
        parts = await self._messages(delivery.message, self._context.common.language)
        parts[0]["content"] = f"<@{recipient.user_id}> " + str(parts[0].get("content", ""))
        for index, part in enumerate(parts):
            part["allowed_mentions"] = only_mention(int(recipient.user_id))
            await channel.send(**part, nonce=delivery_nonce(delivery, index, fallback=True))
        return True


def address(parts: list[dict[str, Any]], member_id: int) -> list[dict[str, Any]]:
    """What the bot posts in a channel about a member's post: its first part mentions them,
    and pings only them."""
    if parts:
        parts[0]["content"] = f"<@{member_id}> " + str(parts[0].get("content") or "")
        for part in parts:
            part["allowed_mentions"] = only_mention(member_id)
    return parts


def delivery_nonce(delivery: Delivery, part: int, fallback: bool = False,
                   channel: bool = False) -> str:
    """The same for every attempt at one part of one delivery: Discord (``enforce_nonce``)
    answers a repeat within minutes with the message it already made, so a send whose answer
    was lost (a 5xx after the message was stored, retried by discord.py) appears once."""
    kind = "c" if channel else "f" if fallback else "d"
    return f"{kind}{delivery.delivery_id}.{part}"  # ids fit in 25 chars


def point_at(settings: DiscordSettings) -> None:
    """Where discord.py's REST calls and gateway go (a local server, a proxy). discord.py
    keeps both as class attributes (hence the upper bound on its version)."""
    discord.http.Route.BASE = settings.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def _startup_error(exc: BaseException | None) -> Exception:
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return ConfigError("QUESTBOT_DISCORD_TOKEN: this bot may not read message content; "
                           "enable the Message Content Intent in the Developer Portal "
                           "(Bot → Privileged Gateway Intents)")
    if isinstance(exc, discord.LoginFailure) or (
            isinstance(exc, discord.ConnectionClosed) and exc.code == 4004):
        return ConfigError("QUESTBOT_DISCORD_TOKEN: Discord rejected the bot token")
    return ConfigError(f"Discord: could not connect: {exc}")
