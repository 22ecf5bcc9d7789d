"""Runs programs' statements on an asyncpg connection.

Each statement is a round trip, and on PostgreSQL round trips are most of what an event
costs. So writes that return nothing are held back and sent together, as one statement of
data-modifying ``WITH`` parts, when the program next needs an answer (a read, a counted
write) or ends. A write joins the waiting ones only when no two of them touch or read the
same table: the parts of one statement all see the database as it was before it, so that is
when running them together changes nothing. A program is sent the same empty result for a
held-back write as for one sent alone, and the batch's transaction makes an error at the
combined statement fail the event as an error at any one of them would."""

from __future__ import annotations

import functools
import re
from typing import TypeVar, cast

import asyncpg

from questbot.storage.sql.dialect import Dialect
from questbot.storage.sql.program import Program, Result, Statement

T = TypeVar("T")
NOTHING = Result([], 0)
MAX_PARTS = 16
_WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)
_NUMBERED = re.compile(r"\$(\d+)")


@functools.lru_cache(maxsize=512)
def _written_table(text: str) -> str | None:
    """The table a write that returns nothing changes, or None for anything else."""
    found = _WRITE.match(text)
    if found is None or re.search(r"\bRETURNING\b", text, re.IGNORECASE):
        return None
    return found.group(1).lower()


@functools.lru_cache(maxsize=512)
def _names(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in re.findall(r"\w+", text))


@functools.lru_cache(maxsize=256)
def _combined(texts: tuple[str, ...], counts: tuple[int, ...]) -> str:
    parts = []
    offset = 0
    for text, count in zip(texts, counts, strict=True):
        parts.append(_shifted(text, offset))
        offset += count
    *first, last = parts
    return "WITH " + ", ".join(f"w{n} AS ({part})" for n, part in enumerate(first)) + f" {last}"


def _shifted(text: str, by: int) -> str:
    return _NUMBERED.sub(lambda mark: f"${int(mark.group(1)) + by}", text)


class _HeldWrites:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self._texts: list[str] = []
        self._params: list[tuple[object, ...]] = []
        self._tables: set[str] = set()
        self._read: set[str] = set()  # every name the held texts mention

    def hold(self, text: str, table: str, params: tuple[object, ...]) -> bool:
        names = _names(text)
        if (len(self._texts) >= MAX_PARTS or table in self._read
                or not names.isdisjoint(self._tables)):
            return False
        self._texts.append(text)
        self._params.append(params)
        self._tables.add(table)
        self._read |= names
        return True

    async def send(self) -> None:
        if not self._texts:
            return
        if len(self._texts) == 1:
            await self._conn.execute(self._texts[0], *self._params[0])
        else:
            counts = tuple(_highest_mark(t) for t in self._texts)
            await self._conn.execute(_combined(tuple(self._texts), counts),
                                     *(p for params in self._params for p in params))
        self._texts, self._params = [], []
        self._tables, self._read = set(), set()


@functools.lru_cache(maxsize=512)
def _highest_mark(text: str) -> int:
    return max((int(n) for n in _NUMBERED.findall(text)), default=0)


async def run(conn: asyncpg.Connection, program: Program[T]) -> T:
    held = _HeldWrites(conn)

    async def execute(statement: Statement, text: str) -> Result:
        await held.send()
        if statement.counted:  # the count is in the command status, "UPDATE 3"
            status = await conn.execute(text, *statement.params)
            return Result([], int(status.split()[-1]))
        rows = [tuple(r) for r in await conn.fetch(text, *statement.params)]
        return Result(rows, len(rows))

    try:
        statement = next(program)
        while True:
            text = Dialect.POSTGRES.render(statement.text)
            table = None if statement.counted else _written_table(text)
            if table is not None and len(statement.params) == _highest_mark(text):
                if not held.hold(text, table, statement.params):
                    await held.send()
                    held.hold(text, table, statement.params)
                statement = program.send(NOTHING)
            else:
                statement = program.send(await execute(statement, text))
    except StopIteration as done:
        await held.send()
        return cast(T, done.value)
