"""A program: a generator that yields SQL statements and is sent back their results, so the
logic of a read or a write is written once and each store only executes what it yields (the
SQLite writer on its thread, the PostgreSQL store on a pooled connection)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar, cast

from questbot.storage.sql.dialect import Text

T = TypeVar("T")
Row: TypeAlias = tuple[Any, ...]


# Statements and results are not frozen: several of each are made for every event, and a
# frozen dataclass sets each field through object.__setattr__. Nothing changes them.
@dataclass(slots=True)
class Statement:
    text: Text
    params: tuple[object, ...] = ()
    counted: bool = False  # the caller wants how many rows changed, not rows


@dataclass(slots=True)
class Result:
    rows: list[Row]
    count: int  # rows changed, for a counted statement

    def first(self) -> Row | None:
        return self.rows[0] if self.rows else None

    def value(self) -> Any:
        """The first column of the first row, or None when there is no row."""
        return self.rows[0][0] if self.rows else None


Program: TypeAlias = Generator[Statement, Result, T]

PRUNE_BATCH = 1000  # rows per transaction of a prune: it never holds the writer for long


def sql(text: Text, *params: object) -> Statement:
    return Statement(text, params)


def counted(text: Text, *params: object) -> Statement:
    return Statement(text, params, counted=True)


def drive(program: Program[T], execute: Callable[[Statement], Result]) -> T:
    try:
        statement = next(program)
        while True:
            statement = program.send(execute(statement))
    except StopIteration as done:
        return cast(T, done.value)


async def drive_async(program: Program[T],
                      execute: Callable[[Statement], Awaitable[Result]]) -> T:
    try:
        statement = next(program)
        while True:
            statement = program.send(await execute(statement))
    except StopIteration as done:
        return cast(T, done.value)
