"""The Telegram adapter: python-telegram-bot inside questbot's event loop, long polling by
default or a webhook on the badge server; the engine decides, this only translates."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    MessageReactionHandler,
    filters,
)

from questbot.domain import (
    Announcement,
    ConfigError,
    Delivery,
    Event,
    InviteLink,
    Outbound,
    Text,
    UserRef,
)
from questbot.domain.channels import channel_of
from questbot.domain.messages import React, Submit
from questbot.domain.submissions import Attachment
from questbot.i18n import translate
from questbot.kit import Attempted, BackgroundTasks, OutboxPump, Sent, send_or_keep
from questbot.ports import AdapterContext
from questbot_telegram.files import read_attachment
from questbot_telegram.menu import register_menus
from questbot_telegram.rewards import Rewards
from questbot_telegram.send import Addressed, NotSent, Sender, label_of, with_retries
from questbot_telegram.settings import TelegramSettings
from questbot_telegram.strings import say
from questbot_telegram.translate import (
    PLATFORM,
    callback_event,
    message_event,
    reaction_event,
)

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query", "message_reaction"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramAdapter:
    name = PLATFORM

    def __init__(self, context: AdapterContext, settings: TelegramSettings,
                 outbox_interval: float = 1.0, read_timeout: float | None = None) -> None:
        self._context = context
        self._settings = settings
        self._outbox_interval = outbox_interval
        self._read_timeout = read_timeout  # seconds to wait for Telegram's answer (PTB: 5)
        self._application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._sender: Sender | None = None
        self._rewards: Rewards | None = None
        self._username = ""
        self._channels = settings.channel_names
        self._tasks = BackgroundTasks()

    # --- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        builder = (ApplicationBuilder().token(self._settings.bot_token)
                   .base_url(self._settings.base_url)
                   .base_file_url(self._settings.base_file_url)
                   .rate_limiter(AIORateLimiter(max_retries=5))
                   .concurrent_updates(32))
        if self._read_timeout is not None:
            builder = builder.read_timeout(self._read_timeout)
        if self._settings.mode == "webhook":
            builder = builder.updater(None)
        application = builder.build()
        application.add_handler(MessageHandler(
            filters.UpdateType.MESSAGE & filters.TEXT, self._on_text))
        application.add_handler(MessageHandler(
            filters.UpdateType.MESSAGE & (filters.Document.ALL | filters.PHOTO)
            & filters.CaptionRegex(r"^\s*/"), self._on_file))
        application.add_handler(MessageHandler(
            filters.UpdateType.MESSAGE & ~filters.TEXT & filters.ChatType.PRIVATE,
            self._on_other))
        application.add_handler(CallbackQueryHandler(self._on_button))
        application.add_handler(MessageReactionHandler(self._on_reaction))
        application.add_error_handler(self._on_error)
        try:
            await application.initialize()  # getMe: a bad token fails here, clearly
        except InvalidToken:
            await application.bot.shutdown()  # the Application was never initialized
            raise ConfigError("QUESTBOT_TELEGRAM_TOKEN: Telegram rejected the bot token; "
                              "check it with @BotFather") from None
        self._application = application
        self._username = application.bot.username
        self._sender = Sender(application.bot, self._context.badge_file,
                              self._context.common.language)
        self._rewards = Rewards(application.bot, self._sender, self._context, self._channels)
        await self._register_commands()
        await application.start()
        if self._settings.mode == "webhook":
            await self._start_webhook()
        else:
            assert application.updater is not None
            await application.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, timeout=10, bootstrap_retries=-1,
                error_callback=lambda exc: log.warning("telegram polling: %s", exc))
        self.outbox = OutboxPump(self._context.outbox, PLATFORM, self._send_delivery,
                                 clock=self._context.clock, interval=self._outbox_interval,
                                 max_attempts=self._context.common.outbox_max_attempts,
                                 lease=self._context.common.outbox_lease)
        self._tasks.start(self.outbox.run(), name="telegram-outbox")

    async def stop(self) -> None:
        await self._tasks.stop()
        application = self._application
        if application is None:
            return
        if self._context.webhooks is not None:
            self._context.webhooks.unregister(PLATFORM)
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        self._application = None

    async def _register_commands(self) -> None:
        """Learners' menu by default; tutors and admins get theirs (see menu.py)."""
        assert self._application is not None
        common = self._context.common
        await register_menus(self._application.bot, common.language, common.admins,
                             common.tutors, list(self._channels))

    # --- webhook -------------------------------------------------------------------------
    def _webhook_path(self) -> str:
        secret = self._settings.secret
        return hashlib.sha256(secret.encode()).hexdigest()[:32]  # the secret stays out of logs

    async def _start_webhook(self) -> None:
        assert self._application is not None
        if self._context.webhooks is None:
            raise ConfigError("QUESTBOT_TELEGRAM_MODE: webhook mode needs the badge server")
        self._context.webhooks.register(PLATFORM, self._on_webhook)
        url = (f"{self._context.common.public_url.rstrip('/')}/webhooks/telegram/"
               f"{self._webhook_path()}")
        bot = self._application.bot
        await with_retries(lambda: bot.set_webhook(
            url, allowed_updates=ALLOWED_UPDATES, secret_token=self._settings.secret))

    async def _on_webhook(self, path: str, headers: Mapping[str, str], body: bytes
                          ) -> tuple[int, str]:
        expected = self._settings.secret
        given = headers.get(SECRET_HEADER, "")
        if path != self._webhook_path() or not hmac.compare_digest(given, expected):
            return 403, "forbidden"
        application = self._application
        if application is None:
            return 503, "not ready"
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except (ValueError, TypeError, KeyError):
            return 400, "not an update"
        await application.update_queue.put(update)
        return 200, "ok"

    # --- updates -------------------------------------------------------------------------
    async def _on_text(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is None:
            return
        event = message_event(update, update.message, self._username, self._channels)
        if event is not None:
            await self._handle(event, update.message.chat_id)

    async def _on_file(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A document or photo whose caption is a command that takes a file (``/submit QUEST
        STEP``): the command is read first, and the file fetched only for such a command."""
        message = update.message
        if message is None:
            return
        placeholder = Attachment("file", b"")
        event = message_event(update, message, self._username, self._channels, placeholder)
        if event is None:
            return
        command = event.command
        if isinstance(command, Submit) and command.attachment is placeholder:
            attachment = await read_attachment(message)
            event = replace(event, command=replace(command, attachment=attachment))
        await self._handle(event, message.chat_id)

    async def _on_other(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.effective_user is not None:
            language = update.effective_user.language_code or self._context.common.language
            await self._reply(update.message.chat_id, say("text_only", language), None)

    async def _on_reaction(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        event = reaction_event(update, self._channels)
        if event is not None and update.message_reaction is not None:
            await self._handle(event, update.message_reaction.chat.id)

    async def _on_button(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        event = callback_event(update, self._channels)
        if query is None or event is None or query.message is None:
            if query is not None:
                await query.answer()
            return
        replies = await self._context.engine.handle(event)
        stale = translate("quiz.stale", event.language)
        if replies and getattr(replies[0], "text", None) == stale:
            await query.answer(stale, show_alert=False)  # an old or foreign button
            return
        await query.answer()
        message = query.message
        label = label_of(getattr(message, "reply_markup", None), query.data or "")
        text = getattr(message, "text", None)
        if label and text:
            with contextlib.suppress(BadRequest):  # the message is too old to edit
                await query.edit_message_text(f"{text}\n\n➡ {label}")
        for reply in replies:
            await self._reply(message.chat.id, reply, event.actor)

    async def _handle(self, event: Event, chat_id: int) -> None:
        replies = await self._context.engine.handle(event)
        to = addressed(event)
        for reply in replies:
            await self._reply(chat_id, reply, event.actor, to)

    async def _reply(self, chat_id: int, message: Outbound | str, actor: UserRef | None,
                     to: Addressed | None = None) -> None:
        outbound = Text(message) if isinstance(message, str) else message
        await send_or_keep(self._context.outbox, actor, outbound,
                           lambda m: self._send_now(chat_id, m, to), PLATFORM)

    async def _send_now(self, chat_id: int, message: Outbound, to: Addressed | None = None
                        ) -> Attempted:
        assert self._sender is not None
        try:
            uncertain = await self._sender.send(chat_id, message, to)
        except NotSent as exc:
            # Not sent now: what is left waits in the outbox until Telegram can be reached
            # (or the learner opens a private chat with the bot).
            return Attempted(Sent.REFUSED, str(exc), exc.rest)
        if uncertain is not None:  # probably delivered: recorded, never resent (see send.py)
            return Attempted(Sent.UNCERTAIN, uncertain)
        return Attempted(Sent.DELIVERED)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = getattr(update, "update_id", "?")
        log.error("telegram update %s failed", update_id, exc_info=context.error)

    # --- the outbox ----------------------------------------------------------------------
    async def _send_delivery(self, delivery: Delivery) -> Attempted:
        assert self._rewards is not None
        message = delivery.message
        match message:
            case InviteLink():
                return await self._rewards.invite(delivery, message)
            case Announcement() if channel_of(delivery.recipient) is not None:
                return await self._rewards.announce(delivery, message)
            case _:
                return await self._send_to_account(delivery)

    async def _send_to_account(self, delivery: Delivery) -> Attempted:
        assert self._sender is not None
        try:
            uncertain = await self._sender.send(int(delivery.recipient.user_id),
                                                delivery.message)
        except NotSent as exc:
            rest = exc.rest if exc.rest != delivery.message else None
            if isinstance(exc.cause, (Forbidden, BadRequest)):
                # The learner has not opened a private chat with the bot, or blocked it.
                return Attempted(Sent.REFUSED, str(exc.cause), rest)
            # Down, or still "too many requests" after the rate limiter's waits: not counted.
            return Attempted(Sent.UNREACHABLE, str(exc.cause), rest)
        if uncertain is not None:
            return Attempted(Sent.UNCERTAIN, uncertain)
        return Attempted(Sent.DELIVERED)


def addressed(event: Event) -> Addressed | None:
    """In a group, the bot's answer replies to the member's message (a reaction, which is no
    message of theirs, mentions them by name)."""
    if event.conversation.private:
        return None
    if isinstance(event.command, React):
        user_id = event.actor.user_id
        return Addressed(name=event.display_name or "", user_id=int(user_id)) \
            if user_id.isdigit() and event.display_name else None
    return Addressed(reply_to=int(event.message_id)) \
        if event.message_id and event.message_id.isdigit() else None
