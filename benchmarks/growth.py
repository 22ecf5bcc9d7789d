"""Growth: the engine with 1,000, 10,000 and 100,000 learners holding progress and awards
(seeded through the store), 1,000 of them active, each size measured in this run next to the
smallest; and the badge server's peak memory with the largest database, next to an empty one.

Events/s at the largest size should stay at least 0.9x the smallest (no statement reads a
table that grows: tests/test_query_plans.py); `questbot serve` stays under 300 MB.

    .venv/bin/python -m benchmarks.growth [--quick]   (full: 1,000, 10,000 and 100,000 learners)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.engine_throughput import questbot_run
from benchmarks.figures import FULL, QUICK, Figure, Scale
from questbot.domain import UserRef
from questbot.domain.changes import Change, CreateLearner, PutAward, PutEnrolment, PutStep
from questbot.domain.progress import AwardRecord, Enrolment, StepState
from questbot.ports import Store
from questbot.storage.sql.changes import apply_changes
from questbot.storage.sql.store import SqlStore

ROOT = Path(__file__).resolve().parent.parent
SEED_BATCH = 1000  # learners per transaction while seeding
ACTIVE = 1000
STEPS = (("python-basics", "say-hello"), ("python-basics", "quiz-1"),
         ("community-helper", "cheer-on"))


def sizes_for(scale: Scale) -> tuple[int, ...]:
    if scale.learners >= FULL.learners:
        return (1_000, 10_000, 100_000)
    if scale.learners >= QUICK.learners:
        return (1_000, 10_000)
    return (100, 300)


def _learner(n: int, when: datetime) -> list[Change]:
    learner_id = f"seed{n:07d}"
    changes: list[Change] = [
        CreateLearner(learner_id, UserRef("seed", str(n)), f"Learner {n}", when),
        PutEnrolment(learner_id, Enrolment("python-basics", "seed", when)),
        PutEnrolment(learner_id, Enrolment("community-helper", "seed", when)),
    ]
    changes += [PutStep(learner_id, StepState(quest, step, 1, when if k < 2 else None))
                for k, (quest, step) in enumerate(STEPS)]
    if n % 3 == 0:
        changes.append(PutAward(AwardRecord(
            f"award{n:07d}", learner_id, "python-basics", "seed", "badge", "Python Basics",
            when, {"reason": "seeded"})))
    return changes


def seeder(count: int) -> Callable[[Store], Awaitable[None]]:
    async def seed(store: Store) -> None:
        assert isinstance(store, SqlStore)
        when = datetime(2026, 1, 1, tzinfo=UTC)
        for first in range(0, count, SEED_BATCH):
            changes = [c for n in range(first, min(count, first + SEED_BATCH))
                       for c in _learner(n, when)]
            await store.write(apply_changes(changes))
    return seed


def _engine_at(folder: Path, size: int, scale: Scale) -> dict[str, float]:
    folder.mkdir(parents=True, exist_ok=True)
    result = asyncio.run(questbot_run(
        folder, min(ACTIVE, scale.learners), scale.events, pace_share=scale.pace_share,
        seconds=scale.paced_seconds, prepare=seeder(size)))
    result["database MB"] = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
    return result


def serve_peak_rss(data: Path) -> float:
    """MB: `questbot serve` on this data folder, after its pages were asked for."""
    port = 18000 + os.getpid() % 1000
    env = {**os.environ, "QUESTBOT_DATA_DIR": str(data), "QUESTBOT_PORT": str(port),
           "QUESTBOT_QUESTS_DIR": str(ROOT / "quests"), "QUESTBOT_CONFIG": "",
           "QUESTBOT_RELOAD_INTERVAL": "0"}
    with subprocess.Popen([sys.executable, "-m", "questbot", "serve"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        try:
            assert process.stdout is not None
            process.stdout.readline()  # "questbot: badge server on ..."
            for path in ("/healthz", "/", "/verify", "/.well-known/did.json"):
                _get(f"http://127.0.0.1:{port}{path}")
            time.sleep(1.0)  # the background work at start (badges to build) has run
            status = Path(f"/proc/{process.pid}/status").read_text()
            return next(int(line.split()[1]) for line in status.splitlines()
                        if line.startswith("VmHWM")) / 1024
        finally:
            process.terminate()
            process.wait(30)


def _get(url: str) -> None:
    for _ in range(20):
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                answer.read()
            return
        except urllib.error.HTTPError:
            return  # answered (a page this issuer does not have)
        except OSError:
            time.sleep(0.1)


def figures(scale: Scale = FULL) -> list[Figure]:
    sizes = sizes_for(scale)
    with tempfile.TemporaryDirectory() as tmp:
        runs = {size: _engine_at(Path(tmp) / str(size), size, scale)
                for size in sizes}
        smallest, largest = sizes[0], sizes[-1]
        empty = Path(tmp) / "empty"
        empty.mkdir()
        rss_empty = serve_peak_rss(empty)
        rss_largest = serve_peak_rss(Path(tmp) / str(largest))
    found: list[Figure] = []
    for size in sizes[1:]:
        found.append(Figure(f"engine events/s with {size:,} learners (vs {smallest:,})",
                            runs[size]["events/s"], runs[smallest]["events/s"], "events/s",
                            target_ratio=0.9))
    found.append(Figure(f"engine p99 with {largest:,} learners (vs {smallest:,})",
                        runs[largest]["p99 ms"], runs[smallest]["p99 ms"], "ms",
                        higher_is_better=False))
    found.append(Figure(f"database size with {largest:,} learners (vs {smallest:,})",
                        runs[largest]["database MB"], runs[smallest]["database MB"], "MB",
                        higher_is_better=False))
    found.append(Figure(f"questbot serve peak RSS with {largest:,} learners (vs empty)",
                        rss_largest, rss_empty, "MB", higher_is_better=False,
                        target_below=300.0))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for figure in figures(QUICK if args.quick else FULL):
        print(f"{figure.name}: {figure.value:.1f} {figure.unit} vs {figure.baseline:.1f}"
              f" ({figure.ratio:.2f}x, target {figure.target}, met {figure.met})")


if __name__ == "__main__":
    main()
