"""Property-based fuzzing of the chat command parser: any text anyone types parses to a
command, or to Invalid naming a message the catalogue can say; it never raises."""

from __future__ import annotations

import os
from string import Formatter
from typing import get_args

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from questbot.domain import UserRef, parse_text
from questbot.domain.commands import COMMANDS
from questbot.domain.messages import Answer, Command, Invalid, JoinQuest, ShowProgress
from questbot.domain.parsing import MAX_TEXT
from questbot.i18n import ENGLISH, translate

EXAMPLES = int(os.environ.get("QUESTBOT_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
COMMAND_TYPES = get_args(Command)
NAMES = (*(spec.name for spec in COMMANDS), "dance")

platforms = st.sampled_from(["console", "telegram", "discord", "", ":", "x" * 50])
users = st.builds(UserRef, st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True),
                  st.text(st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc")),
                          min_size=1, max_size=20))
# Words that steer the parser into each branch, mixed with arbitrary text.
words = st.one_of(st.text(max_size=12), st.sampled_from(
    ["confirm", "remove", "off", "on", "badge", "a@b.cd", "@", ":", "telegram:42", "@42",
     "python-basics", "\u200b", "\n", "\t", " " * 3, "/", "@questbot"]))
commands = st.builds(
    lambda name, bot, args, sep: "/" + name + bot + sep + sep.join(args),
    st.one_of(st.sampled_from(NAMES), st.text(max_size=8)),
    st.sampled_from(["", "@questbot", "@"]),
    st.lists(words, max_size=6),
    st.sampled_from([" ", "  ", "\t", "\u3000", "\n"]))


def check(text: str, platform: str, reply_to: UserRef | None = None,
          reply_to_name: str | None = None) -> None:
    command = parse_text(text, platform, reply_to, reply_to_name)
    assert isinstance(command, COMMAND_TYPES), command
    event(type(command).__name__)
    if isinstance(command, Invalid):
        assert command.problem in ENGLISH, command.problem
        needed = {field for _, field, _, _ in Formatter().parse(ENGLISH[command.problem])
                  if field}
        assert needed <= dict(command.params).keys(), command  # the reply names every detail
        assert translate(command.problem, "en", **dict(command.params))
        event(command.problem)


@FUZZ
@given(st.text(max_size=200), platforms)
def test_any_text(text: str, platform: str) -> None:
    check(text, platform)


@FUZZ
@given(commands, platforms, st.none() | users, st.none() | st.text(max_size=20))
def test_anything_that_looks_like_a_command(text: str, platform: str, reply_to: UserRef | None,
                                           reply_to_name: str | None) -> None:
    check(text, platform, reply_to, reply_to_name)


@FUZZ
@given(st.text(min_size=1, max_size=20), st.integers(MAX_TEXT - 5, MAX_TEXT + 5))
def test_text_around_the_length_limit(piece: str, size: int) -> None:
    text = ("/answer " + piece * (size // len(piece) + 1))[:size]
    check(text, "telegram")
    if len(text) > MAX_TEXT:
        assert parse_text(text, "telegram") == Invalid("input.too_long",
                                                       (("limit", str(MAX_TEXT)),))


@pytest.mark.parametrize(("text", "command"), [
    ("/join\tpython-basics", JoinQuest("python-basics")),  # the fuzzer's find: any white
    ("/answer\n42", Answer("42")),                         # space ends a command's name
    ("/progress\u3000python-basics", ShowProgress("python-basics")),
    ("/ join x", Invalid("command.unknown", (("name", ""),))),
])
def test_a_command_name_ends_at_any_white_space(text: str, command: Command) -> None:
    assert parse_text(text, "telegram") == command
