"""Telegram updates to questbot events (pure functions over python-telegram-bot objects)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from telegram import Chat, Message, Update, User

from questbot.domain import (
    ChooseAnswer,
    Command,
    ConversationRef,
    Event,
    React,
    UserRef,
    parse_text,
)
from questbot.domain.submissions import Attachment

PLATFORM = "telegram"
_COMMAND_TARGET = re.compile(r"^/\w+@(\w+)")


def user_ref(user: User) -> UserRef:
    return UserRef(PLATFORM, str(user.id))


def conversation(chat: Chat, channels: Mapping[int, str]) -> ConversationRef:
    private = chat.type == Chat.PRIVATE
    name = channels.get(chat.id) or chat.username or _slug(chat.title or "")
    return ConversationRef(PLATFORM, str(chat.id), None if private else name, private,
                           community=None if private else str(chat.id))


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "group"


def message_event(update: Update, message: Message, bot_username: str,
                  channels: Mapping[int, str], attachment: Attachment | None = None
                  ) -> Event | None:
    """The event for a text message, or for a file whose caption is a command (its
    ``attachment``); None when it is not for us."""
    user = message.from_user
    text = message.caption if attachment is not None else message.text
    if user is None or user.is_bot or text is None:
        return None
    target = _COMMAND_TARGET.match(text)
    if target and target.group(1).lower() != bot_username.lower():
        return None  # "/start@otherbot" in a group is for another bot
    replied = message.reply_to_message
    reply_to = user_ref(replied.from_user) if replied and replied.from_user and \
        not replied.from_user.is_bot else None
    name = replied.from_user.full_name if reply_to and replied and replied.from_user else None
    command: Command = parse_text(text, PLATFORM, reply_to, name, attachment)
    return _event(update, user, message.chat, command, channels, str(message.message_id))


def callback_event(update: Update, channels: Mapping[int, str]) -> Event | None:
    query = update.callback_query
    if query is None or query.data is None or query.message is None:
        return None
    return _event(update, query.from_user, query.message.chat, ChooseAnswer(query.data),
                  channels)


def reaction_event(update: Update, channels: Mapping[int, str]) -> Event | None:
    """A reaction names its post; Telegram does not say who wrote it (the engine remembers
    recent posts' authors), and changing an emoji is a new update for the same post."""
    reaction = update.message_reaction
    if reaction is None or reaction.user is None or not reaction.new_reaction:
        return None  # an anonymous admin, or a reaction taken back
    if reaction.user.is_bot:
        return None  # a bot (this one, say) taking part is not a learner taking part
    return _event(update, reaction.user, reaction.chat, React(str(reaction.message_id)),
                  channels)


def _event(update: Update, user: User, chat: Chat, command: Command,
           channels: Mapping[int, str], message_id: str | None = None) -> Event:
    return Event(
        event_id=str(update.update_id),
        actor=user_ref(user),
        conversation=conversation(chat, channels),
        command=command,
        display_name=user.full_name[:100] or None,
        language=(user.language_code or "")[:8],  # "" : the learner's or community's
        message_id=message_id,
    )

