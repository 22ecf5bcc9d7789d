"""PostgreSQL, for several processes sharing one database: no lost updates between them, and
the badge server on top of it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest

from questbot.catalog import load_catalog
from questbot.domain import UserRef
from questbot.engine import EngineSettings, QuestEngine
from questbot.storage.postgres import PostgresStore
from tests.conftest import POSTGRES_URL
from tests.helpers import Player
from tests.paths import ROOT
from tests.postgres_schema import own_schema
from tests.server import running_server


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    async with own_schema() as name:
        yield name


async def test_two_processes_lose_no_update(schema: str) -> None:
    catalog = load_catalog(ROOT / "tests" / "data" / "quests").catalog
    stores = [PostgresStore(POSTGRES_URL, server_settings={"search_path": schema})
              for _ in range(2)]  # two pools: as two bot processes would have
    for store in stores:
        await store.open()
    try:
        engines = [QuestEngine(store, catalog, EngineSettings()) for store in stores]
        alice = UserRef("discord", "1")
        await Player(engines[0], alice).say("/join chatter")
        players = [Player(engine, alice, channel="general") for engine in engines]
        await asyncio.gather(*(players[n % 2].post(f"message {n}") for n in range(120)))
        assert "120/1000 messages" in await players[1].say("/progress")
    finally:
        for store in stores:
            await store.close()


async def test_the_badge_server_on_postgresql(tmp_path: Path, schema: str) -> None:
    url = f"{POSTGRES_URL}?options={quote(f'-c search_path={schema}')}"
    async with running_server(tmp_path, database_url=url) as server:
        award_id = await server.grant_badge()
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{server.base}/ob3/credentials/{award_id}") as response:
                credential = json.loads(await response.read())
            assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
            await server.say("tina", "/revoke alice python-basics badge mistake")
            async with http.get(f"{server.base}/ob2/assertions/{award_id}") as response:
                assert response.status == 410
