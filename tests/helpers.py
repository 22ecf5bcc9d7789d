"""Fakes and a tiny chat driver shared by the tests (kept in one place)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from questbot.domain import (
    Announcement,
    BadgeAwarded,
    ConversationRef,
    Event,
    GrantRole,
    InviteLink,
    Outbound,
    Question,
    RemoveRole,
    Text,
    UserRef,
    parse_text,
)
from questbot.domain.messages import ChooseAnswer, Command, React
from questbot.engine import QuestEngine


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 12, 1, 18, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


_event_ids = itertools.count(1)


def render(replies: list[Outbound]) -> str:
    parts = []
    for reply in replies:
        match reply:
            case Text(text=text):
                parts.append(text)
            case Question(text=text, choices=choices):
                parts.append(text + "".join(f"\n  [{c.label}]" for c in choices))
            case BadgeAwarded(badge_name=name, url=url, note=note):
                parts.append(f"{note}\nBADGE {name} {url}" if note else f"BADGE {name} {url}")
            case Announcement(text=text):
                parts.append(f"ANNOUNCE {text}")
            case GrantRole() | RemoveRole() | InviteLink():
                parts.append(f"REWARD {type(reply).__name__} {reply.badge_name}")
    return "\n".join(parts)


@dataclass
class Player:
    """A chat user: says things to the engine and keeps what it answered."""

    engine: QuestEngine
    user: UserRef
    name: str | None = None
    channel: str = "general"
    language: str = "en"  # the language their platform reports, as an Event carries it
    last: list[Outbound] = field(default_factory=list)

    def conversation(self, private: bool) -> ConversationRef:
        if private:
            return ConversationRef(self.user.platform, f"dm-{self.user.user_id}")
        return ConversationRef(self.user.platform, self.channel, self.channel, private=False)

    async def send(self, command: Command, *, private: bool = True,
                   event_id: str | None = None) -> str:
        event = Event(event_id or f"e{next(_event_ids)}", self.user, self.conversation(private),
                      command, self.name, language=self.language)
        self.last = await self.engine.handle(event)
        return render(self.last)

    async def say(self, text: str, *, private: bool = True, event_id: str | None = None,
                  reply_to: UserRef | None = None) -> str:
        command = parse_text(text, self.user.platform, reply_to)
        return await self.send(command, private=private, event_id=event_id)

    async def post(self, text: str = "hello", event_id: str | None = None) -> str:
        return await self.say(text, private=False, event_id=event_id)

    async def react(self) -> str:
        return await self.send(React(), private=False)

    async def press(self, label: str) -> str:
        question = next(r for r in self.last if isinstance(r, Question))
        choice = next(c for c in question.choices if c.label == label)
        return await self.send(ChooseAnswer(choice.token))

    def badges(self) -> list[BadgeAwarded]:
        return [r for r in self.last if isinstance(r, BadgeAwarded)]
