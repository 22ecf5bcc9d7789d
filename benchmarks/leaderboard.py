"""Leaderboards with 100,000 learners: the top ten of a community's season, and the rank of
the learner at the very bottom (the most index entries to count), each as a ratio to a
primary-key read of one learner's total through the same store in the same run.

    .venv/bin/python -m benchmarks.leaderboard
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks.figures import FULL, Figure, Scale, format_table
from questbot.domain.ids import UserRef
from questbot.ports import BoardQuery
from questbot.storage import SqliteStore
from questbot.storage.sql.program import Program, sql

COMMUNITY, SEASON = "bench", "2026-12"
ROUNDS = 200
TOTAL = ("SELECT xp FROM xp_totals WHERE learner_id = $1 AND community_id = $2"
         " AND period = $3")


def learners_for(scale: Scale) -> int:
    return 100_000 if scale.learners >= 300 else 2_000  # the tiny scale is the tests' smoke


# Seeding writes through the store, set by set: a statement per table for all the learners
# (the engine's own path would take a minute here and measure nothing this file is about).
_NUMBERS = ("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)")
SEED = (
    f"INSERT INTO learners (learner_id, display_name, created_at) {_NUMBERS}"
    " SELECT printf('l%06d', i), 'Learner ' || i, '2026-12-03T00:00:00+00:00' FROM n",
    f"INSERT INTO accounts (platform, platform_user_id, learner_id) {_NUMBERS}"
    " SELECT 'bench', printf('l%06d', i), printf('l%06d', i) FROM n",
    # many ties, as real XP has; l000000 has the least and ranks last
    f"INSERT INTO xp_totals (learner_id, community_id, period, xp) {_NUMBERS}"
    " SELECT printf('l%06d', i), 'bench', p.period,"
    " CASE WHEN i = 0 THEN 1 ELSE 5 * (1 + (i * 7919) % 2000) END"
    " FROM n, (SELECT 'all' AS period UNION ALL SELECT '2026-12') p",
)


def _seed(learners: int) -> Program[None]:
    for text in SEED:
        yield sql(text, learners)


async def _timed(call: Callable[[], Awaitable[object]], rounds: int = ROUNDS) -> float:
    """The median of ``rounds`` calls, in milliseconds."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        await call()
        times.append(time.perf_counter() - began)
    return 1000 * statistics.median(times)


def _total(learner: str) -> Program[object]:
    return (yield sql(TOTAL, learner, COMMUNITY, SEASON)).value()


async def measure(folder: Path, learners: int) -> dict[str, float]:
    store = SqliteStore(folder / "board.sqlite3")
    await store.open()
    try:
        await store.write(_seed(learners))
        last = UserRef("bench", "l000000")
        board = await store.leaderboard(BoardQuery(COMMUNITY, SEASON, 10, last))
        assert len(board.top) == 10
        assert board.me is not None
        assert board.me.rank == learners
        return {
            "pk": await _timed(lambda: store.read(_total(f"l{learners // 2:06d}"))),
            "top": await _timed(lambda: store.leaderboard(BoardQuery(COMMUNITY, SEASON, 10))),
            "rank": await _timed(lambda: store.leaderboard(
                BoardQuery(COMMUNITY, SEASON, 10, last)), rounds=ROUNDS // 10),
        }
    finally:
        await store.close()


def figures(scale: Scale) -> list[Figure]:
    learners = learners_for(scale)
    with tempfile.TemporaryDirectory(prefix="questbot-board-") as tmp:
        measured = asyncio.run(measure(Path(tmp), learners))
    return [
        Figure(f"leaderboard top 10 of {learners:,} learners (vs a primary-key read)",
               measured["top"], measured["pk"], "ms", higher_is_better=False),
        Figure(f"top 10 and the last learner's rank of {learners:,} (vs a primary-key read)",
               measured["rank"], measured["pk"], "ms", higher_is_better=False),
    ]


if __name__ == "__main__":
    print(format_table(figures(FULL)))
