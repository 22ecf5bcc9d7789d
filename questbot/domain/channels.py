"""How the outbox addresses a channel rather than a person: an account on the platform whose
id is ``#PLACE/CHANNEL`` (a Discord server and a channel's name, a Telegram group and a name
from the adapter's channels), which no person's id can be, since platforms' ids are numbers
and names never start with ``#``."""

from __future__ import annotations

from questbot.domain.ids import UserRef

CHANNEL_MARK = "#"


def channel_account(platform: str, place: str, channel: str) -> UserRef:
    return UserRef(platform, f"{CHANNEL_MARK}{place}/{channel}")


def channel_of(recipient: UserRef) -> tuple[str, str] | None:
    """``(place, channel)`` when the recipient is a channel, else None."""
    if not recipient.user_id.startswith(CHANNEL_MARK):
        return None
    place, sep, channel = recipient.user_id[1:].partition("/")
    return (place, channel) if sep and channel else None
