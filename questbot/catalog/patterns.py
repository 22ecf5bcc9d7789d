"""Answer patterns that quest authors write, matched by RE2 in time linear in the answer.

Python's ``re`` backtracks: ``^(a+)+$`` against 30 a's and a '!' takes minutes, and the match
runs inside the event's decision (on the store's writer, inside its transaction), so one
learner's answer would stall everyone. RE2 simulates the automaton instead, so a match costs
at most O(program size x answer bytes), and both are capped here:

- a pattern has at most ``MAX_PATTERN_CHARS`` characters and compiles to at most
  ``MAX_PATTERN_PROGRAM`` RE2 instructions (RE2 itself caps a repetition at 1,000), and a
  quest file has at most ``MAX_PATTERN_ANSWERS`` of them (compiling one costs up to a few
  milliseconds, so this bounds loading too);
- an answer matched has at most ``MAX_ANSWER_CHARS`` characters (the quiz refuses longer ones);
- each pattern's automaton may use ``PATTERN_MEMORY`` bytes (past that RE2 falls back to its
  slower, still linear, simulation rather than growing);
- no capture groups are kept (``never_capture``), so the fast DFA answers every match.

Patterns RE2 cannot run (backreferences, lookaround) are refused when the quest is loaded.
"""

from __future__ import annotations

from typing import Protocol, cast

import re2  # google-re2 publishes no type information; _Regex below types what is used

from questbot.domain.errors import QuestbotError

MAX_PATTERN_CHARS = 200
MAX_PATTERN_ANSWERS = 250
MAX_PATTERN_PROGRAM = 2_000
MAX_ANSWER_CHARS = 200
PATTERN_MEMORY = 1 << 20

SYNTAX_HINT = "patterns use RE2 syntax: https://github.com/google/re2/wiki/Syntax"
_UNSUPPORTED_HINT = (
    "questbot matches answers in linear time (RE2), which has no backreferences (\\1) and no "
    "lookahead or lookbehind ((?=...), (?!...), (?<=...)); write \\z, not \\Z, for the end")
_TOO_LARGE_HINT = "use fewer or smaller repetitions such as {1,20}, or list the answers"
_UNSUPPORTED = ("invalid perl operator", "invalid escape sequence", "invalid named capture")


class PatternError(QuestbotError, ValueError):
    """An answer pattern that questbot will not run, with a hint for the author."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class _Regex(Protocol):
    def fullmatch(self, text: str) -> object | None: ...


class AnswerPattern:
    """A compiled answer pattern; equal to another with the same source and case rule."""

    __slots__ = ("_regex", "case_sensitive", "source")

    def __init__(self, source: str, case_sensitive: bool) -> None:
        self.source = source
        self.case_sensitive = case_sensitive
        self._regex = _compile(source, case_sensitive)

    def matches(self, answer: str) -> bool:
        """Whether the whole answer matches. Answers longer than ``MAX_ANSWER_CHARS`` never
        do: the quiz refuses them before asking, this keeps the bound if anyone else asks."""
        if len(answer) > MAX_ANSWER_CHARS:
            return False
        return self._regex.fullmatch(answer) is not None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AnswerPattern):
            return NotImplemented
        return (self.source, self.case_sensitive) == (other.source, other.case_sensitive)

    def __hash__(self) -> int:
        return hash((self.source, self.case_sensitive))

    def __repr__(self) -> str:
        return f"AnswerPattern({self.source!r}, case_sensitive={self.case_sensitive})"


def check_pattern(source: str) -> None:
    """Raise PatternError if ``source`` cannot be an answer pattern. (Compiled ignoring case,
    the default, so the AnswerPattern built next is usually the wrapper's cached one.)"""
    _compile(source, case_sensitive=False)


def _compile(source: str, case_sensitive: bool) -> _Regex:
    if not source:
        raise PatternError("the pattern is empty", "write {pattern: '^yes$'}, or a plain answer")
    if len(source) > MAX_PATTERN_CHARS:
        raise PatternError(f"the pattern is longer than {MAX_PATTERN_CHARS} characters",
                           "shorten it, or list the accepted answers instead")
    options = re2.Options()
    options.log_errors = False  # the error comes back to the author, not to stderr
    options.never_capture = True
    options.case_sensitive = case_sensitive
    options.max_mem = PATTERN_MEMORY
    try:
        regex = re2.compile(source, options)
    except re2.error as exc:
        reason = _reason(exc)
        if any(reason.startswith(kind) for kind in _UNSUPPORTED):
            raise PatternError(f"unsupported regular expression: {reason}",
                               _UNSUPPORTED_HINT) from exc
        if "too large" in reason or "repetition size" in reason:
            raise PatternError(f"the pattern is too large: {reason}", _TOO_LARGE_HINT) from exc
        raise PatternError(f"invalid regular expression: {reason}", SYNTAX_HINT) from exc
    if _program_size(regex) > MAX_PATTERN_PROGRAM:
        raise PatternError("the pattern is too large: it compiles to more than "
                           f"{MAX_PATTERN_PROGRAM} RE2 instructions", _TOO_LARGE_HINT)
    return cast(_Regex, regex)



def _reason(exc: Exception) -> str:
    detail = exc.args[0] if exc.args else ""
    return detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)


def _program_size(regex: object) -> int:
    # The wrapper keeps the RE2 object in _regexp; its ProgramSize is RE2's public measure of
    # a pattern's cost. Should a later wrapper hide it, max_mem still bounds the program.
    compiled = getattr(regex, "_regexp", None)
    size = getattr(compiled, "ProgramSize", None)
    return int(size()) if callable(size) else 0
