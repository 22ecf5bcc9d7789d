"""Runs programs' statements on SQLite: synchronously on the writer's connection, or on the
read-only aiosqlite connection."""

from __future__ import annotations

import sqlite3
from typing import TypeVar

import aiosqlite

from questbot.storage.sql.dialect import Dialect, Text
from questbot.storage.sql.program import Program, Result, Statement, drive, drive_async

T = TypeVar("T")

# Each statement's SQLite text, looked up by the text it was written as: the writer runs
# several a job, and Dialect.render's cache hashes its Dialect argument in Python each time.
_RENDERED: dict[Text, str] = {}
_MAX_RENDERED = 1024  # as Dialect.render's cache keeps


def sqlite_text(text: Text) -> str:
    rendered = _RENDERED.get(text)
    if rendered is None:
        if len(_RENDERED) >= _MAX_RENDERED:
            _RENDERED.clear()
        rendered = _RENDERED[text] = Dialect.SQLITE.render(text)
    return rendered


def run(conn: sqlite3.Connection, program: Program[T]) -> T:
    cursor = conn.cursor()  # one for the program's statements, which run one at a time

    def execute(statement: Statement) -> Result:
        cursor.execute(sqlite_text(statement.text), statement.params)
        return Result(cursor.fetchall(), cursor.rowcount)

    return drive(program, execute)


async def run_reading(conn: aiosqlite.Connection, program: Program[T]) -> T:
    async def execute(statement: Statement) -> Result:
        # one trip to the connection's thread (execute, fetch and close would be three);
        # a read changes no rows, so there is no count to keep
        rows = await conn.execute_fetchall(sqlite_text(statement.text), statement.params)
        return Result([tuple(r) for r in rows], -1)

    return await drive_async(program, execute)
