"""Every benchmark in one run: one table (figure, value, baseline, ratio, target, met) and the
same as JSON. Each figure is a ratio to a baseline measured in this run on this machine.

    .venv/bin/python -m benchmarks.suite [--quick] [--json PATH]

It reports and does not judge: the exit status is 0 when a target is missed, and 1 only when a
benchmark crashed (the others still run and are reported).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import (
    badge_issuing,
    engine_throughput,
    growth,
    leaderboard,
    postgres_scale,
    serving,
)
from benchmarks.figures import FULL, QUICK, TINY, Figure, Scale, format_table, to_json, write_json
from questbot.app.tuning import tune_garbage_collector

Benchmark = Callable[[Scale], list[Figure]]
BENCHMARKS: tuple[tuple[str, Benchmark], ...] = (
    ("engine_throughput", engine_throughput.figures),
    ("badge_issuing", badge_issuing.figures),
    ("serving", serving.figures),
    ("growth", growth.figures),
    ("postgres_scale", postgres_scale.figures),
    ("leaderboard", leaderboard.figures),
)
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"
SCALES = {"full": FULL, "quick": QUICK, "tiny": TINY}


def run(scale: Scale, benchmarks: Sequence[tuple[str, Benchmark]] = BENCHMARKS
        ) -> tuple[list[Figure], list[str]]:
    """The figures of every benchmark, and the names of those that crashed."""
    figures: list[Figure] = []
    crashed: list[str] = []
    for name, benchmark in benchmarks:
        try:
            figures.extend(benchmark(scale))
        except Exception:
            traceback.print_exc()
            crashed.append(name)
    return figures, crashed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, under two minutes")
    parser.add_argument("--scale", choices=sorted(SCALES), help="full, quick or tiny (tests)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="PATH")
    args = parser.parse_args(argv)
    mode = args.scale or ("quick" if args.quick else "full")
    tune_garbage_collector()  # as `questbot run` and `serve` do once started
    began = time.perf_counter()
    figures, crashed = run(SCALES[mode])
    seconds = time.perf_counter() - began
    print(format_table(figures))
    print(f"{mode} mode, {seconds:.0f} s; ratio: times better than the baseline measured in"
          " this run (above 1 is better)")
    document = to_json(figures, mode=mode, seconds=seconds)
    document["crashed"] = crashed
    write_json(args.json, document)
    print(f"written to {args.json}")
    if crashed:
        print(f"crashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
