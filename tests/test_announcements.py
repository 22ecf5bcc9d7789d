"""Announcements: in a group, a milestone is one message (the step, its XP and its badge); a
community turns public announcements of new badges on or off and names their channel, where
one announcement goes through the outbox, addressed to the learner; in French and Gaelic
communities they hold no English."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from questbot.catalog import Catalog, load_catalog
from questbot.domain import (
    Announcement,
    BadgeAwarded,
    ConversationRef,
    Event,
    GrantRole,
    Outbound,
    PostMessage,
    Text,
    UserRef,
    parse_text,
)
from questbot.domain.channels import channel_account, channel_of
from questbot.engine import QuestEngine
from questbot.engine.work import EngineSettings
from questbot.i18n import ENGLISH, translate
from questbot.ports import Store
from tests.fakes.discord_api import GUILD_ID
from tests.helpers import FakeClock
from tests.rewards_quests import community, quest, write_folder

ALICE = UserRef("discord", "800000000000000101")
PLACE = f"discord:{GUILD_ID}"
_ids = itertools.count(1)


def catalog_with(tmp_path: Path, announcements: dict[str, Any] | None) -> Catalog:
    report = load_catalog(write_folder(tmp_path / "quests", quest("one"),
                                       community(announcements, (PLACE,))))
    assert report.problems == []
    return report.catalog


async def hello(engine: QuestEngine, language: str = "en") -> list[Outbound]:
    """Alice joins privately, then says hello in #general on the community's server."""
    await engine.handle(Event(f"a{next(_ids)}", ALICE, ConversationRef("discord", "dm"),
                              parse_text("/join one", "discord"), "Alice", language))
    return await engine.handle(Event(
        f"a{next(_ids)}", ALICE, ConversationRef("discord", "g1", "general", private=False,
                                                 community=str(GUILD_ID)),
        PostMessage("hello everyone"), "Alice", language))


def engine_for(store: Store, catalog: Catalog, language: str = "en") -> QuestEngine:
    return QuestEngine(store, catalog, EngineSettings(default_language=language),
                       clock=FakeClock())


async def test_a_milestone_in_a_group_is_one_message(tmp_path: Path, store: Store) -> None:
    engine = engine_for(store, catalog_with(tmp_path, None))  # badges on, no channel named
    replies = await hello(engine)
    assert len(replies) == 1
    [badge] = replies
    assert isinstance(badge, BadgeAwarded)
    assert translate("step.complete", "en", step="Say hello", quest="Quest one") in badge.note
    assert translate("milestone.xp", "en", xp=10, total=10) in badge.note
    announcements = [d for d in await store.pending_deliveries("discord")
                     if channel_of(d.recipient) is not None]
    assert announcements == []  # it was told where it was earned, once


async def test_the_named_channel_gets_one_announcement_and_the_learner_the_badge(
        tmp_path: Path, store: Store) -> None:
    engine = engine_for(store, catalog_with(tmp_path, {"badges": True,
                                                       "channel": "#achievements"}))
    replies = await hello(engine)
    assert [type(r) for r in replies] == [Text]  # the step and its XP, as one message
    pending = await store.pending_deliveries("discord")
    [announcement] = [d for d in pending if isinstance(d.message, Announcement)]
    assert announcement.recipient == channel_account("discord", str(GUILD_ID), "achievements")
    message = announcement.message
    assert isinstance(message, Announcement)
    assert (message.name, message.account) == ("Alice", ALICE.user_id)
    assert message.text.startswith("🎉 Alice earned the Helper badge (Quest one)! http")
    [badge] = [d for d in pending if isinstance(d.message, BadgeAwarded)]
    assert badge.recipient == ALICE  # privately
    assert len([d for d in pending if isinstance(d.message, GrantRole)]) == 1


async def test_a_community_that_turned_badge_announcements_off_announces_nothing(
        tmp_path: Path, store: Store) -> None:
    engine = engine_for(store, catalog_with(tmp_path, {"badges": False,
                                                       "channel": "achievements"}))
    replies = await hello(engine)
    assert not any(isinstance(r, BadgeAwarded) for r in replies)  # not in the group
    pending = await store.pending_deliveries("discord")
    assert [d for d in pending if isinstance(d.message, Announcement)] == []
    assert [d.recipient for d in pending if isinstance(d.message, BadgeAwarded)] == [ALICE]


def test_the_community_file_checks_the_announcements_section(tmp_path: Path) -> None:
    write_folder(tmp_path, {**community(), "announcements": {"badges": "sometimes",
                                                            "channel": "two words"}})
    problems = [str(p) for p in load_catalog(tmp_path).problems]
    assert any("announcements.badges" in p for p in problems), problems
    assert any("announcements.channel" in p for p in problems), problems


def _english_pieces() -> set[str]:
    return {piece.strip() for text in ENGLISH.values() for piece in text.split("{")
            if len(piece.split()) >= 3}


@pytest.mark.parametrize("language", ["fr", "gd"])
async def test_in_french_and_gaelic_the_announcement_and_the_rewards_hold_no_english(
        tmp_path: Path, store: Store, language: str) -> None:
    engine = engine_for(store, catalog_with(tmp_path, {"channel": "achievements"}), language)
    replies = await hello(engine, language)
    pending = await store.pending_deliveries("discord")
    [announcement] = [d.message for d in pending if isinstance(d.message, Announcement)]
    [grant] = [d.message for d in pending if isinstance(d.message, GrantRole)]
    assert isinstance(announcement, Announcement) and isinstance(grant, GrantRole)
    name = {"fr": "Aide", "gd": "Neach-cuideachaidh"}[language]
    assert (grant.role_name, grant.badge_name, grant.language) == (name, name, language)
    assert announcement.language == language
    assert announcement.text.startswith(
        translate("announce.badge", language, learner="Alice", badge=name,
                  quest={"fr": "Quête one", "gd": "Cuest one"}[language], url="")[:20])
    said = "\n".join([announcement.text, *(getattr(r, "text", "") for r in replies)])
    assert [piece for piece in _english_pieces() if piece in said] == []


async def test_a_learner_who_is_forgotten_is_neither_named_nor_mentioned_by_a_waiting_one(
        tmp_path: Path, store: Store) -> None:
    engine = engine_for(store, catalog_with(tmp_path, {"channel": "achievements"}))
    await hello(engine)
    await engine.handle(Event(f"a{next(_ids)}", ALICE, ConversationRef("discord", "dm"),
                              parse_text("/forget confirm", "discord"), "Alice"))
    pending = await store.pending_deliveries("discord")
    [announcement] = [d.message for d in pending if isinstance(d.message, Announcement)]
    assert isinstance(announcement, Announcement)
    assert "Alice" not in announcement.text
    assert (announcement.name, announcement.account) == ("…", "")
