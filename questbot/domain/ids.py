"""Identities of people and places on chat platforms."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLATFORM = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
EMAIL_PLATFORM = "email"  # a learner known only by an address, e.g. from a CSV award


def normalise_email(address: str) -> str:
    """The one form an email address is stored, compared and hashed in: without surrounding
    whitespace, in lower case. (RFC 5321 lets a local part be case-sensitive; no mail system
    learners use treats it so, and two spellings of one address must be one identity.)"""
    return address.strip().lower()


@dataclass(frozen=True, slots=True)
class UserRef:
    """One account on one platform, e.g. ``telegram:123`` or ``console:alice``."""

    platform: str
    user_id: str

    def __post_init__(self) -> None:
        if self.platform == EMAIL_PLATFORM:
            object.__setattr__(self, "user_id", normalise_email(self.user_id))
        if not _PLATFORM.match(self.platform):
            raise ValueError(f"invalid platform name {self.platform!r}")
        if len(self.user_id) > 128 or self.user_id.split() != [self.user_id]:  # empty, spaces
            raise ValueError(f"invalid user id {self.user_id!r}")

    @classmethod
    def parse(cls, text: str, default_platform: str | None = None) -> UserRef:
        """Read ``platform:id``; a bare id belongs to ``default_platform``."""
        platform, sep, user_id = text.strip().partition(":")
        if not sep:
            if default_platform is None:
                raise ValueError(f"expected platform:id, got {text!r}")
            return cls(default_platform, platform.lstrip("@"))
        return cls(platform.lower(), user_id)

    def __str__(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """Where an event happened: a private chat, a group, a channel. ``community`` is the
    place a community lives on the platform (a Discord server, a Telegram group), when the
    platform says; community files name it as ``platform:community``."""

    platform: str
    chat_id: str
    channel: str | None = None
    private: bool = True
    community: str | None = None
