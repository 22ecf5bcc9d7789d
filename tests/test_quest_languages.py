"""Quests in several languages: texts by language, fallbacks, warnings, and a learner who
plays the translated sample in French."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from questbot.app.cli import main
from questbot.badges.classes import badge_class_info
from questbot.badges.model import BadgeClassInfo
from questbot.badges.ob3 import achievement
from questbot.catalog import LocalizedText, QuestFile, load_catalog, load_quest_file
from questbot.catalog.schema import file_json_schema
from questbot.domain.ids import UserRef
from questbot.engine.engine import QuestEngine
from tests.badge_fixtures import URLS
from tests.helpers import Player
from tests.paths import QUESTS, ROOT

SAMPLE = QUESTS / "python-basics.yaml"
SCHEMA = json.loads((ROOT / "questbot/assets/schema/quest-v1.json").read_text())

languages = st.from_regex(r"\A[a-z]{2,3}\Z")
texts = st.text(st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=30)


def quest(title: Any, **extra: Any) -> dict[str, Any]:
    return {"schema_version": 1, "id": "demo", "title": title, **extra,
            "badge": {"name": "Demo", "description": "A demo.", "criteria": "Say hi."},
            "steps": [{"id": "hi", "kind": "participation"}]}


@given(st.dictionaries(languages, texts, min_size=1, max_size=5), languages)
def test_a_text_by_language_loads_and_reads_each_language(by_language: dict[str, str],
                                                          asked: str) -> None:
    spec = QuestFile.model_validate(quest(by_language))
    for language, text in by_language.items():
        assert spec.title.text(language) == text
    default = by_language.get("en", next(iter(by_language.values())))
    assert spec.title.text(asked) == by_language.get(asked, default)
    assert str(spec.title) == default


@given(texts, languages)
def test_a_plain_string_is_the_default_languages_text(text: str, language: str) -> None:
    spec = QuestFile.model_validate(quest(text, language=language))
    assert spec.title == text and spec.title.languages == {language}
    assert spec.title.text("xx") == text


def test_a_missing_language_falls_back_to_the_quests_default() -> None:
    spec = QuestFile.model_validate(quest({"en": "Hello", "fr": "Bonjour"}, language="fr"))
    assert spec.title.text("gd") == "Bonjour"
    assert spec.title.text("fr-CA") == "Bonjour"
    assert spec.title.text("en") == "Hello"
    assert str(spec.title) == "Bonjour"
    assert LocalizedText({"gd": "Halò"}, "en").text("en") == "Halò"  # else the first


@pytest.mark.parametrize("bad", [{"EN": "x"}, {"english": "x"}, {}, {"en": ""}, {"en": 3}])
def test_language_codes_and_texts_are_checked(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="title"):
        QuestFile.model_validate(quest(bad))
    with pytest.raises(ValueError, match="language"):
        QuestFile.model_validate(quest("x", language="French"))


def test_validate_warns_of_a_missing_translation_at_its_line_and_still_passes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(quest({"en": "Hello", "fr": "Bonjour"}), sort_keys=False))
    report = load_catalog(path)
    assert report.problems == []
    lines = path.read_text().splitlines()
    expected = {f"{path}:{number}:{line.index(':') + 3}"
                for number, line in enumerate(lines, 1)
                if line.strip().startswith(("name:", "description:", "criteria:"))}
    warned = {str(w).split(": warning: ")[0] for w in report.warnings}
    assert warned == expected
    assert all("has no fr text" in str(w) for w in report.warnings)
    assert main(["validate", str(path)]) == 0
    printed = capsys.readouterr().out
    assert {line.split(": warning: ")[0] for line in printed.splitlines()
            if ": warning: " in line} == expected


def test_the_translated_sample_needs_no_warning() -> None:
    assert load_catalog(SAMPLE).warnings == []
    assert load_quest_file(SAMPLE).spec.title.languages == {"en", "fr", "gd"}


async def test_a_french_learner_reads_french_and_answers_in_french(engine: QuestEngine
                                                                   ) -> None:
    amelie = Player(engine, UserRef("console", "amelie"), "Amélie", language="fr")
    joined = await amelie.say("/join python-basics")
    assert "Les bases de Python" in joined and "Dites bonjour à la communauté" in joined
    assert "Dites bonjour" in await amelie.say("/progress")
    first = await amelie.say("/quiz python-basics quiz-1")
    assert "Quiz sur les bases de Python" in first and "Que vaut len([1, 2]) ?" in first
    reply = await amelie.press("2")
    assert "len compte les éléments d'une liste." in reply
    assert "Quel mot-clé définit une fonction ?" in reply
    reply = await amelie.say("def")
    assert "Les listes Python sont modifiables." in reply
    await amelie.press(next(c.label for c in _choices(amelie)))  # Vrai
    reply = await amelie.say("« ab »")
    assert "4/4" in reply


async def test_an_english_learner_is_held_to_the_english_answers(alice: Player) -> None:
    await alice.say("/join python-basics")
    await alice.say("/quiz python-basics quiz-1")
    await alice.press("2")
    await alice.say("def")
    await alice.press("True")
    assert "3/4" in await alice.say("« ab »")


async def test_a_learner_in_another_language_reads_the_default(engine: QuestEngine) -> None:
    jan = Player(engine, UserRef("console", "jan"), "Jan", language="pl")
    assert "Python Basics" in await jan.say("/join python-basics")


def _choices(player: Player) -> list[Any]:
    from questbot.domain.messages import Question  # noqa: PLC0415

    return list(next(r for r in player.last if isinstance(r, Question)).choices)


def test_the_schema_accepts_both_forms_and_refuses_bad_language_codes() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path in sorted(QUESTS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        as_json = json.dumps(data, default=lambda d: d.isoformat())
        kind = data.get("kind", "quest")  # each sample file against its own kind's schema
        jsonschema.Draft202012Validator(file_json_schema(kind)).validate(json.loads(as_json))
    validator.validate(quest("Plain"))
    by_language = quest({"en": "Hi", "gd": "Halò"}, language="gd")
    by_language["steps"] = [{"id": "q", "kind": "quiz", "pass_mark": 1, "questions": [
        {"text": {"en": "Colour?", "fr": "Couleur ?"},
         "answer": {"en": ["colour", "color"], "fr": ["couleur"]}},
        {"text": "Keyword?", "answer": {"pattern": "^def$"}}]}]
    validator.validate(by_language)
    QuestFile.model_validate(by_language)
    assert not validator.is_valid(quest({"EN": "Hi"}))
    assert not validator.is_valid(quest("Hi", language="english"))


def test_credentials_use_the_default_language_and_the_page_keeps_the_others() -> None:
    sample = load_quest_file(SAMPLE)
    milestone = next(m for m in sample.milestones if m.badge_key == "badge")
    info = badge_class_info(sample, milestone)
    assert (info.name, info.language) == ("Python Basics", "en")
    assert info.texts("fr").name == "Les bases de Python"
    assert info.texts("gd-GB").criteria.startswith("Chuir iad trì teachdaireachdan")
    assert info.texts("pl") == info.texts("en")
    assert BadgeClassInfo.from_json(json.loads(json.dumps(info.to_json()))) == info
    document = achievement(info, URLS)
    assert document["inLanguage"] == "en" and document["name"] == "Python Basics"


def _code(n: int) -> str:
    return "".join(chr(ord("a") + (n // 26**i) % 26) for i in range(3))


def test_a_quest_speaks_at_most_thirty_languages_and_warnings_stay_bounded(
        tmp_path: Path) -> None:
    many = {**quest("Demo"), "steps": [
        {"id": f"q{n}", "kind": "participation",
         "title": {_code(n * 30 + k): f"step {n}" for k in range(30)}} for n in range(40)]}
    path = tmp_path / "babel.yaml"
    path.write_text(yaml.safe_dump(many, sort_keys=False))
    started = time.perf_counter()
    report = load_catalog(path)
    assert time.perf_counter() - started < 5  # 1,200 languages: refused, not churned through
    [problem] = report.problems
    assert "written in 1201 languages; at most 30" in str(problem)
    few = {**quest({"en": "Demo", "fr": "Démo"}), "steps": [
        {"id": f"q{n}", "kind": "participation", "title": f"step {n}"} for n in range(120)]}
    path.write_text(yaml.safe_dump(few, sort_keys=False))
    warnings = load_catalog(path).warnings
    assert len(warnings) == 50 and "more texts lack a translation" in str(warnings[-1])


@pytest.mark.parametrize(("answer", "refused"), [
    (["a"], None), ([], "answer: Tuple should have at least 1 item"),
    ({"en": ["a"], "fr": []}, "answer.fr: Tuple should have at least 1 item")])
def test_an_empty_list_of_answers_is_refused(tmp_path: Path, answer: Any,
                                             refused: str | None) -> None:
    spec = {**quest("Demo"), "steps": [{"id": "q", "kind": "quiz", "pass_mark": 1,
                                        "questions": [{"text": "Say a", "answer": answer}]}]}
    path = tmp_path / "empty.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    problems = [str(p) for p in load_catalog(path).problems]
    assert problems == [] if refused is None else any(refused in p for p in problems)


def test_a_norwegian_text_whose_code_yaml_reads_as_false_says_to_quote_it(
        tmp_path: Path) -> None:
    path = tmp_path / "no.yaml"
    path.write_text(yaml.safe_dump(quest("Demo"), sort_keys=False).replace(
        "title: Demo", "title: {en: Demo, no: Demo på norsk}"))
    [problem] = load_catalog(path).problems
    assert "must be quoted" in str(problem) and str(problem).startswith(f"{path}:")
