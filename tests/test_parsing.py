from __future__ import annotations

import pytest

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
