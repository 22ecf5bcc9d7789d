"""`questbot migrate` applies migrations explicitly; with QUESTBOT_AUTO_MIGRATE off a process
refuses a database behind the code (and leaves it as it was), and every process refuses one
ahead of it."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from questbot.app.cli import main
from questbot.domain.errors import StoreError
from questbot.storage import migrate_database, open_store
from questbot.storage.sql.migrations import LATEST
from questbot.storage.sqlite.migrations import migrate
from tests.postgres_schema import own_schema
from tests.requirements import POSTGRES_URL


def _version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT max(version) FROM schema_version").fetchone()[0])


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path))
    return tmp_path


def test_migrate_brings_a_new_database_up_and_then_has_nothing_to_do(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out == f"the database went from schema version 0 to {LATEST}\n"
    assert _version(data / "questbot.sqlite3") == LATEST
    assert main(["migrate"]) == 0
    assert f"at schema version {LATEST}: nothing to do" in capsys.readouterr().out


def test_without_auto_migrate_an_older_database_is_refused_untouched_until_migrated(
        data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = data / "questbot.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as conn:
        migrate(conn, upto=LATEST - 1)
    monkeypatch.setenv("QUESTBOT_AUTO_MIGRATE", "false")
    assert main(["outbox"]) == 1
    err = capsys.readouterr().err
    assert f"schema version {LATEST - 1}, this questbot needs {LATEST}" in err
    assert "questbot migrate" in err
    assert _version(path) == LATEST - 1
    assert main(["migrate"]) == 0
    assert main(["outbox"]) == 0


def test_a_database_newer_than_the_code_is_refused(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    with sqlite3.connect(data / "questbot.sqlite3") as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (LATEST + 1,))
    assert main(["outbox"]) == 1
    assert "newer than this questbot" in capsys.readouterr().err


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with own_schema("migrate") as schema:
        yield f"{POSTGRES_URL}?search_path={schema}"


async def test_migrate_works_on_postgres_too(postgres_url: str) -> None:
    store = open_store(postgres_url, auto_migrate=False)
    with pytest.raises(StoreError, match="questbot migrate"):
        await store.open()
    assert await migrate_database(postgres_url) == (0, LATEST)
    assert await migrate_database(postgres_url) == (LATEST, LATEST)
    store = open_store(postgres_url, auto_migrate=False)
    await store.open()
    await store.close()
