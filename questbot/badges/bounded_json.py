"""JSON from strangers, within limits: size first, then nesting depth, array lengths and the
number of values, all checked before anything (JSON-LD expansion, canonicalization) walks
the document. The standard library's parser is linear in the input and refuses very deep
nesting by itself; the walk here is iterative, so no input can exhaust the stack."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from questbot.domain.errors import QuestbotError


class JsonRejected(QuestbotError, ValueError):
    """The text is not JSON, or is JSON beyond the limits (the message says which)."""


@dataclass(frozen=True)
class JsonLimits:
    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 32
    max_items: int = 1_000  # in one array or one object
    max_values: int = 100_000


DEFAULT_LIMITS = JsonLimits()


def load_bounded(text: str | bytes, limits: JsonLimits = DEFAULT_LIMITS) -> Any:
    size = len(text.encode() if isinstance(text, str) else text)
    if size > limits.max_bytes:
        raise JsonRejected(f"it is larger than {limits.max_bytes // 1024} KiB")
    try:
        document = json.loads(text)
    except RecursionError:
        raise JsonRejected(f"it is nested deeper than {limits.max_depth} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonRejected("it is not valid JSON") from exc
    check_limits(document, limits)
    return document


def check_limits(document: Any, limits: JsonLimits = DEFAULT_LIMITS) -> None:
    if not isinstance(document, dict | list):
        return
    values = 1
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(document, 1)]
    push = stack.append
    while stack:
        node, depth = stack.pop()
        if depth > limits.max_depth:
            raise JsonRejected(f"it is nested deeper than {limits.max_depth} levels")
        if len(node) > limits.max_items:
            raise JsonRejected(f"an array or object has more than {limits.max_items} items")
        values += len(node)
        if values > limits.max_values:
            raise JsonRejected(f"it holds more than {limits.max_values} values")
        below = depth + 1
        for child in node.values() if isinstance(node, dict) else node:  # a plain loop: it
            if isinstance(child, (dict, list)):  # is the hot part of reading a badge
                push((child, below))
