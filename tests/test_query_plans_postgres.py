"""PostgreSQL's side of test_query_plans: no statement the engine, the outbox or maintenance
sends reads a whole table that grows with learners or with time. Every statement sent during
the same conversation is recorded with its parameters and explained with sequential scans
switched off, so a table read whole is one no index could serve (on tables this small the
planner would otherwise scan them all anyway)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest

from questbot.catalog import Catalog
from questbot.engine import EngineSettings
from questbot.storage.postgres import PostgresStore
from tests.postgres_schema import own_schema
from tests.requirements import POSTGRES_URL
from tests.test_query_plans import SKIPPED, SMALL, every_kind_of_work

FORGET_SCRUB = re.compile(r"WHERE strpos\(lower\((message|replies)\), ")
NOT_PLANNED = re.compile(r"^\s*(SET|SHOW|LOCK|INSERT INTO schema_version)", re.IGNORECASE)


def _seq_scans(plan: dict[str, Any]) -> Iterator[str]:
    if plan.get("Node Type") == "Seq Scan":
        yield str(plan.get("Relation Name"))
    for child in plan.get("Plans", ()):
        yield from _seq_scans(child)


async def test_every_statement_finds_its_rows_by_an_index(
        catalog: Catalog, settings: EngineSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: dict[str, tuple[Any, ...]] = {}
    create_pool = asyncpg.create_pool

    def recording_pool(*args: Any, **kwargs: Any) -> asyncpg.Pool:
        async def record(conn: asyncpg.Connection) -> None:
            conn.add_query_logger(lambda q: sent.setdefault(q.query, tuple(q.args)))
        return create_pool(*args, init=record, **kwargs)

    monkeypatch.setattr(asyncpg, "create_pool", recording_pool)
    async with own_schema("plans") as schema:
        store = PostgresStore(POSTGRES_URL, server_settings={"search_path": schema})
        await store.open()
        sent.clear()  # the migrations' statements run once, on an empty database
        try:
            await every_kind_of_work(store, catalog, settings)
        finally:
            await store.close()
        scans = await _explain(schema, sent)
    assert len(sent) > 40  # the conversation went through the store
    assert not scans, "\n".join(f"{tables}: {text}" for text, tables in scans.items())


async def _explain(schema: str, sent: dict[str, tuple[Any, ...]]) -> dict[str, list[str]]:
    conn = await asyncpg.connect(POSTGRES_URL, server_settings={
        "search_path": schema, "enable_seqscan": "off"})
    scans: dict[str, list[str]] = {}
    try:
        for text, args in sorted(sent.items()):
            if (SKIPPED.match(text) or NOT_PLANNED.match(text) or FORGET_SCRUB.search(text)
                    or ";" in text.strip().rstrip(";")):  # several: a migration's own
                continue
            found = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {text}", *args)
            whole = [t for t in _seq_scans(json.loads(found)[0]["Plan"]) if t not in SMALL]
            if whole:
                scans[text[:160]] = whole
    finally:
        await conn.close()
    return scans

