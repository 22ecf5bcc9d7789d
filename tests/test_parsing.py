from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questbot.domain import (
    CheckIn,
    Grant,
    Invalid,
    JoinQuest,
    MakeTutor,
    PostMessage,
    Revoke,
    StartQuiz,
    UserRef,
    parse_text,
)
from questbot.domain.commands import COMMANDS, CommandSpec, Kind, Param, from_options
from tests.helpers import Player

ALICE = UserRef("telegram", "42")


@pytest.mark.parametrize(("text", "command"), [
    ("hello there", PostMessage("hello there")),
    ("/join Python-Basics", JoinQuest("python-basics")),
    ("/join@questbot python-basics", JoinQuest("python-basics")),
    ("/quiz git-workshop git-quiz", StartQuiz("git-workshop", "git-quiz")),
    ("/checkin 123 456", CheckIn("123456")),
    ("/grant 42 python-basics say-hello very helpful",
     Grant(ALICE, "python-basics", "say-hello", "very helpful")),
    ("/grant discord:7 q badge why", Grant(UserRef("discord", "7"), "q", "badge", "why")),
    ("/revoke @42 q badge mistake", Revoke(ALICE, "q", "badge", "mistake")),
    ("/tutor 42 remove", MakeTutor(ALICE, remove=True)),
])
def test_commands_are_read_the_same_on_every_platform(text: str, command: object) -> None:
    assert parse_text(text, "telegram") == command


def test_a_reply_names_the_learner() -> None:
    assert parse_text("/grant q step thanks", "telegram", reply_to=ALICE) == \
        Grant(ALICE, "q", "step", "thanks")
    assert parse_text("/tutor", "telegram", reply_to=ALICE) == MakeTutor(ALICE)


@pytest.mark.parametrize(("text", "problem"), [
    ("/join", "usage.join"),
    ("/grant alice q step", "usage.grant"),
    ("/dance", "command.unknown"),
    ("x" * 5000, "input.too_long"),
])
def test_bad_input_becomes_a_refusal(text: str, problem: str) -> None:
    command = parse_text(text, "console")
    assert isinstance(command, Invalid) and command.problem == problem


async def test_bad_input_is_answered_with_help_not_a_traceback(alice: Player) -> None:
    assert "Unknown command /dance" in await alice.say("/dance")
    assert "too long" in await alice.say("/join " + "x" * 5000)


def _value(param: Param) -> st.SearchStrategy[str]:
    match param.kind:
        case Kind.WORD:
            return st.from_regex(r"[a-z0-9][a-z0-9_-]{0,11}", fullmatch=True)
        case Kind.TEXT:
            return st.lists(st.from_regex(r"[A-Za-z0-9.,!?'é]{1,8}", fullmatch=True),
                            min_size=1, max_size=5).map(" ".join)
        case Kind.CODE:
            return st.from_regex(r"[0-9A-Z]{4,10}", fullmatch=True)
        case Kind.CHOICE:
            return st.sampled_from(param.choices)
        case Kind.LEARNER:
            return st.from_regex(r"[1-9][0-9]{0,11}", fullmatch=True)
        case Kind.FILE:
            return st.just("")  # attached by the platform, never typed


@st.composite
def filled(draw: st.DrawFn) -> tuple[CommandSpec, list[tuple[Param, str]]]:
    spec = draw(st.sampled_from(COMMANDS))
    values = [(param, draw(_value(param))) for param in spec.params if param.kind is not Kind.FILE]
    optional_tail = 0  # only trailing optional parameters can be left out of a typed line
    for param, _ in reversed(values):
        if param.required:
            break
        optional_tail += 1
    keep = len(values) - draw(st.integers(0, optional_tail))
    return spec, values[:keep]


@settings(max_examples=300, deadline=None)
@given(filled())
def test_typed_commands_and_platform_forms_read_the_same(
        case: tuple[CommandSpec, list[tuple[Param, str]]]) -> None:
    """Every command of the table, with any valid values, is the same command whether typed
    or filled in a form (Discord's options, a member picked for the learner)."""
    spec, values = case
    typed = parse_text(" ".join([f"/{spec.name}", *(v for _, v in values)]), "telegram")
    learner = next((UserRef("telegram", v) for p, v in values if p.kind is Kind.LEARNER), None)
    form = from_options(spec, {p.name: v for p, v in values if p.kind is not Kind.LEARNER},
                        learner)
    assert typed == form
    assert not isinstance(typed, Invalid) or typed.problem == spec.usage.problem
