"""Rewards inside the community: a badge's Discord role and Telegram invite link are outbox
work for the learner's account on that platform, written with the award (a crash loses
nothing), taken back with the revocation (unless another live badge gives the same role),
and validated in the quest file with file:line:column errors."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pytest

from questbot.catalog import Catalog, load_catalog
from questbot.domain import (
    ConversationRef,
    Delivery,
    Event,
    GrantRole,
    InviteLink,
    PostMessage,
    RemoveRole,
    UserRef,
    parse_text,
)
from questbot.engine import QuestEngine
from questbot.engine.work import EngineSettings
from questbot.ports import Store
from questbot.storage.sqlite.store import SqliteStore
from tests.fakes.discord_api import GUILD_ID, HELPER_ROLE
from tests.helpers import FakeClock, Player
from tests.rewards_quests import GROUP, quest, write_folder

ALICE = UserRef("discord", "800000000000000101")
TOM = UserRef("telegram", "1001")
_ids = itertools.count(1)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    report = load_catalog(write_folder(tmp_path / "quests", quest("one"), quest("two")))
    assert report.problems == []
    return report.catalog


async def post(engine: QuestEngine, user: UserRef, name: str, quest_id: str = "one") -> None:
    """Join the quest privately, then say hello in the community's channel."""
    await engine.handle(Event(f"p{next(_ids)}", user, ConversationRef(
        user.platform, "dm", None, private=True), parse_text(f"/join {quest_id}", "x"), name))
    place = str(GUILD_ID) if user.platform == "discord" else GROUP
    await engine.handle(Event(f"p{next(_ids)}", user, ConversationRef(
        user.platform, "general", "general", private=False, community=place),
        PostMessage("hello everyone"), name))


def work_of(deliveries: list[Delivery], kind: type) -> list[Delivery]:
    return [d for d in deliveries if isinstance(d.message, kind)]


async def test_a_badge_gives_its_role_to_the_discord_account_and_its_invite_to_telegram(
        engine: QuestEngine, store: Store) -> None:
    await post(engine, ALICE, "Alice")
    discord = await store.pending_deliveries("discord")
    [grant] = work_of(discord, GrantRole)
    assert grant.recipient == ALICE
    assert grant.message == GrantRole(str(GUILD_ID), str(HELPER_ROLE), "Helper", "Helper",
                                      grant.message.award_id, "en")  # type: ignore[union-attr]
    assert work_of(discord, InviteLink) == []  # Alice has no Telegram account: no invite
    await post(engine, TOM, "Tom")
    telegram = await store.pending_deliveries("telegram")
    [invite] = work_of(telegram, InviteLink)
    assert invite.recipient == TOM
    assert isinstance(invite.message, InviteLink)
    assert (invite.message.chat, invite.message.group_name,
            invite.message.expires_in_seconds, invite.message.started) == (
        GROUP, "Alumni", 2 * 86400, False)
    assert work_of(telegram, GrantRole) == []


async def test_revoking_takes_the_role_back_only_when_no_live_badge_still_gives_it(
        engine: QuestEngine, store: Store, tutor: Player) -> None:
    await post(engine, ALICE, "Alice")
    await tutor.say(f"/grant {ALICE} two badge helped a lot")
    assert len(work_of(await store.pending_deliveries("discord"), GrantRole)) == 2
    assert "Revoked" in await tutor.say(f"/revoke {ALICE} one badge a mistake")
    assert work_of(await store.pending_deliveries("discord"), RemoveRole) == []  # two gives it
    await tutor.say(f"/revoke {ALICE} two badge a mistake too")
    [removal] = work_of(await store.pending_deliveries("discord"), RemoveRole)
    assert removal.recipient == ALICE
    assert isinstance(removal.message, RemoveRole)
    assert (removal.message.server, removal.message.role) == (str(GUILD_ID), str(HELPER_ROLE))


async def test_a_crash_between_the_award_and_the_grant_loses_nothing(
        tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "crash" / "questbot.sqlite3"
    path.parent.mkdir()
    first = SqliteStore(path)
    await first.open()
    engine = QuestEngine(first, catalog, EngineSettings(), clock=FakeClock())
    await post(engine, ALICE, "Alice")
    await first.close()  # no adapter ever ran: the process stopped right after the award
    again = SqliteStore(path)
    await again.open()
    try:
        [grant] = work_of(await again.pending_deliveries("discord"), GrantRole)
        assert grant.recipient == ALICE
        assert isinstance(grant.message, GrantRole)
        badges = await again.pending_deliveries("discord")
        assert any(getattr(d.message, "award_id", None) == grant.message.award_id
                   for d in badges if d is not grant)  # the badge itself is there too
    finally:
        await again.close()


BROKEN = """\
schema_version: 1
id: broken
title: Broken
badge:
  name: B
  description: d
  criteria: c
  rewards:
    - {discord_role: "12", server: "987654321098765432"}
    - {telegram: "-1001234567890"}
    - {telegram_invite: "-1001234567890", expires_after: 90d}
steps:
  - {id: hello, kind: participation, action: message}
"""


def test_rewards_are_checked_with_their_place_in_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(textwrap.dedent(BROKEN))
    problems = [str(p) for p in load_catalog(tmp_path).problems]
    assert any(":9:22: badge.rewards[0].discord_role" in p for p in problems), problems
    assert any(":10:7: badge.rewards[1]: expected a reward: discord_role or telegram_invite"
               in p for p in problems), problems
    assert any(":11:58: badge.rewards[2].expires_after: expected a duration from 1h to 30d"
               in p for p in problems), problems
