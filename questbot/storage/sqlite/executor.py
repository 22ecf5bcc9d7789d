"""Runs programs' statements on SQLite: synchronously on the writer's connection, or on the
read-only aiosqlite connection."""

from __future__ import annotations

import sqlite3
from typing import TypeVar

import aiosqlite

from questbot.storage.sql.dialect import Dialect
from questbot.storage.sql.program import Program, Result, Statement, drive, drive_async

T = TypeVar("T")


def run(conn: sqlite3.Connection, program: Program[T]) -> T:
    def execute(statement: Statement) -> Result:
        cursor = conn.execute(Dialect.SQLITE.render(statement.text), statement.params)
        return Result(cursor.fetchall(), cursor.rowcount)

    return drive(program, execute)


async def run_reading(conn: aiosqlite.Connection, program: Program[T]) -> T:
    async def execute(statement: Statement) -> Result:
        # one trip to the connection's thread (execute, fetch and close would be three);
        # a read changes no rows, so there is no count to keep
        rows = await conn.execute_fetchall(Dialect.SQLITE.render(statement.text),
                                           statement.params)
        return Result([tuple(r) for r in rows], -1)

    return await drive_async(program, execute)
