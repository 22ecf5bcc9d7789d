"""The shared migrations applied to a PostgreSQL database: all pending ones in one
transaction, one migrator at a time."""

from __future__ import annotations

import asyncpg

from questbot.storage.sql.dialect import Dialect
from questbot.storage.sql.migrations import (
    CURRENT_VERSION,
    LATEST,
    RECORD_VERSION,
    SCHEMA_VERSION_TABLE,
    to_apply,
)

MIGRATION_LOCK = 7226001  # several processes may start at once


async def migrate(conn: asyncpg.Connection, upto: int = LATEST, *, apply: bool = True) -> int:
    """Bring the schema up to version ``upto`` (by default the latest); returns the version
    it is at. With ``apply`` False, only check it is there already (SchemaBehind if not)."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(SCHEMA_VERSION_TABLE)
        current = int(await conn.fetchval(CURRENT_VERSION))
        for version, migration in to_apply(current, upto, apply=apply):
            for statement in migration.statements(Dialect.POSTGRES):
                await conn.execute(statement)
            await conn.execute(RECORD_VERSION, version)
    return max(current, upto)
