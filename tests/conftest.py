from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from questbot.catalog import Catalog, load_catalog
from questbot.domain import UserRef
from questbot.engine import EngineSettings, QuestEngine
from questbot.storage import SqliteStore
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


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(tmp_path / "questbot.sqlite3")
    await store.open()
    yield store
    await store.close()


@pytest.fixture
def settings() -> EngineSettings:
    return EngineSettings(base_url="http://127.0.0.1:8080", admins=frozenset({ADMIN}),
                          tutors=frozenset({TUTOR}))


@pytest.fixture
def engine(store: SqliteStore, catalog: Catalog, settings: EngineSettings,
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
