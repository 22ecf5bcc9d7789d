"""PostgreSQL: the engine's events/s with one process, and with two processes on one
database, next to the SQLite store in the same run. Each process drives its own learners
(the same event mix as benchmarks/engine_throughput.py); two processes start together and
their figures are added up. Without a reachable PostgreSQL the figures are left out.

    .venv/bin/python -m benchmarks.postgres_scale [--url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import asyncpg

from benchmarks.cpu import cores
from benchmarks.engine_throughput import questbot_run
from benchmarks.figures import FULL, Figure, Scale

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("QUESTBOT_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _reachable(url: str) -> bool:
    async def probe() -> bool:
        try:
            conn = await asyncpg.connect(url, timeout=3)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return False
        await conn.close()
        return True
    return asyncio.run(probe())


def _process(url: str, schema: str, prefix: str, scale: Scale) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.postgres_scale", "--worker", url, schema, prefix,
         str(scale.learners // 2), str(scale.events)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)


def _two_processes(url: str, scale: Scale) -> float:
    schema = f"bench_{uuid.uuid4().hex[:12]}"

    async def schema_made(create: bool) -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f"CREATE SCHEMA {schema}" if create
                               else f"DROP SCHEMA {schema} CASCADE")
        finally:
            await conn.close()

    asyncio.run(schema_made(True))
    try:  # one migrates, then both run
        asyncio.run(questbot_run(Path("."), 1, 1, seconds=0.1, postgres=url,
                                 shared_schema=schema, prefix="warm"))
        processes = [_process(url, schema, prefix, scale) for prefix in ("a", "b")]
        outputs = [p.communicate(timeout=600)[0] for p in processes]
        return sum(float(json.loads(out.strip().splitlines()[-1])["events/s"])
                   for out in outputs)
    finally:
        asyncio.run(schema_made(False))


def figures(scale: Scale = FULL) -> list[Figure]:
    if not _reachable(URL):
        print(f"postgres_scale: {URL} cannot be reached; its figures are left out",
              file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory() as tmp:
        lite = asyncio.run(questbot_run(Path(tmp), scale.learners, scale.events, seconds=0.5))
    one = asyncio.run(questbot_run(Path("."), scale.learners, scale.events, seconds=0.5,
                                   postgres=URL))
    two = _two_processes(URL, scale)
    found = [
        Figure("PostgreSQL events/s, one process (vs SQLite)", one["events/s"],
               lite["events/s"], "events/s", target_ratio=0.5),
        Figure("PostgreSQL events/s, two processes (vs one)", two, one["events/s"],
               "events/s", target_ratio=1.5),
    ]
    return found + _cpu_figures(one, lite)


def _cpu_figures(one: dict[str, float], lite: dict[str, float]) -> list[Figure]:
    """What an event costs the machine (questbot's process and the server's together), and so
    the most any number of processes could reach on this machine's cores: where one process
    already keeps them busy, a second has little left to take."""
    server = one["server cpu ms per event"]
    if server < 0:
        return []
    each = one["own cpu ms per event"] + server
    return [
        Figure("PostgreSQL CPU per event, questbot + server (vs SQLite's questbot)", each,
               lite["own cpu ms per event"], "ms", higher_is_better=False),
        Figure(f"PostgreSQL events/s the {cores()} cores allow at that cost (vs one process)",
               cores() * 1000 / each, one["events/s"], "events/s"),
    ]


def _worker(url: str, schema: str, prefix: str, learners: int, events: int) -> None:
    result = asyncio.run(questbot_run(Path("."), learners, events, seconds=0.5, postgres=url,
                                      shared_schema=schema, prefix=prefix))
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=5, metavar=("URL", "SCHEMA", "PREFIX", "N", "E"))
    args = parser.parse_args()
    if args.worker:
        url, schema, prefix, learners, events = args.worker
        _worker(url, schema, prefix, int(learners), int(events))
        return
    for figure in figures():
        print(f"{figure.name}: {figure.value:,.0f} vs {figure.baseline:,.0f} {figure.unit}"
              f" ({figure.ratio:.2f}x, target {figure.target})")


if __name__ == "__main__":
    main()
