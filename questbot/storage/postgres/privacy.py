"""/forget confirm in PostgreSQL: the same scrubbing as the SQLite store (shared statements
and rules). PostgreSQL keeps deleted row versions in its files until VACUUM reuses the space
(VACUUM FULL rewrites the table); see the README's Privacy section."""

from __future__ import annotations

import asyncpg

from questbot.storage.sqlite.privacy import (
    CLAIMED,
    FORGET_DELIVERED,
    PERSONAL,
    RECORDED,
    Personal,
    candidates_sql,
)


async def personal_data(conn: asyncpg.Connection, learner_id: str) -> Personal:
    """Read before the learner row is emptied: what to scrub from other rows."""
    row = await conn.fetchrow(PERSONAL, learner_id)
    personal = Personal.of(row[0], row[1]) if row else Personal((), ())
    if await conn.fetchval("SELECT to_regclass('email_claims') IS NOT NULL"):
        claimed = await conn.fetch(CLAIMED, learner_id)
        personal = personal.with_emails(str(r[0]) for r in claimed)
    return personal


async def scrub_after_forget(conn: asyncpg.Connection, learner_id: str, personal: Personal
                             ) -> int:
    """Run after the learner's own rows are gone; returns how many other rows changed."""
    await conn.execute(FORGET_DELIVERED, learner_id)
    if not personal:
        return 0
    needles = personal.needles()
    changed = 0
    for table, keys, column in RECORDED:
        sql = candidates_sql(table, keys, column, len(needles), placeholder="$")
        for row in await conn.fetch(sql, *needles):
            cleaned = personal.scrub(str(row[column]))
            if cleaned is None:
                continue
            where = " AND ".join(f"{k} = ${n}" for n, k in enumerate(keys, start=2))
            await conn.execute(f"UPDATE {table} SET {column} = $1 WHERE {where}", cleaned,
                               *(row[k] for k in keys))
            changed += 1
    return changed
