"""JSON limits: refused with the limit named, before anything walks the document deeply."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questbot.badges.bounded_json import JsonLimits, JsonRejected, load_bounded

SMALL = JsonLimits(max_bytes=10_000, max_depth=4, max_items=5, max_values=20)


@pytest.mark.parametrize(("text", "reason"), [
    ("[[[[[1]]]]]", "nested deeper than 4"),
    ('{"a": {"b": {"c": {"d": {}}}}}', "nested deeper than 4"),
    ("[1, 2, 3, 4, 5, 6]", "more than 5 items"),
    ('{"a": [1, 2, 3, 4, 5], "b": [1, 2, 3, 4, 5], "c": [1, 2, 3, 4, 5], "d": [1]}',
     "more than 20 values"),
    ("[" * 200_000 + "]" * 200_000, "larger than"),
    ("{", "not valid JSON"),
    ("[1] trailing", "not valid JSON"),
])
def test_beyond_a_limit_is_refused_with_it(text: str, reason: str) -> None:
    with pytest.raises(JsonRejected, match=reason):
        load_bounded(text, SMALL)


def test_the_standard_parser_s_own_depth_guard_becomes_a_refusal() -> None:
    with pytest.raises(JsonRejected, match="nested deeper"):
        load_bounded("[" * 100_000 + "]" * 100_000)


def depth(node: object) -> int:
    if isinstance(node, dict):
        return 1 + max((depth(v) for v in node.values()), default=0)
    if isinstance(node, list):
        return 1 + max((depth(v) for v in node), default=0)
    return 0


def widest(node: object) -> int:
    if isinstance(node, dict):
        return max([len(node), *(widest(v) for v in node.values())])
    if isinstance(node, list):
        return max([len(node), *(widest(v) for v in node)])
    return 0


def values(node: object) -> int:
    """Every value in the document, containers included."""
    if isinstance(node, dict):
        return 1 + sum(values(v) for v in node.values())
    if isinstance(node, list):
        return 1 + sum(values(v) for v in node)
    return 1


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=7)
                           | st.dictionaries(st.text(max_size=3), inner, max_size=7),
                           max_leaves=40)


@given(json_values)
def test_a_document_is_refused_exactly_when_it_breaks_a_limit(document: object) -> None:
    text = json.dumps(document)
    beyond = depth(document) > SMALL.max_depth or widest(document) > SMALL.max_items
    try:
        assert load_bounded(text, SMALL) == document
    except JsonRejected:
        assert beyond or values(document) > SMALL.max_values or len(text) > SMALL.max_bytes
    else:
        assert not beyond and values(document) <= SMALL.max_values
