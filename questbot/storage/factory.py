"""Choose a store from ``QUESTBOT_DATABASE_URL``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from questbot.domain.errors import ConfigError
from questbot.ports import Store
from questbot.storage.postgres import PostgresStore
from questbot.storage.sqlite import SqliteStore


def sqlite_path(database_url: str) -> Path:
    parsed = urlparse(database_url)
    if parsed.scheme != "sqlite" or not (parsed.path or parsed.netloc):
        raise ConfigError(f"QUESTBOT_DATABASE_URL: expected sqlite:///PATH, got {database_url!r}")
    # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy spells them
    return Path(database_url[len("sqlite:///"):]) if database_url.startswith("sqlite:///") \
        else Path(parsed.netloc + parsed.path)


def open_store(database_url: str) -> Store:
    scheme = urlparse(database_url).scheme
    if scheme == "sqlite":
        return SqliteStore(sqlite_path(database_url))
    if scheme in ("postgres", "postgresql"):
        return PostgresStore(database_url)
    raise ConfigError("QUESTBOT_DATABASE_URL: expected sqlite:///PATH or"
                      f" postgresql://USER@HOST/DB, got scheme {scheme!r}")
