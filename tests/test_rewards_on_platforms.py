"""Rewards and announcements against the fake Discord and the fake Telegram Bot API (real
sockets, the real adapters): a role given and taken back over Discord's REST routes, an
invite link made once with a member limit of one, admins told once of a missing permission,
announcements addressed to the learner, one message per milestone in a group."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from questbot_discord.adapter import DiscordAdapter
from questbot_telegram.adapter import TelegramAdapter

from questbot.domain import GrantRole, InviteLink, UserRef
from questbot.ports import DeliveryStatus
from tests.adapters import context_for, discord_settings, telegram_settings
from tests.fakes.discord_api import ACHIEVEMENTS, GENERAL, HELPER_ROLE, MENTOR_ROLE, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.rewards_quests import GROUP, community, quest, write_folder
from tests.server import Server, running_server

ALICE, ADMIN = 800000000000000101, 800000000000000109
TOM, TELEGRAM_ADMIN = 1001, 1009
GROUP_ID = int(GROUP)


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    api = FakeDiscord()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def telegram_fake() -> AsyncIterator[FakeTelegram]:
    api = FakeTelegram()
    await api.start()
    yield api
    await api.stop()


@asynccontextmanager
async def on_discord(tmp_path: Path, fake: FakeDiscord, role: int = HELPER_ROLE,
                     announcements: dict[str, Any] | None = None
                     ) -> AsyncIterator[Server]:
    folder = write_folder(tmp_path / "quests", quest("one", role, invite=False),
                          community(announcements))
    async with running_server(tmp_path, quests_dir=folder,
                              admins=(f"discord:{ADMIN}",)) as server:
        own = discord_settings(fake)
        adapter = DiscordAdapter(context_for(server, own), own, outbox_interval=0.2)
        await adapter.start()
        try:
            yield server
        finally:
            await adapter.stop()


async def discord_hello(fake: FakeDiscord, member: dict[str, Any]) -> None:
    token = await fake.slash(member, "join", quest="one")
    await fake.wait_for(lambda: "Quest one" in fake.text_of(token))
    await fake.say(member, "hello everyone")


async def test_discord_a_badge_gives_its_role_and_a_revocation_takes_it_back(
        tmp_path: Path, discord_fake: FakeDiscord) -> None:
    fake = discord_fake
    async with on_discord(tmp_path, fake, announcements={"channel": "achievements"}) as server:
        alice = fake.member(ALICE, "Alice")
        await discord_hello(fake, alice)
        await fake.wait_for(lambda: fake.member_roles.get(ALICE) == {HELPER_ROLE})
        await fake.wait_for(lambda: any("gives you the role Helper" in (p.content or "")
                                        for p in fake.dms_to(ALICE)))
        # the group hears one message, addressed to Alice and pinging only her
        in_general = fake.channel_posts(GENERAL)
        assert len(in_general) == 1
        assert in_general[0].content is not None
        assert in_general[0].content.startswith(f"<@{ALICE}> ")
        assert "Step done" in in_general[0].content and "XP" in in_general[0].content
        assert in_general[0].data["allowed_mentions"] == {"parse": [], "users": [ALICE]}
        # the announcement: once, in #achievements, mentioning Alice
        await fake.wait_for(lambda: fake.channel_posts(ACHIEVEMENTS))
        [announced] = fake.channel_posts(ACHIEVEMENTS)
        assert announced.content is not None
        assert announced.content.startswith(f"🎉 <@{ALICE}> earned the Helper badge")
        assert announced.data["allowed_mentions"] == {"parse": [], "users": [ALICE]}
        assert any(p.files for p in fake.dms_to(ALICE))  # the badge itself, privately

        await server.say("tina", f"/revoke discord:{ALICE} one badge a mistake")
        await fake.wait_for(lambda: fake.member_roles.get(ALICE) == set())
        await fake.wait_for(lambda: any("the role Helper was taken back" in (p.content or "")
                                        for p in fake.dms_to(ALICE)))
        assert [call[0] for call in fake.role_calls] == ["PUT", "DELETE"]
        await asyncio.sleep(0.6)  # a few more rounds of the outbox: nothing is done twice
        assert len(fake.channel_posts(ACHIEVEMENTS)) == 1
        assert [call[0] for call in fake.role_calls] == ["PUT", "DELETE"]


async def test_discord_a_role_above_the_bots_is_reported_to_admins_once(
        tmp_path: Path, discord_fake: FakeDiscord) -> None:
    fake = discord_fake
    async with on_discord(tmp_path, fake, role=MENTOR_ROLE) as server:
        fake.member(ADMIN, "Ada")
        alice = fake.member(ALICE, "Alice")
        await discord_hello(fake, alice)
        await fake.wait_for(lambda: any("Discord refused" in (p.content or "")
                                        for p in fake.dms_to(ADMIN)))
        await asyncio.sleep(1.0)  # rounds of the outbox: not tried again, not told again
        told = [p for p in fake.dms_to(ADMIN) if "Discord refused" in (p.content or "")]
        assert len(told) == 1
        assert "Manage Roles" in (told[0].content or "")
        assert "questbot outbox --retry" in (told[0].content or "")
        assert fake.role_calls == [("PUT", ALICE, MENTOR_ROLE)]
        failed = await server.services.store.failed_deliveries("discord")
        assert [(type(f.delivery.message), f.status) for f in failed] == [
            (GrantRole, DeliveryStatus.FAILED)]
        assert "403" in (failed[0].last_error or "")
        assert any(p.files for p in fake.channel_posts(GENERAL))  # the badge, where earned


@asynccontextmanager
async def on_telegram(tmp_path: Path, fake: FakeTelegram, **server: Any
                      ) -> AsyncIterator[Server]:
    folder = write_folder(tmp_path / "quests", quest("one"), community())
    async with running_server(tmp_path, quests_dir=folder,
                              admins=(f"telegram:{TELEGRAM_ADMIN}",), **server) as running:
        own = telegram_settings(fake, (f"general={GROUP_ID}",))
        adapter = TelegramAdapter(context_for(running, own), own, outbox_interval=0.2)
        await adapter.start()
        try:
            yield running
        finally:
            await adapter.stop()


async def telegram_hello(fake: FakeTelegram) -> dict[str, Any]:
    tom = fake.user(TOM, "Tom")
    fake.says(tom, "/join one")
    await fake.wait_for(lambda: "Quest one" in fake.texts_to(TOM))
    return fake.says(tom, "hello everyone", chat=fake.group(GROUP_ID, "Python Learners"))


async def test_telegram_an_invite_link_admits_one_person_and_is_sent_privately(
        tmp_path: Path, telegram_fake: FakeTelegram) -> None:
    fake = telegram_fake
    async with on_telegram(tmp_path, fake) as server:
        message = await telegram_hello(fake)
        await fake.wait_for(lambda: "https://t.me/+fake1" in fake.texts_to(TOM))
        [link] = fake.invite_links
        assert (link["chat_id"], link["member_limit"]) == (GROUP_ID, 1)
        now = server.clock.now().timestamp()
        assert abs(link["expire_date"] - (now + 2 * 86400)) < 120
        assert "opens the door to Alumni" in fake.texts_to(TOM)
        # in the group: one message, a reply to Tom's
        await fake.wait_for(lambda: fake.to(GROUP_ID))
        await asyncio.sleep(0.6)
        in_group = fake.to(GROUP_ID)
        assert len(in_group) == 1
        assert in_group[0].reply_to == message["message_id"]
        assert "Step done" in (in_group[0].caption or "")  # with the badge, as one message
        await asyncio.sleep(0.6)
        assert len(fake.invite_links) == 1


async def test_telegram_missing_rights_are_reported_to_admins_once(
        tmp_path: Path, telegram_fake: FakeTelegram) -> None:
    fake = telegram_fake
    fake.no_invite_rights.add(GROUP_ID)
    async with on_telegram(tmp_path, fake) as server:
        fake.says(fake.user(TELEGRAM_ADMIN, "Ada"), "/start")
        await telegram_hello(fake)
        await fake.wait_for(lambda: "Telegram refused an invite link" in
                            fake.texts_to(TELEGRAM_ADMIN))
        await asyncio.sleep(1.0)
        assert fake.texts_to(TELEGRAM_ADMIN).count("Telegram refused an invite link") == 1
        assert fake.calls.count("createChatInviteLink") == 1
        failed = await server.services.store.failed_deliveries("telegram")
        assert [(type(f.delivery.message), f.status) for f in failed] == [
            (InviteLink, DeliveryStatus.FAILED)]


async def test_telegram_an_invite_that_may_have_been_asked_for_is_never_asked_again(
        tmp_path: Path, telegram_fake: FakeTelegram) -> None:
    """A process that died while asking left its row ``started``: after the restart the
    link is not asked for again (it may exist); admins are told, the row is uncertain."""
    fake = telegram_fake
    async with on_telegram(tmp_path, fake) as server:
        fake.says(fake.user(TELEGRAM_ADMIN, "Ada"), "/start")
        await server.services.store.enqueue(UserRef("telegram", str(TOM)), InviteLink(
            GROUP, "Alumni", "Helper", "award1", 3600, "en", started=True))
        await fake.wait_for(lambda: "not asked again" in fake.texts_to(TELEGRAM_ADMIN))
        assert "createChatInviteLink" not in fake.calls
        [uncertain] = await server.services.store.failed_deliveries("telegram")
        assert uncertain.status is DeliveryStatus.UNCERTAIN
        assert isinstance(uncertain.delivery.message, InviteLink)
        assert not uncertain.delivery.message.started  # an admin's requeue asks again
