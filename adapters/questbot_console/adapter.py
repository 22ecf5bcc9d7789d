"""The terminal chat: one person at a keyboard plays as a learner (or a tutor), no token.

Lines typed are messages in a community channel (#general by default), so they count towards
participation; slash commands are the same as on every platform. A few console-only commands
switch who you are and where you talk, so one terminal can show a whole class."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TextIO

from questbot.domain import (
    BadgeAwarded,
    Choice,
    ChooseAnswer,
    Command,
    ConversationRef,
    Event,
    PostMessage,
    Question,
    React,
    UserRef,
    parse_text,
)
from questbot.domain.channels import channel_of
from questbot.kit import badge_path
from questbot.ports import AdapterContext, BadgeFiles, EventHandler, Outbox
from questbot_console.files import read_file, split_file
from questbot_console.render import render
from questbot_console.settings import ConsoleSettings
from questbot_console.strings import say

PLATFORM = "console"


class ConsoleAdapter:
    name = PLATFORM

    def __init__(
        self,
        engine: EventHandler,
        outbox: Outbox,
        user: str,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        on_exit: Callable[[], None] = lambda: None,
        badge_file: BadgeFiles | None = None,
        language: str = "en",
        poll_interval: float = 1.0,
    ) -> None:
        self._engine = engine
        self._outbox = outbox
        self._user = user
        self._channel = "general"
        self._stdin = stdin or sys.stdin
        self._stdout = stdout or sys.stdout
        self._on_exit = on_exit
        self._badge_file = badge_file
        self._language = language
        self._poll_interval = poll_interval
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._choices: tuple[Choice, ...] = ()  # the buttons of the last question shown
        self._tasks: list[asyncio.Task[None]] = []

    @classmethod
    def create(cls, context: AdapterContext) -> ConsoleAdapter:
        settings: ConsoleSettings = context.settings
        return cls(context.engine, context.outbox, settings.user, on_exit=context.request_stop,
                   badge_file=context.badge_file, language=context.common.language)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        reader = threading.Thread(target=self._read_lines, args=(loop,), daemon=True,
                                  name="questbot-console-input")
        reader.start()
        self._tasks = [asyncio.create_task(self._chat(), name="console-chat"),
                       asyncio.create_task(self._poll_outbox(), name="console-outbox")]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def _read_lines(self, loop: asyncio.AbstractEventLoop) -> None:
        # A thread, because a blocking readline works the same on a terminal and on a pipe.
        while True:
            line = self._stdin.readline()
            try:
                loop.call_soon_threadsafe(self._lines.put_nowait, line if line else None)
            except RuntimeError:  # the loop has closed
                return
            if not line:
                return

    def _t(self, key: str, **params: object) -> str:
        return say(key, self._language, **params)

    def _print(self, text: str) -> None:
        self._stdout.write(text + "\n")
        self._stdout.flush()

    def _prompt(self) -> None:
        self._stdout.write(f"{self._user}@#{self._channel}> ")
        self._stdout.flush()

    async def _chat(self) -> None:
        self._print(self._t("banner", user=self._user))
        try:
            while True:
                self._prompt()
                line = await self._lines.get()
                if line is None:
                    self._print("")
                    break
                if not await self._handle_line(line.strip()):
                    break
        finally:
            self._on_exit()

    async def _handle_line(self, line: str) -> bool:
        """Returns False when the user wants to leave."""
        if not line:
            return True
        word, _, rest = line.partition(" ")
        match word.lower():
            case "/quit" | "/exit":
                return False
            case "/as":
                return self._switch_user(rest.strip())
            case "/channel":
                self._channel = rest.strip().lstrip("#") or "general"
                return True
            case _:
                pass
        line, path = split_file(line)
        attachment = None
        if path is not None:
            read = await read_file(path)
            if isinstance(read, str):
                self._print(self._t("no_file", path=path, reason=read))
                return True
            attachment = read
        command: Command = parse_text(line, PLATFORM, attachment=attachment)
        if line.isdigit() and 1 <= int(line) <= len(self._choices):  # a number picks a button
            command = ChooseAnswer(self._choices[int(line) - 1].token)
        event = Event(
            f"console-{uuid.uuid4().hex}",
            UserRef(PLATFORM, self._user),
            ConversationRef(PLATFORM, self._channel, self._channel, private=False,
                            community=PLATFORM),
            command,
            display_name=self._user,
            language=self._language,
        )
        replies = await self._engine.handle(event)
        # In the channel, what a post earned is addressed to whoever posted it.
        address = f"@{self._user} " if isinstance(command, PostMessage | React) else ""
        for reply in replies:
            self._print(address + render(reply, self._language))
        self._choices = next((r.choices for r in reversed(replies) if isinstance(r, Question)),
                             () if replies else self._choices)
        # the terminal's own words follow the language the engine answers in
        self._language = next((r.language for r in replies if r.language), self._language)
        if not replies and not line.startswith("/"):
            self._print(self._t("posted", channel=self._channel))
        if line.lower().startswith("/help"):
            self._print(self._t("help"))
        await self._deliver()
        return True

    def _switch_user(self, name: str) -> bool:
        try:
            UserRef(PLATFORM, name)
        except ValueError:
            self._print(self._t("bad_name"))
            return True
        self._user = name
        self._print(self._t("now", user=name))
        return True

    async def _poll_outbox(self) -> None:
        while True:
            await asyncio.sleep(self._poll_interval)
            await self._deliver()

    async def _deliver(self) -> None:
        deliveries = await self._outbox.pending_deliveries(PLATFORM)
        for delivery in deliveries:
            place = channel_of(delivery.recipient)
            if place is not None:  # a public announcement in a channel
                self._print(self._t("announcement", channel=place[1],
                                    text=render(delivery.message, self._language)))
                continue
            heading = self._t("delivery", user=delivery.recipient.user_id)
            message = delivery.message
            if isinstance(message, BadgeAwarded):
                message = replace(message, image_path=await badge_path(message,
                                                                       self._badge_file))
            self._print(f"{heading}\n{render(message, self._language)}")
        if deliveries:
            await self._outbox.mark_delivered([d.delivery_id for d in deliveries])
