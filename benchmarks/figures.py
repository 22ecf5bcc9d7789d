"""Figures: a measurement next to its baseline from the same run, and how they are reported.

Every figure is a ratio to a baseline measured in the same run on the same machine, since
absolute times vary between machines. A target is either a ratio (the value is at least
``target_ratio`` times better than the baseline) or a margin (the value is at most
``target_margin`` units worse than the baseline, for latencies next to a disk's own).
"""

from __future__ import annotations

import json
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Scale:
    """How much work a run does: the quick mode is the same measurement, smaller."""

    learners: int  # concurrent learners driving the engine
    events: int  # events per learner in the saturation run
    paced_seconds: float  # length of the paced latency run
    badges: int  # credentials issued and verified per round
    pace_share: float = 0.5  # paced runs go at this share of the capacity just measured
    serve_seconds: float = 3.0  # each load run of the serving benchmark
    serve_rounds: int = 3  # interleaved rounds of it (the best is reported)
    serve_badges: int = 50  # badges whose paths the load cycles through
    serve_references: bool = True  # nginx and two workers besides the bare handler


FULL = Scale(learners=1000, events=10, paced_seconds=5.0, badges=300)
QUICK = Scale(learners=300, events=10, paced_seconds=3.0, badges=120, serve_seconds=1.0,
              serve_rounds=1, serve_badges=10)
TINY = Scale(learners=20, events=4, paced_seconds=0.5, badges=10,  # the test's smoke run
             serve_seconds=0.3, serve_rounds=1, serve_badges=3, serve_references=False)


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    baseline: float
    unit: str
    target_ratio: float | None = None
    higher_is_better: bool = True
    target_margin: float | None = None  # in ``unit``: how much worse than the baseline
    target_below: float | None = None  # in ``unit``: an absolute bound (a p99 under 25 ms)

    @property
    def ratio(self) -> float:
        """How many times better than the baseline (above 1 is better, either direction)."""
        better, worse = ((self.value, self.baseline) if self.higher_is_better
                         else (self.baseline, self.value))
        if worse == 0:
            return float("inf") if better > 0 else 1.0
        return better / worse

    @property
    def target(self) -> str:
        if self.target_below is not None:
            return f"< {self.target_below:g} {self.unit}"
        if self.target_margin is not None:
            sign = "-" if self.higher_is_better else "+"
            return f"baseline {sign}{self.target_margin:g} {self.unit}"
        if self.target_ratio is not None:
            return f">= {self.target_ratio:g}x"
        return "-"

    @property
    def met(self) -> bool | None:
        """None when the figure has no target (it is only reported)."""
        if self.target_below is not None:
            return self.value < self.target_below
        if self.target_margin is not None:
            if self.higher_is_better:
                return self.value >= self.baseline - self.target_margin
            return self.value <= self.baseline + self.target_margin
        if self.target_ratio is not None:
            return self.ratio >= self.target_ratio
        return None


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _met_text(met: bool | None) -> str:
    return "-" if met is None else ("yes" if met else "NO")


def format_table(figures: Sequence[Figure]) -> str:
    """One aligned table: figure, value, baseline, ratio, target, met."""
    header = ("figure", "value", "baseline", "ratio", "target", "met")
    rows = [(f.name, f"{_number(f.value)} {f.unit}", f"{_number(f.baseline)} {f.unit}",
             f"{f.ratio:.3g}x", f.target, _met_text(f.met)) for f in figures]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    left = {0, 4}  # text columns; numbers align right

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i in left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def to_json(figures: Sequence[Figure], *, mode: str, seconds: float) -> dict[str, object]:
    return {
        "mode": mode,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "figures": [{"name": f.name, "value": f.value, "baseline": f.baseline, "unit": f.unit,
                     "ratio": f.ratio, "target_ratio": f.target_ratio,
                     "target_margin": f.target_margin, "target_below": f.target_below,
                     "higher_is_better": f.higher_is_better,
                     "target": f.target, "met": f.met} for f in figures],
    }


def write_json(path: Path, document: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
