"""A database's schema as both engines' catalogs describe it, in one comparable form: tables,
columns (name, nullability, a type family), explicit indexes (name, columns, unique, partial
or not) and constraints (primary keys, foreign keys, uniques)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import asyncpg

EXPRESSION = "(expression)"  # an indexed expression: the engines spell it differently
FAMILIES = {"text": "text", "integer": "integer", "bigint": "integer", "blob": "bytes",
            "bytea": "bytes"}


@dataclass(frozen=True, order=True)
class Column:
    table: str
    name: str
    family: str
    nullable: bool


@dataclass(frozen=True, order=True)
class Index:
    table: str
    name: str
    columns: tuple[str, ...]
    unique: bool
    partial: bool


@dataclass(frozen=True, order=True)
class ForeignKey:
    table: str
    columns: tuple[str, ...]
    references: str
    referenced: tuple[str, ...]


@dataclass(frozen=True)
class Schema:
    columns: frozenset[Column]
    indexes: frozenset[Index]
    primary_keys: frozenset[tuple[str, tuple[str, ...]]]
    foreign_keys: frozenset[ForeignKey]
    uniques: frozenset[tuple[str, tuple[str, ...]]]

    @property
    def tables(self) -> set[str]:
        return {c.table for c in self.columns}


def family(declared: str) -> str:
    return FAMILIES[declared.lower()]  # a KeyError names a type this file does not know yet


def sqlite_schema(conn: sqlite3.Connection) -> Schema:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                         " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    columns, indexes, keys, foreign, uniques = set(), set(), set(), set(), set()
    for table in tables:
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        # SQLite lets a non-integer primary key hold NULL (an old quirk it keeps); PostgreSQL
        # does not, and the store never writes one, so a key column counts as NOT NULL.
        columns |= {Column(table, name, family(kind), not (notnull or pk))
                    for _, name, kind, notnull, _, pk in info}
        key = tuple(name for *_, pk, name in sorted((r[5], r[1]) for r in info if r[5]))
        if key:
            keys.add((table, key))
        for _, name, unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
            indexed = tuple(EXPRESSION if r[2] is None else r[2] for r in
                            conn.execute(f"PRAGMA index_xinfo({name})") if r[5])
            if origin == "c":
                indexes.add(Index(table, name, indexed, bool(unique), bool(partial)))
            elif origin == "u":
                uniques.add((table, indexed))
        links: dict[int, list[tuple[str, str, str]]] = {}
        for fk_id, _, target, source, to, *_ in conn.execute(
                f"PRAGMA foreign_key_list({table})"):
            links.setdefault(fk_id, []).append((target, source, to))
        for link in links.values():
            foreign.add(ForeignKey(table, tuple(s for _, s, _ in link), link[0][0],
                                   tuple(t for _, _, t in link)))
    return Schema(frozenset(columns), frozenset(indexes), frozenset(keys), frozenset(foreign),
                  frozenset(uniques))


_PG_COLUMNS = """
SELECT table_name, column_name, data_type, is_nullable = 'YES' FROM information_schema.columns
WHERE table_schema = current_schema()
"""
_PG_INDEXES = """
SELECT t.relname, ic.relname, i.indisunique, i.indpred IS NOT NULL,
  array(SELECT coalesce(a.attname, '(expression)') FROM unnest(i.indkey::int2[])
        WITH ORDINALITY AS k(attnum, n)
        LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relnamespace = current_schema()::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                  AND c.contype IN ('p', 'u'))
"""
_PG_CONSTRAINTS = """
SELECT c.contype::text, t.relname,
  array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n),
  r.relname,
  array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n)
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
LEFT JOIN pg_class r ON r.oid = c.confrelid
WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'f', 'u')
"""


async def postgres_schema(conn: asyncpg.Connection) -> Schema:
    columns = {Column(t, n, family(kind), nullable)
               for t, n, kind, nullable in await conn.fetch(_PG_COLUMNS)}
    indexes = {Index(t, n, tuple(cols), unique, partial)
               for t, n, unique, partial, cols in await conn.fetch(_PG_INDEXES)}
    keys, foreign, uniques = set(), set(), set()
    for kind, table, cols, target, to in await conn.fetch(_PG_CONSTRAINTS):
        if kind == "p":
            keys.add((table, tuple(cols)))
        elif kind == "u":
            uniques.add((table, tuple(cols)))
        else:
            foreign.add(ForeignKey(table, tuple(cols), target, tuple(to)))
    return Schema(frozenset(columns), frozenset(indexes), frozenset(keys), frozenset(foreign),
                  frozenset(uniques))
