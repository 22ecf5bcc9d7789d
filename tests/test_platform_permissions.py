"""Members see the commands that are theirs, and echoed text never pings: Telegram's command
menus per scope, Discord's default member permissions and allowed mentions, as the fakes
received them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from questbot_discord.adapter import DiscordAdapter
from questbot_telegram.adapter import TelegramAdapter

from questbot.domain.commands import COMMANDS, offered
from questbot.domain.progress import Role
from tests.adapters import context_for, discord_settings, telegram_settings
from tests.fakes.discord_api import GENERAL, HELP, FakeDiscord, Post
from tests.fakes.telegram_api import Failure, FakeTelegram, menu_key
from tests.server import Server, running_server

LEARNER = {spec.name for spec in offered(Role.LEARNER)}
TUTOR = {spec.name for spec in COMMANDS if spec.role is Role.TUTOR}
ADMIN = {spec.name for spec in COMMANDS if spec.role is Role.ADMIN}
T_TINA, T_ADA, T_GROUP, T_OTHER_GROUP = 1003, 1004, -100500, -100600
ALICE, BOB, TINA = 800000000000000101, 800000000000000102, 800000000000000103
PINGS = "@everyone @here <@800000000000000102> <@&700000000000000030>"


# --- Telegram --------------------------------------------------------------------------------
@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    api = FakeTelegram()
    await api.start()
    yield api
    await api.stop()


def telegram_adapter(server: Server, fake: FakeTelegram) -> TelegramAdapter:
    settings = telegram_settings(fake, (f"general={T_GROUP}", f"help={T_OTHER_GROUP}"))
    return TelegramAdapter(context_for(server, settings), settings, outbox_interval=0.2)


async def test_telegram_learners_see_learner_commands_and_tutors_and_admins_theirs(
        tmp_path: Path, telegram: FakeTelegram) -> None:
    fake = telegram
    async with running_server(tmp_path, tutors=("console:tina", f"telegram:{T_TINA}",
                                                "discord:5", f"telegram:{T_ADA}"),
                              admins=(f"telegram:{T_ADA}",)) as server:
        adapter = telegram_adapter(server, fake)
        await adapter.start()
        await adapter.stop()
    assert fake.menu_for({"type": "default"}) == LEARNER  # what every learner sees
    assert {c["command"] for c in fake.commands} == LEARNER
    assert fake.menu_for({"type": "chat", "chat_id": T_TINA}) == LEARNER | TUTOR
    assert fake.menu_for({"type": "chat", "chat_id": T_ADA}) == LEARNER | TUTOR | ADMIN
    for group in (T_GROUP, T_OTHER_GROUP):  # where tutors grant by replying
        assert fake.menu_for({"type": "chat_member", "chat_id": group,
                              "user_id": T_TINA}) == LEARNER | TUTOR
        assert fake.menu_for({"type": "chat_member", "chat_id": group,
                              "user_id": T_ADA}) == LEARNER | TUTOR | ADMIN
    assert len(fake.menus) == 1 + 2 * 3  # nothing for the console or Discord accounts
    descriptions = {c["command"]: c["description"] for c in fake.commands}
    assert descriptions["join"] == "join a quest"
    # people whose Telegram is in French or Gaelic see the same menus in their language
    assert len(fake.localized_menus) == 3 * len(fake.menus)
    french = {c["command"]: c["description"]
              for c in fake.localized_menus[(menu_key({"type": "default"}), "fr")]}
    assert set(french) == LEARNER and french["join"] == "rejoindre une quête"
    gaelic = fake.localized_menus[(menu_key({"type": "chat", "chat_id": T_ADA}), "gd")]
    assert {c["command"] for c in gaelic} == LEARNER | TUTOR | ADMIN


async def test_a_menu_telegram_refuses_does_not_stop_the_others(
        tmp_path: Path, telegram: FakeTelegram) -> None:
    fake = telegram
    fake.failures.append(Failure("setMyCommands", 1, 400))  # e.g. the default scope: refused
    async with running_server(tmp_path, tutors=(f"telegram:{T_TINA}",)) as server:
        adapter = telegram_adapter(server, fake)
        await adapter.start()  # starts all the same
        await adapter.stop()
    assert fake.menu_for({"type": "default"}) == set()
    assert fake.menu_for({"type": "chat", "chat_id": T_TINA}) == LEARNER | TUTOR


# --- Discord ---------------------------------------------------------------------------------
@pytest.fixture
async def discord_fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    api = FakeDiscord()
    await api.start()
    monkeypatch.setattr(discord.http.Route, "BASE", api.rest_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        yarl.URL(api.gateway_url))
    yield api
    await api.stop()


def discord_adapter(server: Server, fake: FakeDiscord, **settings: Any) -> DiscordAdapter:
    own = discord_settings(fake, **settings)
    return DiscordAdapter(context_for(server, own), own, outbox_interval=0.2)


@pytest.fixture
async def discord_bot(tmp_path: Path, discord_fake: FakeDiscord) -> AsyncIterator[Server]:
    async with running_server(tmp_path) as server:
        adapter = discord_adapter(server, discord_fake, fallback_channel=str(HELP))
        await adapter.start()
        try:
            yield server
        finally:
            await adapter.stop()


async def test_discord_hides_tutor_and_admin_commands_from_members_without_permission(
        discord_bot: Server, discord_fake: FakeDiscord) -> None:
    commands = {c["name"]: c for c in discord_fake.commands}
    assert set(commands) == LEARNER | TUTOR | ADMIN
    manage_messages = discord.Permissions(manage_messages=True).value
    manage_guild = discord.Permissions(manage_guild=True).value
    for name in LEARNER:
        assert commands[name]["default_member_permissions"] is None, name  # everyone
    for name, permission in [*((n, manage_messages) for n in TUTOR),
                             *((n, manage_guild) for n in ADMIN)]:
        assert int(commands[name]["default_member_permissions"]) == permission, name
        assert commands[name]["dm_permission"] is False, name  # never shown in DMs
        assert commands[name]["contexts"] == [0], name  # servers only
    for spec in COMMANDS:  # the options are the command table's parameters, in order
        if spec.listed:
            options = commands[spec.name].get("options") or []
            assert [o["name"] for o in options] == [p.name for p in spec.params], spec.name
            assert [o.get("required", False) for o in options] == \
                [p.required for p in spec.params], spec.name
    grant = {o["name"]: o for o in commands["grant"]["options"]}
    assert grant["learner"]["type"] == 6  # a member picker
    assert [c["value"] for c in commands["showname"]["options"][0]["choices"]] == ["on", "off"]
    # French members read the descriptions in French (Discord has no Gaelic locale)
    assert commands["join"]["description"] == "join a quest"
    assert commands["join"]["description_localizations"] == {"fr": "rejoindre une quête"}
    assert commands["join"]["name_localizations"] == {"fr": "rejoindre"}
    names = [c["name_localizations"]["fr"] for c in commands.values()]
    assert len(set(names)) == len(names)  # no two commands share a French name
    assert all(re.fullmatch(r"[-_\w]{1,32}", name) and name == name.lower() for name in names)
    assert grant["learner"]["description_localizations"]["fr"] != grant["learner"]["description"]


def bot_messages(fake: FakeDiscord) -> list[Post]:
    """Everything the bot posted with content: follow-ups, channel messages, DMs."""
    return [p for p in fake.posts if p.kind in ("followup", "message", "edit")]


async def test_discord_echoed_text_never_pings(discord_bot: Server,
                                               discord_fake: FakeDiscord) -> None:
    fake = discord_fake
    alice, bob = fake.member(ALICE, "Alice"), fake.member(BOB, "Bob")
    tina = fake.member(TINA, "Tina", tutor=True)
    token = await fake.slash(alice, "join", quest=PINGS)  # an unknown quest, named back
    await fake.wait_for(lambda: bool(fake.text_of(token)))
    token = await fake.slash(alice, "join", quest="python-basics")
    await fake.wait_for(lambda: "You joined" in fake.text_of(token))
    for n in range(3):
        await fake.say(alice, f"{PINGS} hello {n}")
    await fake.wait_for(lambda: any("Step done" in (p.content or "") for p in fake.posts
                                    if p.channel_id == GENERAL))
    token = await fake.slash(alice, "quiz")
    await fake.wait_for(lambda: "Question 1/4" in fake.text_of(token))
    token = await fake.slash(alice, "answer", text=PINGS)  # a wrong answer, maybe echoed
    await fake.wait_for(lambda: bool(fake.text_of(token)))
    token = await fake.slash(tina, "grant", learner=bob, quest="community-helper",
                             item="badge", reason=PINGS)  # the reason reaches Bob
    await fake.wait_for(lambda: any(p.files for p in fake.dms_to(BOB)))
    fake.closed_dms.add(ALICE)  # Alice is told in #help instead, mentioned
    token = await fake.slash(tina, "grant", learner=alice, quest="python-basics",
                             item="meetup", reason=PINGS)
    await fake.wait_for(lambda: any(p.channel_id == HELP for p in fake.posts))

    posts = bot_messages(fake)
    assert any("@everyone" in (p.content or "") for p in posts)  # the text was echoed ...
    for post in posts:
        mentions = post.data.get("allowed_mentions")
        assert mentions is not None, post
        assert mentions["parse"] == [], post  # ... and pings no one: no @everyone, no role
        if post.channel_id == HELP or (post.kind == "message" and post.channel_id == GENERAL):
            # the fallback, and the answer to a member's post, ping exactly the member they
            # are for
            assert mentions.get("users") == [ALICE], post
            assert (post.content or "").startswith(f"<@{ALICE}>")
        else:
            assert not mentions.get("users"), post
