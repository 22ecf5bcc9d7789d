"""The command menus: learners see learner commands only. Telegram picks the narrowest scope
that applies, so the default scope gets the learner list, and each configured tutor and admin
account gets the longer list in its private chat with the bot (BotCommandScopeChat) and in
each mapped group chat (BotCommandScopeChatMember). The engine checks roles either way: a menu
only decides what people are offered."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from questbot.domain import UserRef
from questbot.domain.commands import CommandSpec, offered
from questbot.domain.progress import Role
from questbot.i18n import shipped_languages, translate
from questbot_telegram.send import with_retries

log = logging.getLogger(__name__)
PLATFORM = "telegram"


def bot_commands(specs: Iterable[CommandSpec], language: str = "en") -> list[BotCommand]:
    """A menu from the command table: each command with its help sentence's summary."""
    commands = []
    for spec in specs:
        text = translate(spec.help_key, language)
        commands.append(BotCommand(spec.name, text.split(": ", 1)[-1][:256]))
    return commands


def accounts(refs: Iterable[UserRef]) -> list[int]:
    """The Telegram user ids among the configured accounts."""
    return sorted({int(ref.user_id) for ref in refs
                   if ref.platform == PLATFORM and ref.user_id.lstrip("-").isdigit()})


def menus(language: str, admin_refs: Iterable[UserRef], tutor_refs: Iterable[UserRef],
          groups: Iterable[int]) -> list[tuple[BotCommandScope, list[BotCommand]]]:
    """Every (scope, commands) pair to register, the default (learners) first."""
    learner, tutor, admin = (bot_commands(offered(role), language)
                             for role in (Role.LEARNER, Role.TUTOR, Role.ADMIN))
    admins = accounts(admin_refs)
    tutors = [t for t in accounts(tutor_refs) if t not in admins]
    pairs: list[tuple[BotCommandScope, list[BotCommand]]] = [(BotCommandScopeDefault(), learner)]
    group_ids = sorted(set(groups))
    for user_ids, commands in ((tutors, tutor), (admins, admin)):
        for user_id in user_ids:
            pairs.append((BotCommandScopeChat(user_id), commands))
            pairs.extend((BotCommandScopeChatMember(group, user_id), commands)
                         for group in group_ids)
    return pairs


async def register_menus(bot: Bot, language: str, admins: Iterable[UserRef],
                         tutors: Iterable[UserRef], groups: Sequence[int]) -> None:
    """One setMyCommands per scope in the community's language, and one per scope and
    shipped language for people whose Telegram is set to it; a scope Telegram refuses (a
    tutor who never opened a chat with the bot, a group it is not in) is logged and the
    others still apply."""
    admins, tutors = list(admins), list(tutors)
    for code in (None, *shipped_languages()):
        for scope, commands in menus(code or language, admins, tutors, groups):
            try:
                await with_retries(_setter(bot, scope, commands, code))
            except TelegramError as exc:
                log.warning("could not register the command menu for %s (%s): %s",
                            scope.type, code or "default", exc)


def _setter(bot: Bot, scope: BotCommandScope, commands: list[BotCommand],
            language_code: str | None) -> Callable[[], Awaitable[bool]]:
    return lambda: bot.set_my_commands(commands, scope=scope, language_code=language_code)
