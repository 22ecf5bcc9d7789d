"""The benchmark harness's own logic: ratios, targets, the table and the JSON. No timing is
asserted anywhere; the smoke run only checks that every figure came back with numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks import suite
from benchmarks.figures import TINY, Figure, format_table, to_json, write_json


def test_ratio_of_a_throughput_is_value_over_baseline() -> None:
    figure = Figure("events/s", 8000, 2000, "events/s", target_ratio=4.0)
    assert figure.ratio == 4.0
    assert figure.met is True


def test_ratio_of_a_latency_is_baseline_over_value() -> None:
    figure = Figure("p99", 4.0, 1.0, "ms", higher_is_better=False)
    assert figure.ratio == 0.25
    assert Figure("p99", 1.0, 4.0, "ms", higher_is_better=False).ratio == 4.0


def test_a_ratio_just_short_of_its_target_is_not_met() -> None:
    assert Figure("issue", 999, 100, "badges/s", target_ratio=10.0).met is False
    assert Figure("issue", 1000, 100, "badges/s", target_ratio=10.0).met is True


def test_a_margin_target_compares_differences_not_ratios() -> None:
    within = Figure("p99", 10.5, 0.6, "ms", higher_is_better=False, target_margin=10.0)
    beyond = Figure("p99", 10.7, 0.6, "ms", higher_is_better=False, target_margin=10.0)
    assert (within.met, beyond.met) == (True, False)
    assert within.target == "baseline +10 ms"


def test_a_bound_target_compares_the_value_alone() -> None:
    under = Figure("p99", 24.9, 60.0, "ms", higher_is_better=False, target_below=25.0)
    over = Figure("p99", 25.0, 10.0, "ms", higher_is_better=False, target_below=25.0)
    assert (under.met, over.met, under.target) == (True, False, "< 25 ms")


def test_a_figure_without_a_target_is_only_reported() -> None:
    figure = Figure("service", 600, 200, "badges/s")
    assert figure.met is None
    assert figure.target == "-"


def test_a_zero_baseline_does_not_divide_by_zero() -> None:
    assert math.isinf(Figure("x", 1, 0, "ms").ratio)
    assert Figure("x", 0, 0, "ms").ratio == 1.0


def test_the_table_has_a_header_and_one_aligned_row_per_figure() -> None:
    figures = [Figure("engine events/s", 12_345.6, 2_000, "events/s", target_ratio=4.0),
               Figure("p99", 3.5, 0.25, "ms", higher_is_better=False, target_margin=10.0),
               Figure("unbake + verify", 1_100, 185, "badges/s", target_ratio=10.0)]
    lines = format_table(figures).splitlines()
    assert lines[0].split() == ["figure", "value", "baseline", "ratio", "target", "met"]
    assert len(lines) == 2 + len(figures)
    assert "12,346 events/s" in lines[2]
    assert "6.17x" in lines[2]
    assert lines[2].endswith("yes")
    assert lines[3].endswith("yes")
    assert lines[4].endswith("NO")
    # the value column ends at the same place on every row (numbers align right)
    ends = {line.index(value) + len(value) for line, value in
            zip(lines[2:], ("12,346 events/s", "3.50 ms", "1,100 badges/s"), strict=True)}
    assert len(ends) == 1


def test_the_json_carries_every_field_of_every_figure(tmp_path: Path) -> None:
    figures = [Figure("a", 10, 2, "events/s", target_ratio=4.0),
               Figure("b", 3, 1, "ms", higher_is_better=False, target_margin=10.0)]
    path = tmp_path / "results" / "latest.json"
    write_json(path, to_json(figures, mode="quick", seconds=12.34))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["mode"] == "quick"
    assert document["seconds"] == 12.3
    assert [f["name"] for f in document["figures"]] == ["a", "b"]
    first, second = document["figures"]
    assert first == {"name": "a", "value": 10, "baseline": 2, "unit": "events/s", "ratio": 5.0,
                     "target_ratio": 4.0, "target_margin": None, "target_below": None,
                     "higher_is_better": True,
                     "target": ">= 4x", "met": True}
    assert second["met"] is True
    assert second["ratio"] == pytest.approx(1 / 3)


def test_a_crashing_benchmark_is_reported_and_the_others_still_run() -> None:
    def broken(_: object) -> list[Figure]:
        raise RuntimeError("boom")

    def fine(_: object) -> list[Figure]:
        return [Figure("ok", 2, 1, "x")]

    figures, crashed = suite.run(TINY, [("broken", broken), ("fine", fine)])
    assert [f.name for f in figures] == ["ok"]
    assert crashed == ["broken"]


@pytest.mark.timeout(240)  # it starts servers in processes of their own
def test_the_smallest_suite_writes_every_figure_with_positive_numbers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latest.json"
    assert suite.main(["--scale", "tiny", "--json", str(path)]) == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    names = [f["name"] for f in document["figures"]]
    # every benchmark of the suite reports: the engine's, the badges', serving's, growth's
    assert any(n.startswith("engine events/s, ") for n in names)
    assert any(n.startswith("unbake + verify") for n in names)
    assert any(n.startswith("questbot serve peak RSS") for n in names)
    assert sum("bare aiohttp" in n for n in names) >= 7  # serving: the 7 routes at least
    assert any(n.startswith("leaderboard") for n in names)
    assert len(set(names)) == len(names)
    for figure in document["figures"]:
        assert figure["value"] > 0, figure
        assert figure["baseline"] > 0, figure
        assert figure["ratio"] > 0, figure
    assert document["crashed"] == []
    assert "figure" in capsys.readouterr().out
