"""A bot in more servers than one gateway connection may carry runs as shards, over one or
several processes (QUESTBOT_DISCORD_SHARD_COUNT and QUESTBOT_DISCORD_SHARD_IDS): each
server's events reach the one process holding its shard, and only the process running
shard 0 registers the slash commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from questbot.app.config import load_settings
from questbot.domain import ConfigError
from tests.fakes.discord_api import GENERAL, FakeDiscord
from tests.server import running_server
from tests.test_discord import ALICE, adapter_for, answer_text


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    api = FakeDiscord()
    await api.start()
    yield api
    await api.stop()


async def test_two_processes_each_run_half_of_the_shards(tmp_path: Path,
                                                          fake: FakeDiscord) -> None:
    async with running_server(tmp_path) as server:
        first = adapter_for(server, fake, guilds=(), shard_count=2, shard_ids=(0,))
        second = adapter_for(server, fake, guilds=(), shard_count=2, shard_ids=(1,))
        await first.start()
        await second.start()
        try:
            assert sorted(fake.identified_shards) == [(0, 2), (1, 2)]
            assert fake.command_syncs == 1  # by the process running shard 0
            alice = fake.member(ALICE, "Alice")
            token = await fake.slash(alice, "join", quest="python-basics")
            await answer_text(fake, token, "You joined")
            for _ in range(2):
                await fake.say(alice, "hello everyone", channel=GENERAL)
            token = await fake.slash(alice, "progress")
            reply = await answer_text(fake, token, "Python Basics")
            assert "2/3 messages" in reply  # each message was counted once, by one shard
            assert [p.kind for p in fake.to_interaction(token)].count("callback") == 1
        finally:
            await second.stop()
            await first.stop()


@pytest.mark.parametrize(("environ", "expected"), [
    ({"QUESTBOT_DISCORD_SHARD_IDS": "0"}, "needs shard_count"),
    ({"QUESTBOT_DISCORD_SHARD_COUNT": "2", "QUESTBOT_DISCORD_SHARD_IDS": "1,2"},
     "shard 2 is not one of 0-1"),
    ({"QUESTBOT_DISCORD_SHARD_COUNT": "2", "QUESTBOT_DISCORD_SHARD_IDS": "1,1"},
     "a shard is named twice"),
    ({"QUESTBOT_DISCORD_SHARD_COUNT": "0"}, "greater than or equal to 1"),
])
def test_wrong_shard_settings_are_named(environ: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"QUESTBOT_CONFIG": "", "QUESTBOT_DISCORD_TOKEN": "a" * 30,
                               **environ})
    assert expected in str(caught.value)
    assert "QUESTBOT_DISCORD_SHARD" in str(caught.value)
