"""A badge's invite link and a community's announcements on Telegram, from the outbox.

An invite link (``createChatInviteLink`` with ``member_limit: 1`` and an expiry) is created
at most once: asking for one is not idempotent, so before asking, the outbox row is marked
``started``; a row found started (the process died while asking) and a request whose answer
came too late (the link may exist) are never asked again: they end ``uncertain`` and the
admins are told. Once the link exists, only the message carrying it waits for the learner
(their private chat), however often that must be tried. Telegram's refusals ("not enough
rights", chat not found, the bot not in the group) end the row ``failed`` at once, the admins
told once with the command that requeues it after the fix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from questbot.domain import Announcement, Delivery, InviteLink, Text
from questbot.domain.channels import channel_of
from questbot.i18n import format_moment
from questbot.kit import Attempted, Sent
from questbot.kit.notices import tell_admins
from questbot.ports import AdapterContext, DeliveryStatus, Settle
from questbot_telegram.send import MaybeSent, NotSent, Sender, with_retries
from questbot_telegram.strings import NAMESPACE, say

MAX_LINK_NAME = 32  # Telegram's limit on an invite link's name


class Rewards:
    def __init__(self, bot: Bot, sender: Sender, context: AdapterContext,
                 channels: Mapping[int, str]) -> None:
        self._bot = bot
        self._sender = sender
        self._context = context
        self._chats = {name: chat for chat, name in channels.items()}

    async def _tell_admins(self, key: str, **params: object) -> None:
        common = self._context.common
        await tell_admins(self._context.outbox, common.admins, common.language,
                          f"{NAMESPACE}.{key}", **params)

    async def invite(self, delivery: Delivery, message: InviteLink) -> Attempted:
        member = delivery.recipient.user_id
        if message.started:
            await self._tell_admins("invite_uncertain", chat=message.chat, member=member,
                                    delivery=delivery.delivery_id)
            return Attempted(Sent.UNCERTAIN, "asked for an invite link before a restart; "
                             "not asked again", rest=replace(message, started=False))
        # Durably "asking" before asking: a crash from here on never asks twice. (An uncertain
        # row keeps the message an admin's requeue would send: asking again, or the link.)
        await self._context.outbox.settle([Settle(
            delivery.delivery_id, DeliveryStatus.PENDING, "asking for an invite link",
            counted=False, rest=replace(message, started=True))])
        expires = self._context.clock.now() + timedelta(seconds=message.expires_in_seconds)
        try:
            link = await with_retries(lambda: self._bot.create_chat_invite_link(
                int(message.chat), expire_date=expires, member_limit=1,
                name=f"questbot {message.award_id}"[:MAX_LINK_NAME]), idempotent=False)
        except MaybeSent as exc:
            await self._tell_admins("invite_uncertain", chat=message.chat, member=member,
                                    delivery=delivery.delivery_id)
            return Attempted(Sent.UNCERTAIN, str(exc), rest=message)
        except (BadRequest, Forbidden) as exc:  # not enough rights, no such chat
            await self._tell_admins("invite_refused", chat=message.chat, member=member,
                                    error=exc.message, delivery=delivery.delivery_id)
            return Attempted(Sent.FAILED, exc.message, rest=message)
        except TelegramError as exc:  # Telegram said it failed (5xx, flood): no link made
            return Attempted(Sent.UNREACHABLE, str(exc), rest=message)
        language = message.language or self._context.common.language
        told = Text(say("invite", language, badge=message.badge_name,
                        group=message.group_name or say("some_group", language),
                        link=link.invite_link, until=format_moment(expires, language)),
                    language)
        try:
            uncertain = await self._sender.send(int(member), told)
        except NotSent as exc:  # the link exists: only the message carrying it waits
            sent = Sent.REFUSED if isinstance(exc.cause, BadRequest | Forbidden) \
                else Sent.UNREACHABLE
            return Attempted(sent, str(exc.cause), rest=exc.rest)
        if uncertain is not None:
            return Attempted(Sent.UNCERTAIN, uncertain, rest=told)
        return Attempted(Sent.DELIVERED)

    def _chat(self, channel: str) -> int | None:
        if channel in self._chats:
            return self._chats[channel]
        digits = channel.removeprefix("-")
        return int(channel) if digits.isdigit() else None

    async def announce(self, delivery: Delivery, message: Announcement) -> Attempted:
        place = channel_of(delivery.recipient)
        assert place is not None
        name = place[1]
        chat = self._chat(name)
        if chat is None:
            await self._tell_admins("channel_refused", channel=name, error="unknown channel",
                                    delivery=delivery.delivery_id)
            return Attempted(Sent.FAILED, f"no chat named {name}")
        try:
            uncertain = await self._sender.send(chat, message)
        except NotSent as exc:
            if isinstance(exc.cause, BadRequest | Forbidden):
                await self._tell_admins("channel_refused", channel=name,
                                        error=exc.cause.message, delivery=delivery.delivery_id)
                return Attempted(Sent.FAILED, exc.cause.message)
            return Attempted(Sent.UNREACHABLE, str(exc.cause))
        if uncertain is not None:
            return Attempted(Sent.UNCERTAIN, uncertain)
        return Attempted(Sent.DELIVERED)
