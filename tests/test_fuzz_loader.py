"""Property-based fuzzing of the quest loader: whatever a file holds, loading it either gives
a quest or raises CatalogError whose every problem points into that file (line and column);
never another exception. The documents come from arbitrary bytes, YAML-shaped noise, and a
strategy that mirrors the quest schema (which must load as it is) with random mutations."""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from questbot.catalog import Quest, load_catalog, load_quest_file
from questbot.domain.errors import CatalogError, Problem
from tests.test_catalog import VALID

# 150 examples a property keeps the file under 30 s; QUESTBOT_FUZZ_EXAMPLES=5000 for a long run.
EXAMPLES = int(os.environ.get("QUESTBOT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def load(folder: Path, content: bytes | str) -> Quest | list[Problem]:
    """Load one file; assert the only failure is a CatalogError located in that file."""
    path = folder / "fuzz.yaml"
    raw = content.encode("utf-8", errors="surrogatepass") if isinstance(content, str) \
        else content
    path.write_bytes(raw)
    try:
        quest = load_quest_file(path)
    except CatalogError as exc:
        problems = exc.problems
    else:
        event("loaded")
        return quest
    assert problems, "a CatalogError names at least one problem"
    event(re.sub(r"'.*|U\+\w+|\[\d+\]", "", problems[0].message.split(":")[0])[:40])
    lines = raw.count(b"\n") + raw.count(b"\r") + 2
    for problem in problems:
        assert problem.path == str(path)
        assert 1 <= problem.line <= lines, (problem, lines)
        assert problem.column >= 1
        assert problem.message
        assert str(problem).startswith(f"{path}:{problem.line}:{problem.column}: ")
    return problems


# --- noise ----------------------------------------------------------------------------------

@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(folder: Path, content: bytes) -> None:
    load(folder, content)


YAML_ALPHABET = string.ascii_letters[:8] + string.digits[:4] + " \t\n\r:-?[]{},&*!|>'\"#%@`~.<=\\"
yaml_noise = st.text(alphabet=YAML_ALPHABET, max_size=400)


@FUZZ
@given(yaml_noise)
def test_yaml_shaped_noise(folder: Path, content: str) -> None:
    load(folder, content)


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_unicode(folder: Path, content: str) -> None:
    load(folder, content)


# --- documents that mirror the schema ------------------------------------------------------

slugs = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=30).map(str.strip).filter(bool)
durations = st.one_of(st.integers(5, 3600), st.sampled_from(["90", "90s", "10m", "2h", "1d"]))
moments = st.datetimes(datetime(2000, 1, 1), datetime(2090, 1, 1), timezones=st.just(UTC))
patterns = st.sampled_from(["^def$", "^(a+)+$", r"^\s*git\s+commit", r"^\pL+$", "yes|y",
                            "[0-9]{1,3}"])


@st.composite
def choice_questions(draw: st.DrawFn) -> dict[str, Any]:
    choices = draw(st.lists(texts, min_size=2, max_size=4, unique_by=str.casefold))
    return {"text": draw(texts), "choices": choices, "answer": draw(st.sampled_from(choices))}


questions = st.one_of(
    choice_questions(),
    st.fixed_dictionaries({"text": texts, "answer": st.booleans()}),
    st.fixed_dictionaries({"text": texts, "answer": st.one_of(
        texts.filter(lambda s: s.lower() not in ("true", "false", "yes", "no", "on", "off")),
        st.lists(texts, min_size=1, max_size=3),
        st.fixed_dictionaries({"pattern": patterns},
                              optional={"case_sensitive": st.booleans()}))}),
)


@st.composite
def attendance_steps(draw: st.DrawFn) -> dict[str, Any]:
    opens = draw(moments)
    step: dict[str, Any] = {"kind": "attendance", "opens": opens,
                            "closes": opens + timedelta(minutes=draw(st.integers(1, 600)))}
    if draw(st.booleans()):
        step["rotate_every"] = draw(st.sampled_from(["30s", "5m", 600]))
    return step


steps = st.one_of(
    st.fixed_dictionaries({"kind": st.just("participation")}, optional={
        "action": st.sampled_from(["message", "reaction", "grant"]),
        "count": st.integers(1, 10_000), "channel": slugs, "title": texts}),
    st.fixed_dictionaries({"kind": st.just("quiz"), "pass_mark": st.floats(0.01, 1),
                           "questions": st.lists(questions, min_size=1, max_size=4)},
                          optional={"attempts": st.integers(1, 100), "cooldown": durations,
                                    "time_limit": durations}),
    attendance_steps(),
)


@st.composite
def quests(draw: st.DrawFn) -> dict[str, Any]:
    drawn = draw(st.lists(steps, min_size=1, max_size=5))
    ids = [f"step-{n}" for n in range(len(drawn))]
    for n, step in enumerate(drawn):
        step["id"] = ids[n]
        if n and draw(st.booleans()):
            step["requires"] = draw(st.lists(st.sampled_from(ids[:n]), max_size=2, unique=True))
    badge: dict[str, Any] = {"name": draw(texts), "description": draw(texts),
                             "criteria": draw(texts)}
    if draw(st.booleans()):
        badge["tags"] = draw(st.lists(texts, max_size=3))
    if draw(st.booleans()):
        badge["expires_after"] = draw(st.sampled_from(["730d", "1h", 86400]))
    milestones: list[dict[str, Any]] = [{"id": f"m{n}", "after": draw(st.one_of(
        st.just("all"), st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))),
        "xp": draw(st.integers(0, 1_000_000))} for n in range(draw(st.integers(0, 3)))]
    for milestone in milestones:
        milestone["award"] = draw(st.one_of(st.none(), st.fixed_dictionaries({"name": texts})))
    quest_badge_milestone = draw(st.booleans())
    if milestones and quest_badge_milestone:
        milestones[-1]["award"] = "badge"
    return {"schema_version": 1, "id": draw(slugs), "title": draw(texts), "badge": badge,
            "steps": drawn, "milestones": milestones}


def dump(document: Any) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@FUZZ
@given(quests())
def test_documents_built_from_the_schema_load(folder: Path, document: dict[str, Any]) -> None:
    outcome = load(folder, dump(document))
    assert isinstance(outcome, Quest), outcome


# Values a mutation may put anywhere: wrong types, absurd sizes, odd floats, deep structure.
wild = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30),
              st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=50),
              st.sampled_from(["", "all", "badge", "quiz", "9999-12-31T23:59:59Z", "1e400",
                               "10000000000000000000000d", "(a)\\1", "(?=a)", "(.*){999}"]),
              st.text(min_size=4001, max_size=4100),
              st.datetimes(timezones=st.sampled_from([UTC, None])),
              st.binary(max_size=20), st.sets(st.integers(0, 3), max_size=3)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12)


def paths_in(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths_in(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths_in(value, (*path, index))


def mutate(document: dict[str, Any], data: st.DataObject) -> Any:
    inner = list(paths_in(document))[1:]  # the root only rarely: "not a mapping" says little
    if not inner or data.draw(st.integers(0, 50), label="root?") == 0:
        return data.draw(wild, label="whole document")
    path = data.draw(st.sampled_from(inner), label="path")
    parent: Any = document
    for part in path[:-1]:
        parent = parent[part]
    action = data.draw(st.sampled_from(["replace", "delete", "add", "repeat"]), label="action")
    last = path[-1]
    if action == "replace":
        parent[last] = data.draw(wild, label="value")
    elif action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[data.draw(st.text(max_size=15), label="key")] = data.draw(wild, label="value")
    elif action == "add":
        parent.insert(last, data.draw(wild, label="item"))
    else:
        parent[last] = [parent[last]] * data.draw(st.integers(2, 50), label="times")
    return document


@FUZZ
@given(quests(), st.data())
def test_mutated_documents(folder: Path, document: dict[str, Any],
                           data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        if not isinstance(document, dict) or not document:
            break
        document = mutate(document, data)
    load(folder, dump(document))


TEXT_EDITS = ["&a ", "*a", "<<: *a", "!!python/object:os.system ", "!!binary ", "? ", "- ",
              "[", "]", "{", "}", ":", "\t", "\n", "---\n", "'", '"', "#", "|", ">", "%YAML 1.1",
              "\x00", "\ufeff", "9" * 50, "2026-13-45", "\\", " " * 7]


@FUZZ
@given(quests(), st.data())
def test_documents_with_textual_edits(folder: Path, document: dict[str, Any],
                                      data: st.DataObject) -> None:
    text = dump(document)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(text)), label="at")
        cut = data.draw(st.integers(0, 5), label="cut")
        insert = data.draw(st.one_of(st.sampled_from(TEXT_EDITS), yaml_noise), label="insert")
        text = text[:at] + insert + text[at + cut:]
    load(folder, text)


@FUZZ
@given(st.one_of(st.binary(max_size=500), yaml_noise))
def test_one_broken_file_never_stops_the_folder(tmp_path_factory: pytest.TempPathFactory,
                                                content: bytes | str) -> None:
    root = tmp_path_factory.mktemp("folder")
    (root / "good.yaml").write_text(VALID)
    raw = content.encode() if isinstance(content, str) else content
    (root / "broken.yaml").write_bytes(raw)
    report = load_catalog(root)
    assert report.catalog.get("demo") is not None
    assert all(p.line >= 1 and p.column >= 1 for p in report.problems)
