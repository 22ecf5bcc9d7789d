"""Hostile or absurd quest files are refused with a location, in bounded time and memory, and
never keep the other files from loading, at start-up or on a hot reload."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from questbot.app.library import QuestLibrary
from questbot.catalog import checks, load_catalog, load_quest_file, loader
from questbot.catalog.source import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_SCALAR_CHARS,
)
from questbot.domain.errors import CatalogError
from tests.conftest import QUESTS
from tests.test_catalog import VALID

MEMORY_BUDGET = 64 * 1024 * 1024  # what the Python heap may grow by while one file is read
TIME_BUDGET = 10.0  # seconds; generous for a busy CI machine, each case takes well under 2


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join(lines) + "\n"


HOSTILE: dict[str, tuple[str | bytes, str]] = {
    "billion laughs": (billion_laughs(), f"more than {MAX_NODES:,} YAML values"),
    "laughs as merge keys": (
        "a: &a {x: 1, y: 2, z: 3, w: 4, v: 5, u: 6, t: 7, s: 8, r: 9, q: 10}\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join(
            [f"{{<<: *{chr(97 + i)}}}"] * 10) + "]\n" for i in range(8)),
        "YAML values"),
    "deep block nesting": ("".join("  " * i + "k:\n" for i in range(200)),
                           f"nest more than {MAX_DEPTH} deep"),
    "deep flow nesting": ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "nest"),
    "huge scalar": ("title: " + "x" * (MAX_FILE_BYTES - 100) + "\n",
                    f"longer than {MAX_SCALAR_CHARS:,} characters"),
    "huge key": ("x" * (MAX_SCALAR_CHARS + 1) + ": 1\n", "longer than"),
    "too large": ("# " + "x" * MAX_FILE_BYTES + "\n", "larger than 1 MiB"),
    "many values": ("a: [" + ",".join(["1"] * 300_000) + "]\n", "YAML values"),
    "many aliases": ("a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n",
                     f"more than {MAX_ALIASES:,} aliases"),
    "recursive alias": ("a: &a [1, *a]\n", "inside the value it repeats"),
    "unknown alias": ("a: *nowhere\n", "names no anchor"),
    "anchor twice": ("a: &x 1\nb: &x 2\n", "defined twice"),
    "collection as key": ("? [a, b]\n: c\n", "a key must be plain text"),
    "alias to a collection as key": ("a: &a [1]\n? *a\n: c\n", "a key must be plain text"),
    "two documents": ("a: 1\n---\nb: 2\n", "holds one YAML document"),
    "NUL character": ("a: b\nc: d\x00\n", "character U+0000 is not allowed"),
    "not UTF-8": (b"a: b\nc: \xff\n", "not UTF-8"),
    "thirteenth month": ("opens: 2026-13-45\n", "month must be in 1..12"),
    "offset of days": ("opens: 2026-12-01T18:00:00+99:00\n", "cannot read this time"),
    "integer of 9,000 digits": ("xp: " + "9" * 9000 + "\n", "too many digits"),
    "python object tag": ("a: !!python/object:os.system ls\n", "YAML value error"),
    "syntax error": ("a: [\n", "YAML syntax error"),
}


@pytest.fixture
def measured() -> Iterator[list[float]]:
    """Starts tracing allocations; yields a list the test fills with its duration."""
    tracemalloc.start()
    figures: list[float] = []
    try:
        yield figures
        _, peak = tracemalloc.get_traced_memory()
        assert peak < MEMORY_BUDGET, f"peak {peak / 1e6:.1f} MB"
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_yaml_is_refused_at_a_location_in_bounded_time_and_memory(
        tmp_path: Path, case: str, measured: list[float]) -> None:
    content, expected = HOSTILE[case]
    path = tmp_path / "hostile.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    started = time.perf_counter()
    with pytest.raises(CatalogError) as caught:
        load_quest_file(path)
    took = time.perf_counter() - started
    assert took < TIME_BUDGET
    problems = caught.value.problems
    assert problems and all(p.path == str(path) and p.line >= 1 and p.column >= 1
                            for p in problems)
    assert any(expected in str(p) for p in problems), problems


def test_where_the_refusal_points(tmp_path: Path) -> None:
    def first(text: str | bytes) -> str:
        path = tmp_path / "at.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        with pytest.raises(CatalogError) as caught:
            load_quest_file(path)
        return str(caught.value.problems[0]).removeprefix(f"{path}:")

    assert first(billion_laughs()).startswith("5:")  # the alias that crosses the limit
    assert first("".join("  " * i + "k:\n" for i in range(40))).startswith(f"{MAX_DEPTH + 1}:")
    assert first("a: 1\nb: x\x07y\n").startswith("2:5: character U+0007")
    assert first("a: 1\nb: 'é".encode() + b"\xff'\n").startswith("2:6: file is not UTF-8")
    assert first("a: 1\nb: [1, *c]\n").startswith("2:8: alias '*c' names no anchor")


def test_aliases_that_stay_small_are_fine(tmp_path: Path) -> None:
    text = VALID.replace("  - id: talk\n", "  - &talk\n    id: talk\n", 1).replace(
        "badge:\n", "x-note: &note A demo badge.\nbadge:\n", 1)
    path = tmp_path / "quest.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError) as caught:  # unknown field: the alias itself is fine
        load_quest_file(path)
    assert "unknown field 'x-note'" in str(caught.value)
    path.write_text(VALID.replace("  description: A demo badge.\n",
                                  "  description: &d A demo badge.\n", 1).replace(
        "  criteria: Do the demo.\n", "  criteria: *d\n", 1))
    assert load_quest_file(path).spec.badge.criteria == "A demo badge."


# --- absurd values -------------------------------------------------------------------------

ABSURD = [
    (("  criteria: Do the demo.\n",
      "  criteria: Do the demo.\n  expires_after: 100000000000000000000d\n"),
     "8:18: badge.expires_after: expected a duration from 1h to 3650d (hint: the longest "
     "allowed is 3650d)"),
    (("    count: 2\n", "    count: 1000000000\n"),
     "11:12: steps[0].count: expected less than or equal to 10000 (hint: larger values are "
     "refused as mistakes; the largest is 10000)"),
    (("    pass_mark: 0.5\n", "    pass_mark: 1.5\n"), "14:16: steps[1].pass_mark: expected less"),
    (("    pass_mark: 0.5\n", "    pass_mark: 0\n"),
     "14:16: steps[1].pass_mark: expected greater than 0 (hint: the smallest is 0 (exclusive))"),
    (("    pass_mark: 0.5\n", "    pass_mark: .nan\n"), "14:16: steps[1].pass_mark: "),
    (("    pass_mark: 0.5\n", "    pass_mark: 0.5\n    attempts: 1000000000\n"),
     "15:15: steps[1].attempts: expected less than or equal to 100 (hint:"),
    (("    pass_mark: 0.5\n", "    pass_mark: 0.5\n    cooldown: 20y\n"),
     "15:15: steps[1].cooldown: expected a duration such as 90, 90s, 10m, 2h or 1d (hint:"),
    (("    pass_mark: 0.5\n", "    pass_mark: 0.5\n    cooldown: 366d\n"),
     "15:15: steps[1].cooldown: expected a duration from 0s to 365d (hint: the longest"),
    (("    pass_mark: 0.5\n", "    pass_mark: 0.5\n    time_limit: 0\n"),
     "15:17: steps[1].time_limit: expected a duration from 5s to 1d (hint: the shortest"),
    (("    pass_mark: 0.5\n", "    pass_mark: 0.5\n    time_limit: " + "9" * 5000 + "\n"),
     "15:17: YAML value error: this number has too many digits"),
    (("  - after: [talk]\n", "  - after: [talk]\n    xp: 1000000000000000000\n"),
     "21:9: milestones[0].xp: expected less than or equal to 1000000 (hint:"),
    (("  - after: [talk]\n", "  - after: [talk]\n    xp: -5\n"),
     "21:9: milestones[0].xp: expected greater than or equal to 0 (hint: the smallest is 0)"),
]

ATTENDANCE = """\
  - id: meet
    kind: attendance
    opens: {opens}
    closes: {closes}
    rotate_every: {rotate}
    code_length: {length}
milestones:"""


@pytest.mark.parametrize(("change", "expected"), ABSURD)
def test_absurd_values_are_refused_with_a_hint(tmp_path: Path, change: tuple[str, str],
                                               expected: str) -> None:
    assert change[0] in VALID
    path = tmp_path / "quest.yaml"
    path.write_text(VALID.replace(*change, 1))
    with pytest.raises(CatalogError) as caught:
        load_quest_file(path)
    problems = [str(p).removeprefix(f"{path}:") for p in caught.value.problems]
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize(("values", "expected"), [
    ({"opens": "9999-12-01T18:00:00Z"}, "21:12: steps[2].opens: expected a time between 1970 "
                                        "and 2099 (hint: check the year (9999)"),
    ({"closes": "1960-12-01T18:00:00Z"}, "22:13: steps[2].closes: expected a time between"),
    ({"rotate": "1s"}, "23:19: steps[2].rotate_every: expected a duration from 10s to 1d"),
    ({"rotate": "400000000000000d"}, "23:19: steps[2].rotate_every: expected a duration"),
    ({"length": "1000"}, "24:18: steps[2].code_length: expected less than or equal to 10"),
])
def test_absurd_attendance_values(tmp_path: Path, values: dict[str, str],
                                  expected: str) -> None:
    fields = {"opens": "2026-12-01T18:00:00Z", "closes": "2026-12-01T20:00:00Z",
              "rotate": "5m", "length": "6"} | values
    path = tmp_path / "quest.yaml"
    path.write_text(VALID.replace("milestones:", ATTENDANCE.format(**fields), 1))
    with pytest.raises(CatalogError) as caught:
        load_quest_file(path)
    problems = [str(p).removeprefix(f"{path}:") for p in caught.value.problems]
    assert any(p.startswith(expected) for p in problems), problems


def test_a_file_wrong_everywhere_reports_its_first_fifty_problems(tmp_path: Path) -> None:
    tags = "".join(f"    - {'t' * 300}\n" for _ in range(40))
    steps = "".join(f"  - {{id: s{i}, kind: participation, count: 0}}\n" for i in range(150))
    path = tmp_path / "quest.yaml"
    path.write_text(VALID.replace("  criteria: Do the demo.\n",
                                  f"  criteria: Do the demo.\n  tags:\n{tags}", 1)
                    .replace("steps:\n", f"steps:\n{steps}", 1))
    started = time.perf_counter()
    with pytest.raises(CatalogError) as caught:
        load_quest_file(path)
    assert time.perf_counter() - started < TIME_BUDGET
    assert len(caught.value.problems) == 50


# --- one broken file never holds up the others ---------------------------------------------

SAMPLE_IDS = sorted(q.id for q in load_catalog(QUESTS).catalog)


def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "quests"
    shutil.copytree(QUESTS, folder)
    for number, (content, _) in enumerate(HOSTILE.values()):
        path = folder / "broken" / f"hostile-{number:02}.yaml"
        path.parent.mkdir(exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return folder


def test_broken_files_never_keep_the_good_ones_from_loading(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    started = time.perf_counter()
    report = load_catalog(folder)
    took = time.perf_counter() - started
    assert sorted(q.id for q in report.catalog) == SAMPLE_IDS
    broken = {p.path for p in report.problems}
    assert len(broken) == len(HOSTILE)
    assert all(p.line >= 1 and p.column >= 1 for p in report.problems)
    assert took < 3 * TIME_BUDGET, f"{took:.1f} s for {len(HOSTILE)} hostile files"


def test_start_up_with_hostile_files_does_not_hang(tmp_path: Path) -> None:
    library = QuestLibrary(hostile_folder(tmp_path))
    started = time.perf_counter()
    report = library.load()
    assert time.perf_counter() - started < 3 * TIME_BUDGET
    assert len(library.catalog) == len(SAMPLE_IDS)
    assert report.problems


async def test_a_hot_reload_applies_good_files_despite_hostile_ones(tmp_path: Path) -> None:
    folder = tmp_path / "quests"
    shutil.copytree(QUESTS, folder)
    library = QuestLibrary(folder)
    library.load()
    seen: list[int] = []
    library.subscribe(lambda catalog: seen.append(len(catalog)))

    (folder / "laughs.yaml").write_text(billion_laughs())
    (folder / "deep.yaml").write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    good = folder / "python-basics.yaml"
    good.write_text(good.read_text().replace("en: Python Basics", "en: Python Basics II",
                                             1))
    (folder / "new.yaml").write_text(VALID)
    assert library.changed()
    report = await library.reload()

    quest = library.catalog.get("python-basics")
    assert quest is not None and quest.title == "Python Basics II"
    assert library.catalog.get("demo") is not None
    assert {Path(p.path).name for p in report.problems} == {"laughs.yaml", "deep.yaml"}
    assert seen == [len(SAMPLE_IDS) + 1]  # the samples and the new one


async def test_a_loader_bug_in_one_file_is_reported_and_the_rest_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: the fuzz tests find no exception but CatalogError; should one slip
    through, it becomes a located problem for that file only."""
    folder = tmp_path / "quests"
    shutil.copytree(QUESTS, folder)
    real = checks.cross_check

    def flaky(path: Path, *args: object) -> object:
        if path.name == "git-workshop.yaml":
            raise RuntimeError("boom")
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "cross_check", flaky)
    report = await QuestLibrary(folder).reload()
    assert sorted(q.id for q in report.catalog) == [
        quest for quest in SAMPLE_IDS if quest != "git-workshop"]
    [problem] = [p for p in report.problems if p.path.endswith("git-workshop.yaml")]
    assert "RuntimeError: boom" in str(problem)
    # the sample pathway is built from its badge: reported too, and left out
    [pathway] = [p for p in report.problems if p.path.endswith("junior-python-developer.yaml")]
    assert "unknown badge 'git-workshop'" in str(pathway)
    assert len(report.problems) == 2
