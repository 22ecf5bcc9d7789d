"""Where SQLite and PostgreSQL spell the same thing differently. Statements are written once
with PostgreSQL's ``$n`` parameters; a dialect renders them for its database."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, slots=True)
class PerDialect:
    """One statement (or fragment) in each dialect, for the few places they differ."""

    sqlite: str
    postgres: str

    @classmethod
    def spell(cls, build: Callable[[Dialect], str]) -> PerDialect:
        """The statement ``build`` writes for each dialect."""
        return cls(build(Dialect.SQLITE), build(Dialect.POSTGRES))


Text = str | PerDialect

_NUMBERED = re.compile(r"\$(\d+)")


class Dialect(Enum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"

    def pick(self, text: Text) -> str:
        """This dialect's variant of the text."""
        if isinstance(text, PerDialect):
            return text.sqlite if self is Dialect.SQLITE else text.postgres
        return text

    def render(self, text: Text) -> str:
        """The text this database runs: its own variant, with its own parameter marks."""
        return _render(self, text)

    def json_list(self, element: str) -> str:
        """An aggregate: the rows' ``element`` as a JSON array, as text ('[]' for none)."""
        if self is Dialect.SQLITE:
            return f"json_group_array({element})"
        return f"coalesce(json_agg({element}), '[]')::text"

    def json_row(self, *columns: str) -> str:
        name = "json_array" if self is Dialect.SQLITE else "json_build_array"
        return f"{name}({', '.join(columns)})"

    def as_json(self, column: str) -> str:
        """A JSON text column as a JSON value, so it nests inside a JSON array."""
        return f"json({column})" if self is Dialect.SQLITE else f"{column}::json"

    def json_field(self, column: str, key: str) -> str:
        """One field of a JSON text column, as text. The expressions must stay those of the
        indexes that cover them (migration 7)."""
        if self is Dialect.SQLITE:
            return f"json_extract({column}, '$.{key}')"
        return f"({column}::jsonb ->> '{key}')"

    @property
    def greatest(self) -> str:
        return "max" if self is Dialect.SQLITE else "GREATEST"

    @property
    def find(self) -> str:
        """The function that gives a substring's position (0 if absent)."""
        return "instr" if self is Dialect.SQLITE else "strpos"


@functools.lru_cache(maxsize=1024)
def _render(dialect: Dialect, text: Text) -> str:
    text = dialect.pick(text)
    # SQLite's numbered ``?n`` may repeat and come in any order, as ``$n`` does
    return _NUMBERED.sub(r"?\1", text) if dialect is Dialect.SQLITE else text
