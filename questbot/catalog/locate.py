"""Map positions in a YAML document to lines and columns, so errors point into the file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based, as editors count
    column: int


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    key: str
    position: Position
    first: Position


class Locations:
    """Where each value of a parsed document starts; keys map to the key's own position."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._values: dict[Path, Position] = {}
        self._keys: dict[Path, Position] = {}
        self.duplicates: list[DuplicateKey] = []
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: Path) -> None:
        self._values[path] = _position(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, Position] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                key_position = _position(key_node.start_mark)
                if key in seen:
                    self.duplicates.append(DuplicateKey(key, key_position, seen[key]))
                    continue
                seen[key] = key_position
                self._keys[(*path, key)] = key_position
                self._walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._walk(item, (*path, index))

    def value(self, path: Sequence[str | int]) -> Position:
        """The position of the value at ``path``, or of its nearest located ancestor."""
        current = tuple(path)
        while current and current not in self._values:
            current = current[:-1]
        return self._values.get(current, Position(1, 1))

    def key(self, path: Sequence[str | int]) -> Position:
        """The position of the key that holds ``path`` (better for 'unknown field' errors)."""
        return self._keys.get(tuple(path)) or self.value(path)


def _position(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)
