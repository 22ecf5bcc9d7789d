"""Both stores run one list of migrations: a fresh SQLite database and a fresh PostgreSQL one
end with the same schema, and so does a database of either kind that stopped at an earlier
version and is then opened by the store."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from questbot.storage import SqliteStore
from questbot.storage.postgres import PostgresStore
from questbot.storage.postgres import migrations as postgres_migrations
from questbot.storage.sql.migrations import LATEST
from questbot.storage.sqlite import migrations as sqlite_migrations
from tests.postgres_schema import own_schema
from tests.requirements import POSTGRES_URL
from tests.schemas import Schema, postgres_schema, sqlite_schema

EARLIER = range(1, LATEST)


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    async with own_schema() as name:
        yield name


async def opened_sqlite(path: Path) -> tuple[Schema, int]:
    store = SqliteStore(path)
    await store.open()
    await store.close()
    with sqlite3.connect(path) as conn:
        version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        return sqlite_schema(conn), int(version)


async def opened_postgres(schema: str) -> tuple[Schema, int]:
    store = PostgresStore(POSTGRES_URL, min_size=1, max_size=1,
                          server_settings={"search_path": schema})
    await store.open()
    await store.close()
    conn = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": schema})
    try:
        version = await conn.fetchval("SELECT max(version) FROM schema_version")
        return await postgres_schema(conn), int(version)
    finally:
        await conn.close()


async def test_fresh_databases_of_both_kinds_have_the_same_schema(tmp_path: Path,
                                                                  schema: str) -> None:
    lite, lite_version = await opened_sqlite(tmp_path / "fresh.sqlite3")
    postgres, postgres_version = await opened_postgres(schema)
    assert lite_version == postgres_version == LATEST
    assert {"learners", "outbox", "evidence_files", "schema_version"} <= lite.tables
    assert any(i.partial for i in lite.indexes)  # the comparison sees what differs most
    assert lite.tables == postgres.tables
    assert sorted(lite.columns) == sorted(postgres.columns)
    assert sorted(lite.indexes) == sorted(postgres.indexes)
    assert sorted(lite.primary_keys) == sorted(postgres.primary_keys)
    assert sorted(lite.foreign_keys) == sorted(postgres.foreign_keys)
    assert sorted(lite.uniques) == sorted(postgres.uniques)


@pytest.mark.parametrize("version", EARLIER)
async def test_a_sqlite_database_at_an_earlier_version_upgrades_to_the_same_schema(
        tmp_path: Path, version: int) -> None:
    fresh, _ = await opened_sqlite(tmp_path / "fresh.sqlite3")
    conn = sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)
    assert sqlite_migrations.migrate(conn, upto=version) == version
    conn.close()
    assert await opened_sqlite(tmp_path / "old.sqlite3") == (fresh, LATEST)


@pytest.mark.parametrize("version", EARLIER)
async def test_a_postgres_database_at_an_earlier_version_upgrades_to_the_same_schema(
        tmp_path: Path, schema: str, version: int) -> None:
    fresh, _ = await opened_sqlite(tmp_path / "fresh.sqlite3")
    conn = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": schema})
    try:
        assert await postgres_migrations.migrate(conn, upto=version) == version
    finally:
        await conn.close()
    assert await opened_postgres(schema) == (fresh, LATEST)
