from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
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


RAM = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stores(*kinds): the stores a test runs on (memory,"
                                       " sqlite, postgres); memory unless it says")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Rule tests run on SQLite in memory (the rules are a pure decide over a snapshot, the
    same whichever store); the store-contract modules, marked ``stores("sqlite",
    "postgres")``, run on both real databases."""
    named = {name.strip() for mark in metafunc.definition.iter_markers("parametrize")
             for name in (mark.args[0].split(",") if isinstance(mark.args[0], str)
                          else mark.args[0])}
    if "store" in metafunc.fixturenames and "store" not in named:
        marker = metafunc.definition.get_closest_marker("stores")
        metafunc.parametrize("store", marker.args if marker else ("memory",), indirect=True)


@pytest.fixture
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with open_test_store(request.param, tmp_path) as opened:
        yield opened


@contextlib.asynccontextmanager
async def open_test_store(kind: str, tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh store: ``memory`` (SQLite in RAM), ``sqlite`` (on disk) or ``postgres`` (in a
    schema of its own)."""
    if kind in ("memory", "sqlite"):
        folder = tmp_path / kind
        if kind == "memory" and RAM.is_dir() and os.access(RAM, os.W_OK):
            folder = Path(tempfile.mkdtemp(dir=RAM, prefix="questbot-test-"))
        folder.mkdir(exist_ok=True)
        sqlite = SqliteStore(folder / "questbot.sqlite3")
        await sqlite.open()
        try:
            yield sqlite
        finally:
            await sqlite.close()
            if folder.is_relative_to(RAM):
                shutil.rmtree(folder, ignore_errors=True)
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
