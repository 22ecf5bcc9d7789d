"""``questbot copy-data``: a whole installation's database from SQLite to PostgreSQL, in one
transaction on the destination (all of it or nothing), from one consistent read of the
source, table by table in the order their foreign keys need."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg

from questbot.domain.errors import StoreError
from questbot.storage.factory import sqlite_path
from questbot.storage.postgres.migrations import migrate as postgres_migrate
from questbot.storage.sql.migrations import CURRENT_VERSION, LATEST

BATCH = 5000  # rows per COPY: memory stays bounded whatever the size of a table

TABLES = """
SELECT table_name FROM information_schema.tables
WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
  AND table_name <> 'schema_version'
"""
FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
JOIN pg_namespace n ON n.oid = c.connamespace
WHERE c.contype = 'f' AND n.nspname = current_schema()
"""
COLUMNS = """
SELECT column_name, data_type, is_identity FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
"""


async def copy_data(source: str, destination: str) -> dict[str, int]:
    """Rows copied per table. The destination is migrated first and must hold no data."""
    if not source.startswith("sqlite:"):
        raise StoreError("--from: expected sqlite:///PATH (the installation to move)")
    if not destination.startswith(("postgres://", "postgresql://")):
        raise StoreError("--to: expected postgresql://USER@HOST/DB")
    path = sqlite_path(source)
    if not path.is_file():
        raise StoreError(f"--from: no database at {path}")
    try:
        conn = await asyncpg.connect(destination)
    except (OSError, asyncpg.PostgresError) as exc:
        raise StoreError(f"--to: cannot connect: {exc}") from exc
    try:
        await postgres_migrate(conn)
        return await _copy(path, conn)
    except (OSError, sqlite3.Error, asyncpg.PostgresError, RuntimeError) as exc:
        raise StoreError(f"cannot copy the data: {exc}") from exc
    finally:
        await conn.close()


async def _copy(path: Path, conn: asyncpg.Connection) -> dict[str, int]:
    tables = _in_key_order([r[0] for r in await conn.fetch(TABLES)],
                           [(r[0], r[1]) for r in await conn.fetch(FOREIGN_KEYS)])
    with contextlib.closing(_read_only(path)) as lite:
        lite.execute("BEGIN")  # one snapshot of the source for every table
        version = int(lite.execute(CURRENT_VERSION).fetchone()[0])
        if version != LATEST:
            raise StoreError(f"--from: the database is at schema version {version}, this "
                             f"questbot's is {LATEST}: run `questbot migrate` on it first")
        copied: dict[str, int] = {}
        async with conn.transaction():
            for table in tables:
                if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
                    raise StoreError(f"--to: table {table} already holds data; copy into an"
                                     " empty database")
            for table in tables:
                copied[table] = await _copy_table(lite, conn, table)
    return copied


async def _copy_table(lite: sqlite3.Connection, conn: asyncpg.Connection, table: str) -> int:
    columns = await conn.fetch(COLUMNS, table)
    names = [str(c[0]) for c in columns]
    kinds = [str(c[1]) for c in columns]
    quoted = ", ".join(f'"{n}"' for n in names)
    total = 0
    for batch in _batches(lite.execute(f'SELECT {quoted} FROM "{table}"')):
        records = [tuple(_value(v, kind) for v, kind in zip(row, kinds, strict=True))
                   for row in batch]
        await conn.copy_records_to_table(table, records=records, columns=names)
        total += len(records)
    for name, identity in ((str(c[0]), c[2]) for c in columns):
        if identity == "YES":  # the next row numbered after the copied ones
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{name}'),"
                f' coalesce((SELECT max("{name}") FROM "{table}"), 0) + 1, false)')
    return total


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("integer", "bigint", "smallint"):
        return int(value)
    if kind == "bytea":
        return bytes(value)
    return value if isinstance(value, str) else str(value)


def _batches(cursor: sqlite3.Cursor) -> Iterator[list[Any]]:
    while rows := cursor.fetchmany(BATCH):
        yield rows


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)


def _in_key_order(tables: list[str], keys: list[tuple[str, str]]) -> list[str]:
    """Each table after the tables its foreign keys point at."""
    pending = sorted(tables)
    needs = {t: {target.strip('"') for source, target in keys
                 if source.strip('"') == t and target.strip('"') != t} for t in tables}
    ordered: list[str] = []
    while pending:
        ready = [t for t in pending if needs[t] <= set(ordered)]
        if not ready:
            raise StoreError(f"foreign keys in a circle among {', '.join(pending)}")
        ordered.extend(ready)
        pending = [t for t in pending if t not in ready]
    return ordered
