"""Every webhook statement finds its rows by an index (SQLite's query plans): none scans a
table that grows. (The list of endpoints, not here, reads that whole table, which admins fill
by hand and which holds at most ``admin.MAX_ENDPOINTS`` rows.)"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from questbot.storage import SqliteStore
from questbot.storage.sql import webhooks
from questbot.storage.sql.dialect import Dialect, Text

STATEMENTS: dict[str, Text] = {
    "RAISE": webhooks.RAISE, "RAISE_FOR_AWARD": webhooks.RAISE_FOR_AWARD,
    "FAN_OUT": webhooks.FAN_OUT, "GET": webhooks.GET, "ENABLE": webhooks.ENABLE,
    "DISABLE": webhooks.DISABLE, "REMOVE_ENDPOINT": webhooks.REMOVE_ENDPOINT,
    "CLAIM": webhooks.CLAIM, "HEAD": webhooks.HEAD, "FIX_BODY": webhooks.FIX_BODY,
    "BODY": webhooks.BODY, "DELIVERED": webhooks.DELIVERED, "FAILED": webhooks.FAILED,
    "HEALTHY": webhooks.HEALTHY, "FAILING": webhooks.FAILING, "LATER": webhooks.LATER,
    "LOG_ONE": webhooks.LOG.format(where=" WHERE endpoint_id = $1", limit=50),
    "LOG_ALL": webhooks.LOG.format(where="", limit=50),
    **{f"REMOVE_{n}": text for n, text in enumerate(webhooks.REMOVE)},
    **{f"PRUNE_{n}": text for n, text in enumerate(webhooks.PRUNE)},
}


@pytest.mark.parametrize("name", sorted(STATEMENTS))
async def test_each_webhook_statement_uses_an_index(tmp_path: Path, name: str) -> None:
    store = SqliteStore(tmp_path / "q.sqlite3")
    await store.open()
    await store.close()
    text = Dialect.SQLITE.render(STATEMENTS[name])
    count = max((int(n) for n in re.findall(r"\?(\d+)", text)), default=0)
    with sqlite3.connect(tmp_path / "q.sqlite3") as conn:
        plan = " | ".join(str(row[3]) for row in conn.execute(
            "EXPLAIN QUERY PLAN " + text, tuple("x" for _ in range(count))))
    scans = [step for step in plan.split(" | ") if step.startswith("SCAN")
             and "USING" not in step and step != "SCAN CONSTANT ROW"]
    if name == "LOG_ALL":  # the newest attempts, backwards along the primary key: LIMIT rows
        assert scans == ["SCAN webhook_attempts"] and "TEMP B-TREE" not in plan, plan
        return
    assert scans == [], plan
