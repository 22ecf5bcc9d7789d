"""Chat text to commands, by the one command table (``questbot.domain.commands``)."""

from __future__ import annotations

import re
from dataclasses import replace

from questbot.domain.commands import BY_NAME, MAX_REASON, Args, CommandSpec, Kind, normalise
from questbot.domain.ids import UserRef
from questbot.domain.messages import Command, Invalid, PostMessage
from questbot.domain.submissions import Attachment

MAX_TEXT = 4000
_WORD = re.compile(r"\S+")

__all__ = ["MAX_REASON", "MAX_TEXT", "parse_text"]


def parse_text(text: str, platform: str, reply_to: UserRef | None = None,
               reply_to_name: str | None = None, attachment: Attachment | None = None
               ) -> Command:
    """Read one chat message. ``reply_to`` is the author of the message being replied to,
    which tutor commands use as their learner when none is named; ``attachment`` a file the
    message carried (a command's FILE parameter)."""
    if len(text) > MAX_TEXT:
        return Invalid("input.too_long", (("limit", str(MAX_TEXT)),))
    stripped = text.strip()
    if not stripped.startswith("/"):
        return PostMessage(stripped)
    # The name ends at any white space, so "/join\tquest" and "/answer\n42" are commands too
    # (found by fuzzing: a tab once made the whole line an unknown command's name).
    line = stripped[1:]
    cut = next((i for i, c in enumerate(line) if c.isspace()), len(line))
    name = line[:cut].split("@", 1)[0].lower()  # Telegram appends @botname in groups
    spec = BY_NAME.get(name)
    if spec is None:
        return Invalid("command.unknown", (("name", name[:40]),))
    args = read_args(spec, line[cut:], platform, reply_to, reply_to_name)
    if args is None:
        return spec.usage
    return spec.build(replace(args, attachment=attachment) if attachment else args)


def read_args(spec: CommandSpec, rest: str, platform: str, reply_to: UserRef | None,
              reply_to_name: str | None) -> Args | None:
    """The spec's parameters from the words after the command's name, or None if they do not
    fit. A LEARNER parameter is the replied-to author when there is one."""
    words = list(_WORD.finditer(rest))
    values: dict[str, str] = {}
    learner: UserRef | None = None
    position = 0
    for param in spec.params:
        if param.kind is Kind.FILE:
            continue  # attached, never typed
        if param.kind is Kind.LEARNER and reply_to is not None:
            learner = reply_to
            continue
        if param.kind in (Kind.TEXT, Kind.CODE):
            raw = rest[words[position].start():] if position < len(words) else ""
            position = len(words)
        elif position < len(words):
            raw = words[position].group()
            position += 1
        else:
            raw = ""
        if not raw:
            if param.required:
                return None
            continue
        value = normalise(param, raw)
        if value is None:
            if param.required or param.kind is not Kind.CHOICE:
                return None
            position -= 1  # an optional choice that is not one: the word is not its
            continue
        if param.kind is Kind.LEARNER:
            try:
                learner = UserRef.parse(value, platform)
            except ValueError:
                return None
        values[param.name] = value
    if position < len(words) and not spec.extra_words:
        return None
    return Args(values, learner, reply_to_name if learner is reply_to else None)
