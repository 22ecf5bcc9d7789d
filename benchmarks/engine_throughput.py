"""Events per second and latency of the engine on SQLite, next to a plain aiosqlite baseline.

A realistic mix (participation, reactions, quiz starts and answers, check-ins, progress
queries) from many concurrent learners goes through QuestEngine.handle, each reply only after
its change is durable. The baseline, measured in the same run on the same disk with the same
durability settings, is the simplest correct loop: one read, one write and one commit per
event through aiosqlite.

The paced latency run goes at a share (50%) of the capacity the saturation run just measured,
so it means the same on a slower machine, and its p99 is reported next to the p99 of a raw
write-and-fdatasync probe on the same disk at the same pace (benchmarks/fsync_probe.py).

    .venv/bin/python -m benchmarks.engine_throughput [--learners 1000] [--events 10]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite
import asyncpg

from benchmarks.cpu import CpuReading
from benchmarks.figures import FULL, Figure, Scale
from benchmarks.fsync_probe import fsync_latencies
from questbot.app.tuning import tune_garbage_collector
from questbot.catalog import load_catalog
from questbot.domain import ConversationRef, Event, UserRef, parse_text
from questbot.domain.messages import React
from questbot.engine import EngineSettings, QuestEngine
from questbot.ports import Store
from questbot.storage import SqliteStore
from questbot.storage.postgres import PostgresStore

ROOT = Path(__file__).resolve().parent.parent
TUTOR = UserRef("bench", "tutor")
# One learner's session, repeated: mostly chat, some quiz, a check-in, progress looks.
SCRIPT = ("post", "post", "react", "progress", "quiz", "answer", "post", "answer", "checkin",
          "post", "answer", "progress", "post", "react", "answer", "post")

Handler = Callable[[int, int], Awaitable[None]]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def saturate(handle: Handler, learners: int, events: int) -> tuple[float, list[float]]:
    """Every learner sends its events back to back; returns events/s and latencies."""
    latencies: list[float] = []

    async def learner(n: int) -> None:
        for i in range(events):
            start = time.perf_counter()
            await handle(n, i)
            latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    await asyncio.gather(*(learner(n) for n in range(learners)))
    return learners * events / (time.perf_counter() - began), latencies


async def paced(handle: Handler, learners: int, rate: float, seconds: float) -> list[float]:
    """Events arrive at ``rate`` per second across the learners (open loop); latency counts
    from when each event was due, so queueing behind a slow one is not hidden."""
    total = int(rate * seconds)
    locks = [asyncio.Lock() for _ in range(learners)]
    counters = [itertools.count(10_000) for _ in range(learners)]
    latencies: list[float] = []
    began = time.perf_counter()

    async def one(k: int, due: float) -> None:
        n = k % learners
        async with locks[n]:
            await handle(n, next(counters[n]))
        latencies.append(time.perf_counter() - due)

    tasks = []
    for k in range(total):
        due = began + k / rate
        delay = due - time.perf_counter()
        if delay > 0.001:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(k, due)))
    await asyncio.gather(*tasks)
    return latencies


async def questbot_run(folder: Path, learners: int, events: int, *, pace_share: float = 0.5,
                       seconds: float = 3.0, rate: float | None = None,
                       postgres: str | None = None,
                       prepare: Callable[[Store], Awaitable[None]] | None = None,
                       shared_schema: str | None = None, prefix: str = "learner"
                       ) -> dict[str, float]:
    """Saturation, then a paced run at ``rate`` or else ``pace_share`` of the capacity;
    ``prepare`` fills the store first (the growth benchmark's idle learners)."""
    catalog = load_catalog(ROOT / "quests").catalog
    store, drop = await _open_store(folder, postgres, shared_schema)
    if prepare is not None:
        await prepare(store)
    engine = QuestEngine(store, catalog, EngineSettings(tutors=frozenset({TUTOR})))
    ids = itertools.count()

    async def send(user: UserRef, text: str | None, *, private: bool = False) -> str:
        command = React() if text is None else parse_text(text, user.platform)
        conversation = (ConversationRef("bench", f"dm-{user.user_id}") if private
                        else ConversationRef("bench", "general", "general", private=False))
        event = Event(f"{prefix}-{next(ids)}", user, conversation, command)
        replies = await engine.handle(event)
        return " ".join(getattr(r, "text", "") for r in replies)

    code_reply = await send(TUTOR, "/code python-basics", private=True)
    code = code_reply.split("): ")[1].split("\n")[0]
    users = [UserRef("bench", f"{prefix}{n}") for n in range(learners)]
    await asyncio.gather(*(send(u, "/join python-basics", private=True) for u in users))
    await asyncio.gather(*(send(u, "/join community-helper", private=True) for u in users))

    async def handle(n: int, i: int) -> None:
        user = users[n]
        match SCRIPT[i % len(SCRIPT)]:
            case "post":
                await send(user, f"message {i} from {n}")
            case "react":
                await send(user, None)
            case "progress":
                await send(user, "/progress", private=True)
            case "quiz":
                await send(user, "/quiz python-basics", private=True)
            case "answer":
                await send(user, "2", private=True)
            case _:
                await send(user, f"/checkin {code}", private=True)

    commits = store.writer if isinstance(store, SqliteStore) else store.batcher
    before = (commits.batches, commits.jobs)
    began = CpuReading.now()
    throughput, _ = await saturate(handle, learners, events)
    cpu = CpuReading.now().since(began)
    per_commit = (commits.jobs - before[1]) / max(1, commits.batches - before[0])
    pace = rate if rate is not None else pace_share * throughput
    latencies = await paced(handle, learners, pace, seconds)
    await store.close()
    await drop()
    return {"events/s": throughput, "paced events/s": pace,
            "p50 ms": 1000 * statistics.median(latencies),
            "p99 ms": 1000 * percentile(latencies, 0.99), "events per commit": per_commit,
            "own cpu ms per event": 1000 * cpu.own / (learners * events),
            "server cpu ms per event": (-1.0 if cpu.server is None
                                        else 1000 * cpu.server / (learners * events))}


async def _open_store(folder: Path, postgres: str | None, shared_schema: str | None
                      ) -> tuple[SqliteStore | PostgresStore, Callable[[], Awaitable[None]]]:
    """An open store, and what to do once it is closed (drop the schema this run made)."""
    async def nothing() -> None:
        return None

    if not postgres:
        store = SqliteStore(folder / "questbot.sqlite3")
        await store.open()
        return store, nothing
    schema = shared_schema or f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres)
    if shared_schema is None:  # else another process made it and drops it
        await admin.execute(f"CREATE SCHEMA {schema}")
    await admin.close()
    postgres_store = PostgresStore(postgres, min_size=10, max_size=20,
                                   server_settings={"search_path": schema})
    await postgres_store.open()

    async def drop() -> None:
        if shared_schema is None:
            conn = await asyncpg.connect(postgres)
            await conn.execute(f"DROP SCHEMA {schema} CASCADE")
            await conn.close()
    return postgres_store, drop


async def baseline_run(folder: Path, learners: int, events: int, *, pace_share: float = 0.8,
                       seconds: float = 3.0) -> dict[str, float]:
    """Saturation, then (unless ``seconds`` is 0) a run paced at a share of its capacity."""
    db = await aiosqlite.connect(folder / "baseline.sqlite3", isolation_level=None)
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = FULL")
    await db.execute("CREATE TABLE progress (learner TEXT PRIMARY KEY, count INTEGER)")
    lock = asyncio.Lock()  # one connection: its transactions must not interleave

    async def handle(n: int, i: int) -> None:
        async with lock:
            await db.execute("BEGIN")
            async with db.execute("SELECT count FROM progress WHERE learner = ?",
                                  (f"l{n}",)) as cursor:
                row = await cursor.fetchone()
            count = (row[0] if row else 0) + 1
            await db.execute("INSERT INTO progress VALUES (?, ?) ON CONFLICT (learner)"
                             " DO UPDATE SET count = excluded.count", (f"l{n}", count))
            await db.execute("COMMIT")

    throughput, _ = await saturate(handle, learners, events)
    latencies = (await paced(handle, learners, pace_share * throughput, seconds)
                 if seconds > 0 else [])
    await db.close()
    return {"events/s": throughput, "paced events/s": pace_share * throughput,
            "p50 ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
            "p99 ms": 1000 * percentile(latencies, 0.99) if latencies else float("nan"),
            "events per commit": 1.0}


async def measure(folder: Path, scale: Scale) -> tuple[dict[str, float], dict[str, float],
                                                       list[float]]:
    """Baseline capacity, the engine's capacity and paced latency, and the fsync probe at
    the engine's pace, all in ``folder`` (one disk), one after the other."""
    base = await baseline_run(folder, scale.learners, scale.events, seconds=0)
    ours = await questbot_run(folder, scale.learners, scale.events,
                              pace_share=scale.pace_share, seconds=scale.paced_seconds)
    probe = fsync_latencies(folder, ours["paced events/s"], scale.paced_seconds)
    return base, ours, probe


def figures(scale: Scale = FULL) -> list[Figure]:
    """The engine's figures, each next to a baseline from this run on this machine."""
    with tempfile.TemporaryDirectory() as tmp:
        base, ours, probe = asyncio.run(measure(Path(tmp), scale))
    share = f"{scale.pace_share:.0%}"
    return [
        Figure(f"engine events/s, {scale.learners} learners (vs aiosqlite)", ours["events/s"],
               base["events/s"], "events/s", target_ratio=4.0),
        Figure(f"engine p50 at {share} capacity (vs fsync probe)", ours["p50 ms"],
               1000 * statistics.median(probe), "ms", higher_is_better=False),
        Figure(f"engine p99 at {share} capacity (vs fsync probe)", ours["p99 ms"],
               1000 * percentile(probe, 0.99), "ms", higher_is_better=False,
               target_margin=10.0),
    ]


async def main() -> None:
    tune_garbage_collector()  # as `questbot run` and `serve` do once started
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=FULL.learners)
    parser.add_argument("--events", type=int, default=FULL.events,
                        help="per learner, saturation run")
    parser.add_argument("--pace", type=float, default=FULL.pace_share,
                        help="paced run at this share of the capacity just measured")
    parser.add_argument("--rate", type=float, help="paced run at a fixed events/s instead")
    parser.add_argument("--seconds", type=float, default=FULL.paced_seconds,
                        help="length of each paced run")
    parser.add_argument("--postgres", metavar="URL", help="also measure the PostgreSQL store "
                        "(e.g. postgresql://postgres@127.0.0.1:5432/test) at --postgres-rate")
    parser.add_argument("--postgres-rate", type=float, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = await baseline_run(folder, args.learners, args.events, seconds=args.seconds)
        ours = await questbot_run(folder, args.learners, args.events, pace_share=args.pace,
                                  seconds=args.seconds, rate=args.rate)
        probe = fsync_latencies(folder, ours["paced events/s"], args.seconds)
        theirs = (await questbot_run(folder, args.learners, args.events, seconds=args.seconds,
                                     rate=args.postgres_rate, postgres=args.postgres)
                  if args.postgres else None)
    print(f"{args.learners} concurrent learners, {args.learners * args.events} events per"
          f" saturation run; paced run at {ours['paced events/s']:.0f} events/s for questbot"
          f" (80% of its own capacity for the baseline)")
    print(f"{'':24}{'events/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'events/commit':>15}")
    rows = [("baseline (aiosqlite)", base), ("questbot engine", ours)]
    if theirs:
        rows.append(("questbot on PostgreSQL*", theirs))
    for name, row in rows:
        print(f"{name:24}{row['events/s']:>10.0f}{row['p50 ms']:>9.1f}{row['p99 ms']:>9.1f}"
              f"{row['events per commit']:>15.1f}")
    print(f"{'write + fdatasync probe':24}{'':>10}{1000 * statistics.median(probe):>9.2f}"
          f"{1000 * percentile(probe, 0.99):>9.2f}{1.0:>15.1f}")
    print(f"ratio: {ours['events/s'] / base['events/s']:.1f}x the baseline's events/s")
    if theirs:
        print(f"* paced at {args.postgres_rate:.0f} events/s; a commit per event, learners "
              "in parallel on a pool of 20 connections")


if __name__ == "__main__":
    asyncio.run(main())
