"""`questbot copy-data` moves a whole installation from SQLite to PostgreSQL: every row of
every table, in one transaction; afterwards the badges verify against the new database
(the revoked one still revoked), and a destination that holds data is refused untouched."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from questbot.app.cli import main
from questbot.domain.errors import StoreError
from questbot.storage import copy_data
from tests.paths import QUESTS
from tests.postgres_schema import own_schema
from tests.requirements import POSTGRES_URL


@pytest.fixture
async def postgres() -> AsyncIterator[tuple[str, str]]:
    async with own_schema("copy") as schema:
        yield f"{POSTGRES_URL}?search_path={schema}", schema


def _counts_sqlite(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name <> 'schema_version'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


async def _counts_postgres(schema: str) -> dict[str, int]:
    conn = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": schema})
    try:
        tables = [r[0] for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1"
            " AND table_name <> 'schema_version'", schema)]
        return {t: int(await conn.fetchval(f'SELECT count(*) FROM "{t}"')) for t in tables}
    finally:
        await conn.close()


def test_an_installation_moves_to_postgres_and_its_badges_still_verify(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        postgres: tuple[str, str]) -> None:
    url, schema = postgres
    data = tmp_path / "data"
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(data))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(QUESTS))
    for address in ("ann@example.org", "bob@example.org", "cy@example.org"):
        assert main(["award", "git-workshop", "--to", address, "--reason", "came"]) == 0
    found = re.findall(r"(http://\S+/badges/(\S+)) (\S+\.png)", capsys.readouterr().out)
    (_, kept, kept_png), (_, revoked, revoked_png), _ = found
    assert main(["revoke", "--reason", "issued by mistake", "--", revoked]) == 0
    sqlite_file = data / "questbot.sqlite3"
    before = _counts_sqlite(sqlite_file)

    assert main(["copy-data", "--from", f"sqlite:///{sqlite_file}", "--to", url]) == 0
    out = capsys.readouterr().out
    assert f"copied {sum(before.values())} rows in {len(before)} tables" in out
    assert asyncio.run(_counts_postgres(schema)) == before
    assert before["awards"] == 3 and before["credentials"] == 3

    sqlite_file.rename(tmp_path / "moved-away.sqlite3")  # only PostgreSQL is left
    monkeypatch.setenv("QUESTBOT_DATABASE_URL", url)
    assert main(["verify", kept_png]) == 0
    assert capsys.readouterr().out.startswith("VALID")
    assert main(["verify", "--json", revoked_png]) == 1
    assert '"status": "revoked"' in capsys.readouterr().out
    assert main(["award", "git-workshop", "--to", "dee@example.org", "--reason", "late"]) == 0
    assert len(re.findall(r"/badges/\S+ \S+\.png", capsys.readouterr().out)) == 1
    assert kept != revoked


def test_a_destination_holding_data_is_refused_and_left_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres: tuple[str, str]) -> None:
    url, schema = postgres
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(QUESTS))
    assert main(["award", "git-workshop", "--to", "ann@example.org", "--reason", "came"]) == 0
    source = f"sqlite:///{tmp_path / 'data' / 'questbot.sqlite3'}"
    asyncio.run(copy_data(source, url))
    copied = asyncio.run(_counts_postgres(schema))
    with pytest.raises(StoreError, match="already holds data"):
        asyncio.run(copy_data(source, url))
    assert asyncio.run(_counts_postgres(schema)) == copied
    with pytest.raises(StoreError, match="expected sqlite"):
        asyncio.run(copy_data(url, url))
    with pytest.raises(StoreError, match="no database"):
        asyncio.run(copy_data(f"sqlite:///{tmp_path / 'none.sqlite3'}", url))
