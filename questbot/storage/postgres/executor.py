"""Runs programs' statements on an asyncpg connection."""

from __future__ import annotations

from typing import TypeVar

import asyncpg

from questbot.storage.sql.dialect import Dialect
from questbot.storage.sql.program import Program, Result, Statement, drive_async

T = TypeVar("T")


async def run(conn: asyncpg.Connection, program: Program[T]) -> T:
    async def execute(statement: Statement) -> Result:
        text = Dialect.POSTGRES.render(statement.text)
        if statement.counted:  # the count is in the command status, "UPDATE 3"
            status = await conn.execute(text, *statement.params)
            return Result([], int(status.split()[-1]))
        rows = [tuple(r) for r in await conn.fetch(text, *statement.params)]
        return Result(rows, len(rows))

    return await drive_async(program, execute)
