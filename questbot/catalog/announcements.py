"""A community's public announcements (the ``announcements:`` section of its file): whether
new badges are announced in public, and in which channel."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from questbot.catalog.fields import Strict

ChannelName = Annotated[
    str, BeforeValidator(lambda v: v.strip().lstrip("#") if isinstance(v, str) else v),
    Field(pattern=r"^[^\s#:/@]{1,100}$",
          description="a channel's name (achievements, without #) or a chat id")]


class Announcements(Strict):
    badges: bool = Field(
        True, description="announce new badges in public (off: learners hear of them privately)")
    channel: ChannelName | None = Field(
        None, description="where badges are announced: a Discord channel of the community's "
        "servers, a Telegram group named in the adapter's channels (or its chat id); none: in "
        "the group where the badge was earned")


__all__ = ["Announcements", "ChannelName"]
