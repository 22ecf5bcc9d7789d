"""The error tree. Everything questbot raises on purpose is a ``QuestbotError``."""

from __future__ import annotations

from dataclasses import dataclass


class QuestbotError(Exception):
    """Base of every error questbot raises on purpose."""


class ConfigError(QuestbotError):
    """A setting is missing or wrong; the message names it and what is expected."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in a quest file, located for an editor: ``file:line:column: message``."""

    path: str
    line: int
    column: int
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class CatalogError(QuestbotError):
    """One or more quest files are invalid. Each stage (read, parse, validate, cross-check)
    raises it with the problems it found, chained from the underlying cause."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Rejected(QuestbotError):
    """A command that cannot be carried out; the learner is told why and nothing changes.

    ``key`` is a message-catalogue key, so the reply is written in the learner's language.
    """

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)


class StoreError(QuestbotError):
    """The database could not be opened, migrated, or written."""
