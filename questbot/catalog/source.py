"""Stages one and two of loading, bounded: a quest file's bytes to text, then to YAML nodes and
plain data, refusing what would cost unbounded time or memory *before* building it.

PyYAML's own composer follows aliases without limit (a "billion laughs" file of a few hundred
bytes expands to gigabytes once validated), recurses once per nesting level (a deep file ends
in RecursionError, not a YAML error), and lets values such as ``2026-13-45`` escape as a bare
ValueError. So the events come from PyYAML's parser (libyaml when installed), and the tree is
composed here, counting as it goes:

- a file has at most ``MAX_FILE_BYTES`` bytes (read no further);
- at most ``MAX_NODES`` nodes, where an alias counts as every node it repeats;
- at most ``MAX_ALIASES`` aliases, none to a collection that contains it;
- collections nest at most ``MAX_DEPTH`` deep;
- a scalar (a key or a value) has at most ``MAX_SCALAR_CHARS`` characters;
- mapping keys are scalars; one document per file.

Every refusal is a CatalogError with the file, line and column of the offending part."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from questbot.domain.errors import CatalogError, Problem, QuestbotError

MAX_FILE_BYTES = 1 << 20  # 1 MiB
MAX_NODES = 100_000
MAX_ALIASES = 1_000
MAX_DEPTH = 32
MAX_SCALAR_CHARS = 10_000

_EVENT_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~20x faster
# What YAML 1.1 allows in a stream (the same class PyYAML's reader checks, found here first
# so the error can say where).
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# libyaml's and PyYAML's events and marks are different classes with the same attributes.
Event = Any
Mark = Any


class _Refused(QuestbotError):
    def __init__(self, mark: Mark, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.hint = hint


def read_text(path: Path) -> str:
    """The file as text: at most MAX_FILE_BYTES, UTF-8, only characters YAML allows."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CatalogError([Problem(str(path), 1, 1, f"cannot read file: {exc.strerror}")]
                           ) from exc
    if len(raw) > MAX_FILE_BYTES:
        raise CatalogError([Problem(str(path), 1, 1, "file is larger than 1 MiB "
                                    f"({MAX_FILE_BYTES:,} bytes)",
                                    "split it into several quest files")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw[:exc.start].decode("utf-8", errors="replace"))
        raise CatalogError([Problem(str(path), line, column, "file is not UTF-8 text",
                                    "save it with the UTF-8 encoding")]) from exc
    text = text.removeprefix("\ufeff")
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        line, column = _line_column(text[:bad.start()])
        raise CatalogError([Problem(str(path), line, column,
                                    f"character U+{ord(bad.group()):04X} is not allowed in YAML",
                                    "remove control characters from the file")])
    return text


def _line_column(before: str) -> tuple[int, int]:
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def parse_yaml(path: Path, text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for locations) and its plain data."""
    try:
        root = _Composer().compose(yaml.parse(text, Loader=_EVENT_LOADER))
        # Locations are read from the tree first: constructing merges ('<<') into it.
        data = _Constructor().construct_document(root) if root is not None else None
    except _Refused as exc:
        line, column = _position(exc.mark)
        raise CatalogError([Problem(str(path), line, column, exc.message, exc.hint)]) from exc
    except ConstructorError as exc:
        line, column = _position(exc.problem_mark or exc.context_mark)
        raise CatalogError([Problem(str(path), line, column,
                                    f"YAML value error: {exc.problem or exc.context}")]) from exc
    except yaml.MarkedYAMLError as exc:
        line, column = _position(exc.problem_mark or exc.context_mark)
        message = f"YAML syntax error: {exc.problem or exc.context}"
        raise CatalogError([Problem(str(path), line, column, message,
                                    "check indentation and quoting")]) from exc
    except yaml.YAMLError as exc:
        raise CatalogError([Problem(str(path), 1, 1, f"YAML error: {exc}")]) from exc
    return root, data


def _position(mark: Mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


@dataclass(slots=True)
class _Open:
    """A collection being composed: its node, its items so far, its size with aliases."""

    node: yaml.SequenceNode | yaml.MappingNode
    anchor: str | None
    items: list[yaml.Node] = field(default_factory=list)
    size: int = 1

    def expects_key(self) -> bool:
        return isinstance(self.node, yaml.MappingNode) and len(self.items) % 2 == 0


class _Composer:
    def __init__(self) -> None:
        self._resolve: Callable[[type[yaml.Node], str | None, Any], str] = cast(
            Any, Resolver()).resolve  # typed here: the stubs leave resolve untyped
        self._anchors: dict[str, tuple[yaml.Node, int | None]] = {}  # size None: still open
        self._stack: list[_Open] = []
        self._nodes = 0
        self._aliases = 0
        self._root: yaml.Node | None = None

    def compose(self, events: Any) -> yaml.Node | None:
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Refused(event.start_mark, "a quest file holds one YAML document",
                                   "remove the second '---', or split the file")
            elif isinstance(event, yaml.ScalarEvent):
                self._scalar(event)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                self._open(event)
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                self._close(event)
            elif isinstance(event, yaml.AliasEvent):
                self._alias(event)
        return self._root

    def _count(self, size: int, mark: Mark) -> None:
        self._nodes += size
        if self._nodes > MAX_NODES:
            raise _Refused(mark, f"the file has more than {MAX_NODES:,} YAML values "
                           "(an alias counts as every value it repeats)",
                           "split the quest, or write repeated parts out instead of aliasing")

    def _scalar(self, event: Event) -> None:
        if len(event.value) > MAX_SCALAR_CHARS:
            raise _Refused(event.start_mark,
                           f"a value is longer than {MAX_SCALAR_CHARS:,} characters",
                           "texts in a quest are at most 4,000 characters")
        tag = event.tag
        if tag is None or tag == "!":
            tag = self._resolve(yaml.ScalarNode, event.value, event.implicit)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                               style=event.style)
        self._anchor(event.anchor, event.start_mark)
        self._count(1, event.start_mark)
        self._add(node, 1, event.anchor)

    def _open(self, event: Event) -> None:
        if self._stack and self._stack[-1].expects_key():
            raise _Refused(event.start_mark, "a key must be plain text, not a list or mapping")
        if len(self._stack) >= MAX_DEPTH:
            raise _Refused(event.start_mark, f"lists and mappings nest more than {MAX_DEPTH} "
                           "deep", "a quest needs fewer than ten levels; check the indentation")
        tag, start = event.tag, event.start_mark
        node: yaml.SequenceNode | yaml.MappingNode
        if isinstance(event, yaml.SequenceStartEvent):
            if tag is None or tag == "!":
                tag = self._resolve(yaml.SequenceNode, None, event.implicit)
            node = yaml.SequenceNode(tag, [], start, None,
                                     flow_style=event.flow_style)
        else:
            if tag is None or tag == "!":
                tag = self._resolve(yaml.MappingNode, None, event.implicit)
            node = yaml.MappingNode(tag, [], start, None,
                                    flow_style=event.flow_style)
        self._anchor(event.anchor, event.start_mark)
        if event.anchor is not None:
            self._anchors[event.anchor] = (node, None)
        self._count(1, event.start_mark)
        self._stack.append(_Open(node, event.anchor))

    def _close(self, event: Event) -> None:
        done = self._stack.pop()
        node = done.node
        node.end_mark = event.end_mark
        if isinstance(node, yaml.MappingNode):
            node.value = list(zip(done.items[::2], done.items[1::2], strict=True))
        else:
            node.value = done.items
        if done.anchor is not None:
            self._anchors[done.anchor] = (node, done.size)
        self._add(node, done.size, None)

    def _alias(self, event: Event) -> None:
        self._aliases += 1
        if self._aliases > MAX_ALIASES:
            raise _Refused(event.start_mark, f"the file has more than {MAX_ALIASES:,} aliases")
        anchor = str(event.anchor)
        if anchor not in self._anchors:
            raise _Refused(event.start_mark, f"alias '*{_short(anchor)}' names no anchor",
                           "define '&name' before using '*name'")
        node, size = self._anchors[anchor]
        if size is None:
            raise _Refused(event.start_mark,
                           f"alias '*{_short(anchor)}' is inside the value it repeats")
        if self._stack and self._stack[-1].expects_key() and not isinstance(
                node, yaml.ScalarNode):
            raise _Refused(event.start_mark, "a key must be plain text, not a list or mapping")
        self._count(size, event.start_mark)
        self._add(node, size, None)

    def _anchor(self, anchor: str | None, mark: Mark) -> None:
        if anchor is not None and anchor in self._anchors:
            raise _Refused(mark, f"anchor '&{_short(anchor)}' is defined twice",
                           "give each anchor its own name")

    def _add(self, node: yaml.Node, size: int, anchor: str | None) -> None:
        if anchor is not None:
            self._anchors[anchor] = (node, size)
        if self._stack:
            parent = self._stack[-1]
            parent.items.append(node)
            parent.size += size
        else:
            self._root = node


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class _Constructor(SafeConstructor):
    """PyYAML's safe constructor, with any failure to build a value (a 13th month, an integer
    of more digits than Python converts) turned into a located YAML error."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # whatever the cause, the author sees where
            if node.tag == "tag:yaml.org,2002:int":  # only too many digits get this far
                problem = "this number has too many digits"
            elif node.tag == "tag:yaml.org,2002:timestamp":
                problem = f"cannot read this time ({exc}); for example 2026-12-01T18:00:00Z"
            else:
                problem = f"cannot read this value ({exc})"
            raise ConstructorError(None, None, problem, node.start_mark) from exc
