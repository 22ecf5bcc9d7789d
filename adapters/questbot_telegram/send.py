"""questbot's results as Telegram messages, within Telegram's limits, retried with backoff."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from questbot.domain import BadgeAwarded, Outbound, Question, Text, translate
from questbot.domain.text import split_message
from questbot.ports import BadgeFiles

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096
MAX_CAPTION = 1024
BACKOFF = (0.5, 1.0, 2.0, 4.0)
T = TypeVar("T")


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    return split_message(text, limit)


def keyboard(question: Question) -> InlineKeyboardMarkup | None:
    if not question.choices:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(choice.label[:100],
                                                       callback_data=choice.token)]
                                 for choice in question.choices])


async def with_retries(call: Callable[[], Awaitable[T]]) -> T:
    """Network errors and 5xx answers are retried with backoff (429s are waited out by
    python-telegram-bot's rate limiter); other errors are the caller's."""
    for delay in BACKOFF:
        try:
            return await call()
        except BadRequest:
            raise  # a subclass of NetworkError in python-telegram-bot, but never transient
        except (NetworkError, TimedOut) as exc:
            log.info("telegram call failed (%s); retrying in %.1f s", exc, delay)
            await asyncio.sleep(delay)
    return await call()


class Sender:
    def __init__(self, bot: Bot, badge_file: BadgeFiles | None, language: str = "en") -> None:
        self._bot = bot
        self._badge_file = badge_file
        self._language = language

    async def send(self, chat_id: int, message: Outbound) -> None:
        match message:
            case Text(text=text):
                for piece in split_text(text):
                    await self._send_text(chat_id, piece)
            case Question(text=text, time_limit_seconds=limit):
                if limit:
                    text += "\n" + translate("console.time_limit", self._language, seconds=limit)
                markup = keyboard(message)
                await with_retries(lambda: self._bot.send_message(
                    chat_id, text[:MAX_MESSAGE], reply_markup=markup))
            case BadgeAwarded():
                await self._send_badge(chat_id, message)

    async def _send_text(self, chat_id: int, text: str) -> None:
        await with_retries(lambda: self._bot.send_message(chat_id, text))

    async def _send_badge(self, chat_id: int, badge: BadgeAwarded) -> None:
        caption = translate("badge.awarded", self._language, badge=badge.badge_name,
                            quest=badge.quest_title, url=badge.url)[:MAX_CAPTION]
        path = badge.image_path
        if path is None and self._badge_file is not None:
            path = await self._badge_file(badge.award_id)
        if path is None:
            await with_retries(lambda: self._bot.send_message(chat_id, caption))
            return
        data = await asyncio.to_thread(_read, path)
        # A document, never a photo: Telegram re-encodes photos as JPEG, losing the baked data.
        await with_retries(lambda: self._bot.send_document(
            chat_id, document=data, filename=f"{_file_name(badge.badge_name)}.png",
            caption=caption, disable_content_type_detection=True))


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower() or "badge"


def label_of(markup: Any, data: str) -> str | None:
    """The label of the button whose callback data is ``data``."""
    for row in getattr(markup, "inline_keyboard", ()) or ():
        for button in row:
            if button.callback_data == data:
                return str(button.text)
    return None
