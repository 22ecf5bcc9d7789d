"""The PostgreSQL executor sends writes that return nothing together, in one statement: the
database must end up exactly as when each is sent alone, whatever mix of tables, reads and
repeated rows a program writes, and a refused write must fail the program."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questbot.storage.postgres.executor import run
from questbot.storage.sql.program import Program, Result, Statement, counted, sql
from tests.postgres_schema import own_schema
from tests.requirements import POSTGRES_URL

TABLES = """
CREATE TABLE parents (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE children (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parents (id),
                       n INTEGER NOT NULL);
CREATE TABLE tally (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
"""

# Statements a program may yield: writes of each table (some reading another), reads, and
# counted writes.
WRITES = [
    "INSERT INTO parents (id, n) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = $2",
    "UPDATE parents SET n = n + $2 WHERE id = $1",
    "INSERT INTO children (id, parent, n) SELECT $1, $2, $2 FROM parents WHERE id = $2"
    " ON CONFLICT (id) DO NOTHING",
    "DELETE FROM children WHERE id = $1 AND n < $2",
    "INSERT INTO tally (id, n) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = tally.n + $2",
    "INSERT INTO tally (id, n) SELECT $1, count(*) + $2 FROM children"
    " ON CONFLICT (id) DO UPDATE SET n = excluded.n",
]
READ = "SELECT coalesce(sum(n), 0) FROM parents WHERE id <= $1 AND $2 >= 0"
COUNTED = "UPDATE tally SET n = n * $2 WHERE id = $1"

# few keys and values, so statements meet the same rows often
step = st.tuples(st.integers(0, len(WRITES) + 1), st.integers(0, 2), st.integers(0, 2))


def program(steps: list[tuple[int, int, int]], seen: list[Any]) -> Program[None]:
    for kind, key, value in steps:
        if kind < len(WRITES):
            result: Result = yield sql(WRITES[kind], key, value)
        elif kind == len(WRITES):
            result = yield sql(READ, key, value)
        else:
            result = yield counted(COUNTED, key, value)
        seen.append((result.rows, result.count))


async def alone(conn: asyncpg.Connection, steps: list[tuple[int, int, int]],
                seen: list[Any]) -> None:
    """The reference: each statement sent by itself."""
    for statement in _statements(steps):
        if statement.counted:
            status = await conn.execute(statement.text, *statement.params)
            seen.append(([], int(status.split()[-1])))
        else:
            rows = [tuple(r) for r in await conn.fetch(statement.text, *statement.params)]
            seen.append((rows, len(rows)))


def _statements(steps: list[tuple[int, int, int]]) -> list[Statement]:
    texts = [*WRITES, READ]
    return [counted(COUNTED, k, v) if kind == len(WRITES) + 1 else sql(texts[kind], k, v)
            for kind, k, v in steps]


async def contents(conn: asyncpg.Connection) -> list[Any]:
    return [[tuple(r) for r in await conn.fetch(f"SELECT * FROM {table} ORDER BY id")]
            for table in ("parents", "children", "tally")]


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    async with own_schema("writes") as name:
        conn = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": name})
        await conn.execute(TABLES)
        await conn.close()
        yield name


async def _outcome(schema: str, steps: list[tuple[int, int, int]], held: bool
                   ) -> tuple[list[Any], list[Any]]:
    conn = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": schema})
    try:
        seen: list[Any] = []
        transaction = conn.transaction()
        await transaction.start()
        if held:
            await run(conn, program(steps, seen))
        else:
            await alone(conn, steps, seen)
        found = await contents(conn)
        await transaction.rollback()
        return found, seen
    finally:
        await conn.close()


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, max_size=24))
def test_held_writes_leave_what_writes_sent_alone_leave(schema: str,
                                                        steps: list[tuple[int, int, int]]
                                                        ) -> None:
    async def both() -> None:
        assert await _outcome(schema, steps, True) == await _outcome(schema, steps, False)
    asyncio.run(both())


async def test_a_refused_held_write_fails_the_program(schema: str) -> None:
    conn = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": schema})
    try:
        def orphan() -> Program[None]:
            yield sql(WRITES[0], 1, 1)
            yield sql("INSERT INTO children (id, parent, n) VALUES ($1, $2, $3)", 1, 99, 0)
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            async with conn.transaction():
                await run(conn, orphan())
        assert await contents(conn) == [[], [], []]
    finally:
        await conn.close()
