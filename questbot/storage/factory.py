"""Choose a store from ``QUESTBOT_DATABASE_URL``."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import asyncpg

from questbot.domain.errors import ConfigError, StoreError
from questbot.ports import Store
from questbot.storage.postgres import PostgresStore
from questbot.storage.postgres.migrations import migrate as postgres_migrate
from questbot.storage.sql.migrations import CURRENT_VERSION, SCHEMA_VERSION_TABLE
from questbot.storage.sqlite import SqliteStore
from questbot.storage.sqlite.migrations import migrate as sqlite_migrate


def sqlite_path(database_url: str) -> Path:
    parsed = urlparse(database_url)
    if parsed.scheme != "sqlite" or not (parsed.path or parsed.netloc):
        raise ConfigError(f"QUESTBOT_DATABASE_URL: expected sqlite:///PATH, got {database_url!r}")
    # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy spells them
    return Path(database_url[len("sqlite:///"):]) if database_url.startswith("sqlite:///") \
        else Path(parsed.netloc + parsed.path)


def open_store(database_url: str, *, auto_migrate: bool = True) -> Store:
    """The store for the URL; with ``auto_migrate`` False it refuses to open a database
    whose schema is behind this questbot (``questbot migrate`` brings it up)."""
    if _scheme(database_url) == "sqlite":
        return SqliteStore(sqlite_path(database_url), auto_migrate=auto_migrate)
    return PostgresStore(database_url, auto_migrate=auto_migrate)


def _scheme(database_url: str) -> str:
    scheme = urlparse(database_url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql"):
        raise ConfigError("QUESTBOT_DATABASE_URL: expected sqlite:///PATH or"
                          f" postgresql://USER@HOST/DB, got scheme {scheme!r}")
    return scheme


async def migrate_database(database_url: str) -> tuple[int, int]:
    """Apply every pending migration; returns the schema version before and after."""
    try:
        return await _migrate(database_url)
    except (OSError, RuntimeError, sqlite3.Error, asyncpg.PostgresError) as exc:
        raise StoreError(f"cannot migrate the database: {exc}") from exc


async def _migrate(database_url: str) -> tuple[int, int]:
    if _scheme(database_url) == "sqlite":
        path = sqlite_path(database_url)
        return await asyncio.to_thread(_migrate_sqlite, path)
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(SCHEMA_VERSION_TABLE)
        before = int(await conn.fetchval(CURRENT_VERSION))
        return before, await postgres_migrate(conn)
    finally:
        await conn.close()


def _migrate_sqlite(path: Path) -> tuple[int, int]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(SCHEMA_VERSION_TABLE)
        before = int(conn.execute(CURRENT_VERSION).fetchone()[0])
        return before, sqlite_migrate(conn)
