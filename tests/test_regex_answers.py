"""Answer patterns run on RE2: what an author writes is checked at load, and what a learner
types cannot stall anyone (the match runs inside the event's transaction on SQLite's writer)."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from questbot.catalog import (
    MAX_ANSWER_CHARS,
    AnswerPattern,
    Catalog,
    PatternAnswer,
    load_catalog,
    load_quest_file,
)
from questbot.catalog.patterns import MAX_PATTERN_PROGRAM, PatternError
from questbot.domain import UserRef
from questbot.domain.errors import CatalogError
from questbot.domain.messages import Answer
from questbot.engine import EngineSettings, QuestEngine
from questbot.storage import SqliteStore
from tests.helpers import FakeClock, Player

EVIL = "^(a+)+$"  # Python's re needs ~2^n steps for n a's and a '!'; RE2 needs n
QUESTIONS = 20

QUEST = """\
schema_version: 1
id: regex
title: Regex
badge: {name: Regex, description: Patterns., criteria: Answer.}
steps:
  - id: talk
    kind: participation
  - id: evil
    kind: quiz
    pass_mark: 1
    questions:
"""


def quest_text(pattern: str = EVIL, questions: int = QUESTIONS) -> str:
    item = f"      - {{text: 'Type some a', answer: {{pattern: '{pattern}'}}}}\n"
    return QUEST + item * questions


def write(tmp_path: Path, text: str, name: str = "quest.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_quest_file(path)
    return [str(p) for p in caught.value.problems]


# --- what validate refuses -----------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "expected"), [
    (r"(a)\1", "unsupported regular expression: invalid escape sequence: \\1 (hint: "
               "questbot matches answers in linear time (RE2), which has no backreferences"),
    ("(?=a)a", "unsupported regular expression: invalid perl operator: (?="),
    ("(?!a)b", "unsupported regular expression: invalid perl operator: (?!"),
    ("(?<=a)b", "unsupported regular expression: invalid perl operator: (?<"),
    (r"(?P<x>a)(?P=x)", "unsupported regular expression"),
    (r"end\Z", "write \\z, not \\Z"),
    ("(ab", "invalid regular expression: missing ): (ab (hint: patterns use RE2 syntax"),
    ("(.*){1000}", f"too large: it compiles to more than {MAX_PATTERN_PROGRAM} RE2 instructions"),
    (r"\pL{1000}", "the pattern is too large"),
    ("a" * 201, "String should have at most 200 characters"),
])
def test_patterns_re2_cannot_run_are_refused_where_they_are(
        tmp_path: Path, pattern: str, expected: str) -> None:
    path = write(tmp_path, quest_text(pattern.replace("'", "''"), questions=1))
    problems = problems_of(path)
    at = f"{path}:12:49: steps[1].questions[0].answer.pattern: "
    assert any(p.startswith(at) and expected in p for p in problems), problems
    assert all("(hint: " in p for p in problems), problems


def test_a_file_holds_at_most_250_patterns(tmp_path: Path) -> None:
    more = "".join(f"  - id: more-{n}\n    kind: quiz\n    pass_mark: 1\n    questions:\n"
                   + "      - {text: Q, answer: {pattern: '^b$'}}\n" * 100 for n in range(2))
    problems = problems_of(write(tmp_path, quest_text(questions=100) + more))
    assert problems[0].endswith(  # the 251st: question 51 of the third quiz
        ": steps[3].questions[50].answer.pattern: a quest file has at most 250 pattern "
        "answers (hint: list the accepted answers instead, or split the quest)"), problems[0]


def test_the_sample_patterns_still_load_and_keep_their_meaning() -> None:
    quest = load_quest_file(Path(__file__).parent.parent / "quests" / "python-basics.yaml")
    patterns = [q.answer for s in quest.spec.steps for q in getattr(s, "questions", ())
                if isinstance(getattr(q, "answer", None), PatternAnswer)]
    assert patterns
    assert all(isinstance(p, PatternAnswer) for p in patterns)


# --- what a match means --------------------------------------------------------------------

def test_a_pattern_matches_the_whole_answer_ignoring_case_unless_told() -> None:
    loose = PatternAnswer(pattern="^def$")
    assert loose.matches("DEF") and loose.matches("def")
    assert not loose.matches("define")
    whole = PatternAnswer(pattern="de?f")  # no anchors: still the whole answer
    assert whole.matches("df") and not whole.matches("xdef")
    strict = PatternAnswer(pattern="^def$", case_sensitive=True)
    assert strict.matches("def") and not strict.matches("Def")
    letters = PatternAnswer(pattern=r"^\pL+$")  # any script's letters (\w is ASCII in RE2)
    assert letters.matches("Ελληνικά") and not letters.matches("abc1")
    assert PatternAnswer(pattern="^(def|fn)$") == PatternAnswer(pattern="^(def|fn)$")


def test_answers_past_the_cap_never_match() -> None:
    anything = AnswerPattern(".*", case_sensitive=False)
    assert anything.matches("x" * MAX_ANSWER_CHARS)
    assert not anything.matches("x" * (MAX_ANSWER_CHARS + 1))
    with pytest.raises(PatternError):
        AnswerPattern("", case_sensitive=False)


# A pattern at the program cap, each shape that defeats a backtracking engine, against answers
# at the length cap: each match stays far below a millisecond-scale budget.
HOSTILE_PATTERNS = [
    "^(a+)+$", "^(a|aa)+$", "^(a|a?)+$", "(x+x+)+y", "^(.*a){20}$", "((a|b|c|d)*){400}",
    "(.*){150}", "(a|b)*a(a|b){100}", r"(\w*\s*)*!", r"^([\pL\pN]*,)*z$", "(.*,){150}",
]


def hostile_answers() -> list[str]:
    rng = random.Random(9)
    cap = MAX_ANSWER_CHARS
    return ["a" * (cap - 1) + "!", "".join(rng.choice("ab") for _ in range(cap)),
            "é😀" * (cap // 2), "".join(rng.choice("ab01 ,é") for _ in range(cap)), "," * cap,
            "x" * (cap - 1) + "z"]


def worst_match_seconds() -> float:
    worst = 0.0
    for source in HOSTILE_PATTERNS:
        pattern = AnswerPattern(source, case_sensitive=False)
        for answer in hostile_answers():
            started = time.perf_counter()
            pattern.matches(answer)
            worst = max(worst, time.perf_counter() - started)
    return worst


def test_hostile_patterns_against_capped_answers_match_in_linear_time() -> None:
    worst = worst_match_seconds()
    print(f"worst RE2 match, {len(HOSTILE_PATTERNS)} hostile patterns x "
          f"{len(hostile_answers())} capped answers: {worst * 1000:.3f} ms")
    assert worst < 0.02  # measured: well under 1 ms


# --- one learner's crafted answer does not hold up anyone ----------------------------------

@pytest.fixture
async def evil_engine(tmp_path: Path) -> AsyncIterator[QuestEngine]:
    folder = tmp_path / "quests"
    folder.mkdir()
    write(folder, quest_text())
    report = load_catalog(folder)
    assert report.problems == []
    store = SqliteStore(tmp_path / "questbot.sqlite3")
    await store.open()
    try:
        yield QuestEngine(store, report.catalog, EngineSettings(), clock=FakeClock())
    finally:
        await store.close()


async def timed(coroutine: asyncio.Future[str] | asyncio.Task[str]) -> tuple[str, float]:
    started = time.perf_counter()
    reply = await coroutine
    return reply, time.perf_counter() - started


async def test_a_crafted_answer_is_refused_or_matched_promptly_and_others_are_answered(
        evil_engine: QuestEngine) -> None:
    mallory = Player(evil_engine, UserRef("discord", "mallory"), "Mallory")
    bob = Player(evil_engine, UserRef("discord", "bob"), "Bob")
    for player in (mallory, bob):
        await player.say("/join regex")
    assert "Question 1/20" in await mallory.say("/quiz regex evil")

    # 10,000 characters (as a Discord form could send): refused before any matching.
    reply, took = await timed(asyncio.ensure_future(mallory.send(Answer("a" * 10_000 + "!"))))
    assert "too long (the limit is 200 characters)" in reply
    assert took < 0.1

    # At the cap: exponential for a backtracking engine, linear here. Mallory answers every
    # question while Bob chats; Bob's events are each answered within 100 ms.
    crafted = "a" * (MAX_ANSWER_CHARS - 1) + "!"
    crafted_times: list[float] = []
    bob_times: list[float] = []
    replies: list[str] = []

    async def mallory_answers() -> None:
        for _ in range(QUESTIONS):
            reply, took = await timed(asyncio.ensure_future(mallory.send(Answer(crafted))))
            assert "Not quite" in reply
            crafted_times.append(took)
            replies.append(reply)

    async def bob_chats() -> None:
        for _ in range(QUESTIONS):
            reply, took = await timed(asyncio.ensure_future(bob.post("hello")))
            bob_times.append(took)
            assert "went wrong" not in reply

    await asyncio.gather(mallory_answers(), bob_chats())
    print(f"crafted answers: slowest {max(crafted_times) * 1000:.1f} ms; the other learner's "
          f"events: slowest {max(bob_times) * 1000:.1f} ms")
    assert max(bob_times) < 0.1, bob_times
    assert max(crafted_times) < 0.1, crafted_times
    assert "You scored 0/20" in replies[-1]


async def test_a_matching_answer_at_the_cap_is_still_correct(evil_engine: QuestEngine) -> None:
    alice = Player(evil_engine, UserRef("console", "alice"), "Alice")
    await alice.say("/join regex")
    await alice.say("/quiz regex evil")
    reply, took = await timed(asyncio.ensure_future(
        alice.send(Answer("  " + "A" * MAX_ANSWER_CHARS + "  "))))  # spaces are trimmed
    assert "Correct" in reply
    assert took < 0.1


def test_the_catalog_keeps_compiled_patterns(tmp_path: Path) -> None:
    quest = load_quest_file(write(tmp_path, quest_text(questions=2)))
    catalog = Catalog({quest.id: quest})
    loaded = catalog.get("regex")
    assert loaded is not None
    answers = [q.answer for q in getattr(loaded.steps["evil"], "questions", ())]
    assert all(isinstance(a, PatternAnswer) and a._compiled is not None for a in answers)
