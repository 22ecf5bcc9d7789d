"""The shared migrations applied to a SQLite database, one transaction per migration."""

from __future__ import annotations

import sqlite3

from questbot.storage.sql.dialect import Dialect
from questbot.storage.sql.migrations import (
    CURRENT_VERSION,
    LATEST,
    RECORD_VERSION,
    SCHEMA_VERSION_TABLE,
    to_apply,
)

__all__ = ["migrate"]


def migrate(conn: sqlite3.Connection, upto: int = LATEST, *, apply: bool = True) -> int:
    """Bring the schema up to version ``upto`` (by default the latest); returns the version
    it is at. With ``apply`` False, only check it is there already (SchemaBehind if not)."""
    conn.execute(SCHEMA_VERSION_TABLE)
    current = int(conn.execute(CURRENT_VERSION).fetchone()[0])
    for version, migration in to_apply(current, upto, apply=apply):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in migration.statements(Dialect.SQLITE):
                conn.execute(statement)
            conn.execute(Dialect.SQLITE.render(RECORD_VERSION), (version,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return max(current, upto)
