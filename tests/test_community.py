"""Community files: where a community lives, its time zone, and the mistakes validate names."""

from __future__ import annotations

import textwrap
from pathlib import Path

from questbot.catalog import load_catalog
from questbot.domain.ids import ConversationRef
from tests.conftest import QUESTS

DEFAULT = """\
schema_version: 1
kind: community
id: everyone
time_zone: America/Toronto
"""

SERVER = """\
schema_version: 1
kind: community
id: guild
places: [discord:42, telegram:-100]
time_zone: Asia/Tokyo
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_each_place_finds_its_community_and_every_other_place_the_default(
        tmp_path: Path) -> None:
    _write(tmp_path, "everyone.yaml", DEFAULT)
    _write(tmp_path, "guild.yaml", SERVER)
    report = load_catalog(tmp_path)
    assert report.problems == []
    catalog = report.catalog
    in_guild = ConversationRef("discord", "channel-7", "general", False, community="42")
    elsewhere = ConversationRef("discord", "channel-8", "general", False, community="43")
    private = ConversationRef("telegram", "5", None, True)
    assert catalog.community_for(in_guild).id == "guild"
    assert str(catalog.community_for(in_guild).zone) == "Asia/Tokyo"
    assert catalog.community_for(elsewhere).id == "everyone"
    assert catalog.community_for(private).id == "everyone"


def test_without_a_community_file_the_built_in_default_counts_days_in_utc(
        tmp_path: Path) -> None:
    catalog = load_catalog(tmp_path).catalog
    community = catalog.community_for(ConversationRef("console", "general", "general", False))
    assert community.id == "default"
    assert str(community.zone) == "UTC"


def test_the_sample_folder_has_a_community_file_and_it_loads() -> None:
    report = load_catalog(QUESTS)
    assert report.problems == []
    assert report.catalog.default_community.id == "python-learners"


def test_a_wrong_time_zone_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.yaml", DEFAULT.replace("America/Toronto", "Europe/Londn"))
    problems = load_catalog(tmp_path).problems
    assert [(p.line, p.column) for p in problems] == [(4, 12)]
    assert "unknown time zone" in problems[0].message
    assert problems[0].path == str(path)


def test_an_unknown_kind_suggests_the_kind_meant(tmp_path: Path) -> None:
    _write(tmp_path, "c.yaml", DEFAULT.replace("kind: community", "kind: comunity"))
    (problem,) = load_catalog(tmp_path).problems
    assert (problem.line, problem.column) == (2, 7)
    assert "unknown file kind 'comunity'" in problem.message
    assert problem.hint is not None and "community" in problem.hint


def test_two_files_cannot_claim_one_place_or_both_be_the_default(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", SERVER)
    _write(tmp_path, "b.yaml", SERVER.replace("id: guild", "id: other").replace(
        "discord:42, ", ""))
    _write(tmp_path, "c.yaml", DEFAULT)
    _write(tmp_path, "d.yaml", DEFAULT.replace("id: everyone", "id: all"))
    messages = [p.message for p in load_catalog(tmp_path).problems]
    assert messages == ["place 'telegram:-100' already belongs to 'guild'",
                        "a second default community (a file that names no places)"]


def test_a_bad_place_is_an_error_with_an_example(tmp_path: Path) -> None:
    _write(tmp_path, "c.yaml", SERVER.replace("discord:42", "my server"))
    (problem,) = load_catalog(tmp_path).problems
    assert (problem.line, problem.column) == (4, 10)
    assert problem.hint is not None and "discord:" in problem.hint


def test_a_broken_community_file_keeps_its_last_good_version_on_reload(
        tmp_path: Path) -> None:
    path = _write(tmp_path, "c.yaml", DEFAULT)
    first = load_catalog(tmp_path).catalog
    path.write_text(DEFAULT.replace("America/Toronto", "Mars/Olympus"), encoding="utf-8")
    report = load_catalog(tmp_path, first)
    assert report.kept_old == [str(path)]
    assert str(report.catalog.default_community.zone) == "America/Toronto"
