from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from questbot.catalog import Catalog, load_catalog
from questbot.domain import UserRef
from questbot.engine import EngineSettings, QuestEngine
from questbot.ports import Store
from questbot.storage import SqliteStore
from questbot.storage.postgres import PostgresStore
from tests import requirements
from tests.helpers import FakeClock, Player
from tests.paths import QUESTS, ROOT
from tests.server import Server, running_server

__all__ = ["QUESTS", "ROOT"]

ADMIN = UserRef("console", "admin")
TUTOR = UserRef("console", "tina")


@pytest.fixture
def catalog() -> Catalog:
    report = load_catalog(QUESTS)
    assert report.problems == []
    return report.catalog


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


POSTGRES_URL = requirements.POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Every engine test runs against both stores; PostgreSQL in a schema of its own."""
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "questbot.sqlite3")
        await sqlite.open()
        yield sqlite
        await sqlite.close()
        return
    requirements.need_postgres()
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f"CREATE SCHEMA {schema}")
    postgres = PostgresStore(POSTGRES_URL, server_settings={"search_path": schema})
    try:
        await postgres.open()
        yield postgres
    finally:
        await postgres.close()
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


@pytest.fixture
def settings() -> EngineSettings:
    return EngineSettings(base_url="http://127.0.0.1:8080", admins=frozenset({ADMIN}),
                          tutors=frozenset({TUTOR}))


@pytest.fixture
def engine(store: Store, catalog: Catalog, settings: EngineSettings,
           clock: FakeClock) -> QuestEngine:
    return QuestEngine(store, catalog, settings, clock=clock)


@pytest.fixture
def alice(engine: QuestEngine) -> Player:
    return Player(engine, UserRef("console", "alice"), "Alice")


@pytest.fixture
def bob(engine: QuestEngine) -> Player:
    return Player(engine, UserRef("console", "bob"), "Bob")


@pytest.fixture
def tutor(engine: QuestEngine) -> Player:
    return Player(engine, TUTOR, "Tina")


@pytest.fixture
def admin(engine: QuestEngine) -> Player:
    return Player(engine, ADMIN, "Ada")


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    async with running_server(tmp_path) as running:
        yield running
