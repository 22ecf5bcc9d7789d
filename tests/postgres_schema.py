"""A PostgreSQL schema of a test's own, so tests share one database without meeting."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from tests.requirements import POSTGRES_URL, need_postgres


@asynccontextmanager
async def own_schema(prefix: str = "test") -> AsyncIterator[str]:
    """Skips (or, in CI, fails) without PostgreSQL; drops the schema afterwards."""
    need_postgres()
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f"CREATE SCHEMA {name}")
    try:
        yield name
    finally:
        await admin.execute(f"DROP SCHEMA {name} CASCADE")
        await admin.close()
