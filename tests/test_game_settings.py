"""The community file's game sections (streaks, reminders, quiet_hours, messages): valid
ones load, mistakes are reported at their file:line:column, and the schema is current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from questbot.catalog import load_catalog
from questbot.catalog.schema import file_json_schema_text
from tests.paths import ROOT

BASE = """\
schema_version: 1
kind: community
id: club
time_zone: Europe/London
"""
GOOD = BASE + """\
streaks:
  period: week
  warn_before: 1d
reminders:
  after: 2d
quiet_hours:
  from: "22:30"
  to: "07:00"
messages:
  min_chars: 12
  ignore_repeats: false
  similar: 0.85
  remember: 8
"""


def _load(tmp_path: Path, text: str) -> list[tuple[int | None, int | None, str, str]]:
    (tmp_path / "community.yaml").write_text(text, encoding="utf-8")
    report = load_catalog(tmp_path)
    return [(p.line, p.column, p.message, p.hint or "") for p in report.problems]


def test_every_game_section_loads(tmp_path: Path) -> None:
    assert _load(tmp_path, GOOD) == []
    spec = load_catalog(tmp_path).catalog.default_community.spec
    assert spec.streaks is not None and spec.streaks.period == "week"
    assert spec.streaks.warn_before == 86400
    assert spec.reminders is not None and spec.reminders.after == 2 * 86400
    assert spec.quiet_hours is not None and spec.quiet_hours.start == "22:30"
    assert spec.messages is not None and spec.messages.similar == 0.85


@pytest.mark.parametrize(("wrong", "right", "line", "column", "says"), [
    ("period: week", "period: month", 6, 11, "'day' or 'week'"),
    ("warn_before: 1d", "warn_before: 9d", 7, 16, "from 1h to 6d"),
    ("after: 2d", "after: 2 weeks", 9, 10, "duration"),
    ('from: "22:30"', 'from: "9pm"', 11, 9, "HH:MM"),
    ('to: "07:00"', 'to: "24:00"', 12, 7, "HH:MM"),
    ("similar: 0.85", "similar: 2", 16, 12, "less than or equal to 1"),
    ("min_chars: 12", "min_chars: -1", 14, 14, "greater than or equal to 0"),
    ("remember: 8", "remember: 500", 17, 13, "less than or equal to 20"),
])
def test_a_mistake_is_reported_at_its_line_and_column(
        tmp_path: Path, wrong: str, right: str, line: int, column: int, says: str) -> None:
    ((at_line, at_column, message, hint),) = _load(tmp_path, GOOD.replace(wrong, right))
    assert (at_line, at_column) == (line, column)
    assert says in message + " " + hint


def test_an_unknown_key_in_a_section_is_named(tmp_path: Path) -> None:
    ((line, column, message, _),) = _load(tmp_path, GOOD.replace("min_chars", "min_char"))
    assert (line, column) == (14, 3)
    assert "min_char" in message


def test_the_community_schema_is_current_and_knows_the_sections() -> None:
    path = ROOT / "questbot" / "assets" / "schema" / "community-v1.json"
    assert path.read_text(encoding="utf-8") == file_json_schema_text("community")
    properties = json.loads(path.read_text(encoding="utf-8"))["properties"]
    assert {"streaks", "reminders", "quiet_hours", "messages"} <= set(properties)
