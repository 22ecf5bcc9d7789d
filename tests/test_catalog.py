from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from questbot.catalog import load_catalog, load_quest_file, quest_json_schema_text
from questbot.catalog.schema import FILE_MODELS, file_json_schema_text, schema_file_name
from questbot.catalog.steps import STEP_KINDS
from questbot.domain.errors import CatalogError
from tests.conftest import QUESTS
from tests.paths import ASSETS

VALID = """\
schema_version: 1
id: demo
title: Demo
badge:
  name: Demo
  description: A demo badge.
  criteria: Do the demo.
steps:
  - id: talk
    kind: participation
    count: 2
  - id: check
    kind: quiz
    pass_mark: 0.5
    questions:
      - text: Pick b
        choices: [a, b]
        answer: b
milestones:
  - after: [talk]
    award: {name: Talker}
"""


def write(tmp_path: Path, text: str, name: str = "quest.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_quest_file(path)
    return [str(p) for p in caught.value.problems]


def test_the_sample_quests_load_and_use_every_step_kind() -> None:
    report = load_catalog(QUESTS)
    assert report.problems == []
    assert len(report.catalog) >= 3
    kinds = {step.kind for quest in report.catalog for step in quest.spec.steps}
    assert kinds == set(STEP_KINDS)  # a sample for every kind there is
    assert any(q.spec.milestones for q in report.catalog)


def test_a_valid_file_gets_a_version_and_an_implicit_badge_milestone(tmp_path: Path) -> None:
    quest = load_quest_file(write(tmp_path, VALID))
    assert len(quest.version) == 12
    assert [(m.id, m.badge_key) for m in quest.milestones] == [("talker", "talker"),
                                                               ("complete", "badge")]


@pytest.mark.parametrize(("change", "expected"), [
    (("  criteria: Do the demo.\n", "  criteria: Do the demo.\n  colour: red\n"),
     "quest.yaml:8:3: unknown field 'colour'"),
    (("kind: quiz", "kind: quizz"),
     "quest.yaml:13:11: unknown step kind 'quizz' (hint: did you mean 'quiz'?)"),
    (("    pass_mark: 0.5\n", ""), "quest.yaml:12:5: missing field 'steps[1].pass_mark'"),
    (("        choices: [a, b]\n        answer: b\n", "        answer: {pattern: '('}\n"),
     "quest.yaml:17:27: steps[1].questions[0].answer.pattern: invalid regular expression"),
    (("answer: b", "answer: c"),
     "quest.yaml:18:17: answer 'c' is not one of the choices"),
    (("id: check", "id: talk"), "quest.yaml:12:9: duplicate step id 'talk'"),
    (("after: [talk]", "after: [tlak]"),
     "quest.yaml:20:13: milestone names step 'tlak', which does not exist (hint: did you"
     " mean 'talk'?)"),
    (("    count: 2\n", "    count: 2\n    requires: [check]\n"),
     "quest.yaml:12:16: step 'talk' requires later step 'check'"),
    (("title: Demo", "title: Demo\ntitle: Again"), "quest.yaml:4:1: duplicate key 'title'"),
    (("badge:\n", "badge:\n  bad: [\n"), "quest.yaml:7:14: YAML syntax error"),
    (("schema_version: 1", "schema_version: 2"), "quest.yaml:1:17: schema_version: "),
])
def test_each_mistake_is_reported_at_its_line(tmp_path: Path, change: tuple[str, str],
                                              expected: str) -> None:
    assert change[0] in VALID
    path = write(tmp_path, VALID.replace(change[0], change[1], 1))
    problems = problems_of(path)
    file_name, detail = expected.split(":", 1)
    assert any(p == f"{tmp_path / file_name}:{detail}" or
               p.startswith(f"{tmp_path / file_name}:{detail}") for p in problems), problems


def test_a_window_that_closes_before_it_opens(tmp_path: Path) -> None:
    text = VALID + textwrap.dedent("""\
      extra: 1
    """).replace("extra: 1\n", "")
    text = text.replace("milestones:", """\
  - id: meet
    kind: attendance
    opens: 2026-12-01T20:00:00Z
    closes: 2026-12-01T18:00:00Z
milestones:""")
    problems = problems_of(write(tmp_path, text))
    assert any(":22:13:" in p and "closes before it opens" in p for p in problems), problems


def test_times_need_a_time_zone(tmp_path: Path) -> None:
    text = VALID.replace("milestones:", """\
  - id: meet
    kind: attendance
    opens: 2026-12-01T18:00:00
    closes: 2026-12-01T20:00:00Z
milestones:""")
    problems = problems_of(write(tmp_path, text))
    assert any("needs a time zone" in p for p in problems), problems


def test_not_a_mapping_and_not_utf8(tmp_path: Path) -> None:
    assert "must be a mapping" in problems_of(write(tmp_path, "- a\n- b\n"))[0]
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert "not UTF-8" in problems_of(binary)[0]


def test_duplicate_quest_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, VALID, "b.yaml")
    report = load_catalog(tmp_path)
    assert len(report.catalog) == 1
    assert any("quest id 'demo' is already used" in str(p) for p in report.problems)


def test_a_reload_keeps_the_last_good_version_of_a_broken_file(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    first = load_catalog(tmp_path)
    path.write_text(VALID.replace("kind: quiz", "kind: quizz"))
    second = load_catalog(tmp_path, first.catalog)
    assert second.kept_old == [str(path)]
    assert second.catalog.get("demo") is first.catalog.get("demo")
    path.write_text(VALID.replace("title: Demo", "title: Demo 2"))
    third = load_catalog(tmp_path, second.catalog)
    assert third.problems == []
    quest = third.catalog.get("demo")
    assert quest is not None and quest.title == "Demo 2"


def test_the_json_schema_describes_the_format_and_is_committed() -> None:
    text = quest_json_schema_text()
    schema = json.loads(text)
    assert "schema_version" in schema["required"]
    assert {"ParticipationStep", "QuizStep", "AttendanceStep"} <= set(schema["$defs"])
    committed = (ASSETS / "schema" / "quest-v1.json").read_text()
    assert committed == text, "run `make schema` to refresh questbot/assets/schema/quest-v1.json"


@pytest.mark.parametrize("kind", sorted(FILE_MODELS))
def test_every_kind_of_file_has_its_committed_schema(kind: str) -> None:
    committed = (ASSETS / "schema" / schema_file_name(kind)).read_text()
    assert committed == file_json_schema_text(kind), "run `make schema` to refresh it"
    assert json.loads(committed)["properties"]["kind"]
