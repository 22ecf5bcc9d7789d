"""questbot's results as Telegram messages, within Telegram's limits, retried only when that
cannot send anything twice.

Why a timed-out send is not sent again
--------------------------------------
``sendMessage`` and ``sendDocument`` are not idempotent: Telegram takes no client id, so two
requests are two messages. python-telegram-bot raises ``TimedOut`` (or ``NetworkError``) for
very different moments of a request, told apart by the httpx exception it was raised from:

- before anything reached Telegram (no connection, connect or pool timeout, or the body could
  not be written in time): Telegram cannot have acted on it, so it is retried;
- after the whole request was written (read timeout, the connection dropped or closed while
  waiting for the answer): Telegram may well have delivered it and merely answered late. Also
  a ``TimedOut`` we cannot place.

Nothing can settle the second case afterwards: the Bot API has no lookup by client id and no
way to list what a bot sent in a private chat. Resending would show the learner the same
message twice for every slow answer, which is exactly when Telegram is busy; not resending
loses a message only when the request really was lost after being written, which is rare, and
what a learner is told is never the only copy (their progress and badges answer /progress and
/badges; a badge page lives at its URL). So such a send is treated as probably delivered
(``MaybeSent``): never repeated automatically, and kept in the outbox as ``uncertain`` (with
the reason), listed with the failed deliveries, where an admin can requeue it. Only an answer
in which Telegram says it failed (400, 403, 429 after the rate limiter's own waits, 5xx) or a
request that never left is sent again, through the outbox. A message of several parts goes
on after an uncertain part, and what waits after a failed part is only what was not sent.

Idempotent calls (setting commands or a webhook) keep the plain retry with backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyParameters,
    User,
)
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from questbot.domain import (
    Announcement,
    BadgeAwarded,
    GrantRole,
    InviteLink,
    Outbound,
    Question,
    RemoveRole,
    Text,
)
from questbot.domain.text import split_message
from questbot.i18n import translate
from questbot.kit import badge_png
from questbot.ports import BadgeFiles

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096
MAX_CAPTION = 1024
BACKOFF = (0.5, 1.0, 2.0, 4.0)
T = TypeVar("T")

# httpx failures after the request was written: Telegram may have acted on it
_AFTER_WRITING = (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError)


class MaybeSent(TelegramError):
    """A non-idempotent call whose request went out but whose answer never came."""


class NotSent(Exception):
    """Telegram refused part of a message or could not be reached; ``rest`` (the part that
    failed and those after it) did not go out. ``uncertain`` says why an earlier part may
    have arrived unconfirmed."""

    def __init__(self, cause: TelegramError, rest: Outbound, uncertain: str | None) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.rest = rest
        self.uncertain = uncertain


def may_have_arrived(exc: BaseException) -> bool:
    """Could Telegram have acted on the request that failed with ``exc``?"""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, _AFTER_WRITING):
            return True
        if isinstance(seen, httpx.TransportError):
            return False  # connect, pool or write: the request never arrived whole
        seen = seen.__cause__ or seen.__context__
    # No httpx cause: a NetworkError is then an answer (5xx) in which Telegram said it
    # failed; a TimedOut from elsewhere cannot be placed and counts as maybe sent.
    return isinstance(exc, TimedOut)


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    return split_message(text, limit)


def keyboard(question: Question) -> InlineKeyboardMarkup | None:
    if not question.choices:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(choice.label[:100],
                                                       callback_data=choice.token)]
                                 for choice in question.choices])


async def with_retries(call: Callable[[], Awaitable[T]], *, idempotent: bool = True) -> T:
    """Network errors and 5xx answers are retried with backoff (429s are waited out by
    python-telegram-bot's rate limiter); other errors are the caller's. A call that is not
    ``idempotent`` is retried only when its request cannot have reached Telegram; otherwise
    it raises ``MaybeSent``."""
    for delay in (*BACKOFF, None):
        try:
            return await call()
        except BadRequest:
            raise  # a subclass of NetworkError in python-telegram-bot, but never transient
        except NetworkError as exc:  # TimedOut is one too
            if not idempotent and may_have_arrived(exc):
                raise MaybeSent(f"no answer after sending ({_describe(exc)})") from exc
            if delay is None:
                raise
            log.info("telegram call failed (%s); retrying in %.1f s", exc, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def parts(message: Outbound) -> list[Outbound]:
    """A message as the Telegram calls that send it, one call each."""
    if isinstance(message, Text):
        return [Text(piece) for piece in split_text(message.text)]
    return [message]


def _rest(pieces: list[Outbound]) -> Outbound:
    if len(pieces) > 1 and all(isinstance(p, Text) for p in pieces):
        return Text("\n".join(p.text for p in pieces if isinstance(p, Text)))
    return pieces[0]


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__
    return f"{type(exc).__name__} from httpx.{type(cause).__name__}" \
        if isinstance(cause, httpx.HTTPError) else f"{type(exc).__name__}: {exc}"


def utf16_length(text: str) -> int:
    """Telegram counts entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def mention(text: str, name: str, user_id: int) -> list[MessageEntity]:
    """A mention of the user where ``name`` first appears in ``text`` (a text_mention: it
    needs no @username and no parse mode, so nothing else in the text is read as markup)."""
    at = text.find(name) if name else -1
    if at < 0:
        return []
    user = User(user_id, name, is_bot=False)
    return [MessageEntity(MessageEntity.TEXT_MENTION, utf16_length(text[:at]),
                          utf16_length(name), user=user)]


@dataclass(frozen=True, slots=True)
class Addressed:
    """To whom a group message is addressed: a reply to their message, or (a reaction,
    which is no message of theirs) their name mentioned at the start."""

    reply_to: int | None = None
    name: str = ""
    user_id: int | None = None


class Sender:
    def __init__(self, bot: Bot, badge_file: BadgeFiles | None, language: str = "en") -> None:
        self._bot = bot
        self._badge_file = badge_file
        self._language = language

    async def send(self, chat_id: int, message: Outbound, to: Addressed | None = None
                   ) -> str | None:
        """Send every part of ``message`` (the first addressed ``to`` someone). Returns why
        a part may have arrived unconfirmed (None: Telegram confirmed them all); raises
        ``NotSent`` with what is left when Telegram refused a part or could not be
        reached."""
        pieces = parts(message)
        uncertain: str | None = None
        for index, piece in enumerate(pieces):
            try:
                await self._send_one(chat_id, piece, to if index == 0 else None)
            except MaybeSent as exc:
                log.warning("telegram send to %s may have arrived (%s); not sent again",
                            chat_id, exc)
                uncertain = str(exc)
            except TelegramError as exc:
                raise NotSent(exc, _rest(pieces[index:]), uncertain) from exc
        return uncertain

    async def _send_one(self, chat_id: int, message: Outbound, to: Addressed | None) -> None:
        reply = None if to is None or to.reply_to is None else ReplyParameters(
            to.reply_to, allow_sending_without_reply=True)
        match message:
            case Text(text=text):
                entities: list[MessageEntity] = []
                if to is not None and to.reply_to is None and to.user_id and to.name:
                    text = f"{to.name}: {text}"[:MAX_MESSAGE]
                    entities = mention(text, to.name, to.user_id)
                await with_retries(lambda: self._bot.send_message(
                    chat_id, text, reply_parameters=reply, entities=entities or None),
                    idempotent=False)
            case Announcement(text=text):
                found = mention(text, message.name, int(message.account)) \
                    if message.account.isdigit() else []
                await with_retries(lambda: self._bot.send_message(
                    chat_id, text[:MAX_MESSAGE], entities=found or None), idempotent=False)
            case GrantRole() | RemoveRole() | InviteLink():
                # Outbox work, done by the adapter (see rewards.py); a role is another
                # platform's, and the engine gives it only to accounts there.
                log.warning("telegram cannot send %s as a message", type(message).__name__)
            case Question(text=text, time_limit_seconds=limit):
                if limit:
                    text += "\n" + translate("quiz.time_limit", message.language or self._language,
                                              seconds=limit)
                markup = keyboard(message)
                await with_retries(lambda: self._bot.send_message(
                    chat_id, text[:MAX_MESSAGE], reply_markup=markup, reply_parameters=reply),
                    idempotent=False)
            case BadgeAwarded():
                await self._send_badge(chat_id, message, reply)

    async def _send_badge(self, chat_id: int, badge: BadgeAwarded,
                          reply: ReplyParameters | None) -> None:
        caption = translate("badge.awarded", badge.language or self._language,
                            badge=badge.badge_name, quest=badge.quest_title, url=badge.url)
        if badge.note and len(badge.note) + 1 + len(caption) <= MAX_CAPTION:
            caption = f"{badge.note}\n{caption}"  # one message: the step, the XP, the badge
        elif badge.note:  # too long for a caption: the note first, then the badge
            await with_retries(lambda: self._bot.send_message(
                chat_id, badge.note[:MAX_MESSAGE], reply_parameters=reply), idempotent=False)
        caption = caption[:MAX_CAPTION]
        data = await badge_png(badge, self._badge_file)
        if data is None:  # the PNG cannot be had: the link alone, never nothing
            await with_retries(lambda: self._bot.send_message(
                chat_id, caption, reply_parameters=reply), idempotent=False)
            return
        # A document, never a photo: Telegram re-encodes photos as JPEG, losing the baked data.
        await with_retries(lambda: self._bot.send_document(
            chat_id, document=data, filename=f"{_file_name(badge.badge_name)}.png",
            caption=caption, disable_content_type_detection=True, reply_parameters=reply),
            idempotent=False)


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower() or "badge"


def label_of(markup: Any, data: str) -> str | None:
    """The label of the button whose callback data is ``data``."""
    for row in getattr(markup, "inline_keyboard", ()) or ():
        for button in row:
            if button.callback_data == data:
                return str(button.text)
    return None
