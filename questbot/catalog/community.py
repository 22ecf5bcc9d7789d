"""A community's own settings: where it lives and its time zone, and (each in its own model)
the parts of the game it configures. A ``kind: community`` file in the quest folder; one
without ``places`` is the default for every place no other community file names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from questbot.catalog.announcements import Announcements
from questbot.catalog.fields import Slug, Strict
from questbot.catalog.game import AntiFarming, Leaderboard, Levels
from questbot.catalog.message_rules import MessageRules
from questbot.catalog.reminders import QuietHours, ReminderRules
from questbot.catalog.streaks import StreakRules
from questbot.domain.ids import ConversationRef

MAX_PLACES = 1000
DEFAULT_COMMUNITY = "default"

_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,3}$")


def _zone(name: str) -> str:
    try:
        if len(name) > 64 or not _ZONE_NAME.match(name):
            raise ValueError(name)
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise PydanticCustomError(
            "time_zone", "unknown time zone",
            {"hint": "an IANA time zone name, such as Europe/London, America/Toronto or UTC"},
        ) from None
    return name


TimeZoneName = Annotated[str, AfterValidator(_zone),
                         Field(description="an IANA time zone, such as Europe/London")]

_PLACE = re.compile(r"^[a-z][a-z0-9_-]{0,31}:[^\s:]{1,128}$")


def _place(text: str) -> str:
    if not _PLACE.match(text):
        raise PydanticCustomError(
            "place", "expected platform:id",
            {"hint": "a Telegram group (telegram:-1001234567890), a Discord server "
                     "(discord:123456789012345678) or the terminal chat (console:console)"})
    return text


Place = Annotated[str, AfterValidator(_place)]


class CommunityFile(Strict):
    schema_version: Literal[1]
    kind: Literal["community"]
    id: Slug = Field(description="names the community on leaderboards and pages")
    name: str = Field("", max_length=200, description="shown on public pages")
    places: tuple[Place, ...] = Field(
        (), max_length=MAX_PLACES,
        description="the groups and servers it covers (platform:id); none: every other place")
    time_zone: TimeZoneName = Field(
        "UTC", description="days (streaks, daily caps, seasons) begin at midnight here")
    levels: Levels = Field(Levels.model_validate({}),
                           description="levels from XP: a curve or thresholds, and names")
    leaderboard: Leaderboard = Field(Leaderboard.model_validate({}),
                                     description="seasons and winners of the leaderboard")
    anti_farming: AntiFarming = Field(AntiFarming.model_validate({}),
                                      description="limits on XP that taking part gives")
    streaks: StreakRules | None = Field(
        None, description="count days (or weeks) in a row with a step done; none: no streaks")
    reminders: ReminderRules | None = Field(
        None, description="remind a learner of a quest left halfway; none: no reminders")
    quiet_hours: QuietHours | None = Field(
        None, description="no reminder or streak warning between these times (they wait)")
    messages: MessageRules | None = Field(
        None, description="which messages count towards participation steps; none: all")
    announcements: Announcements = Field(
        Announcements(badges=True, channel=None), description="public announcements of new badges")


@dataclass(frozen=True, slots=True)
class Community:
    """The engine's view of a community file, or the built-in default when there is none."""

    spec: CommunityFile
    version: str = ""
    source: str = ""

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.spec.time_zone)


DEFAULT = Community(CommunityFile.model_validate(
    {"schema_version": 1, "kind": "community", "id": DEFAULT_COMMUNITY}))


def place_of(conversation: ConversationRef) -> str | None:
    """The ``platform:id`` a community file names for where an event happened: a Discord
    server, a Telegram group; None in a private chat that names no community."""
    if conversation.community is None:
        return None
    return f"{conversation.platform}:{conversation.community}"
