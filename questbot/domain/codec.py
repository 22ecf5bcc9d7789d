"""Outbound results to JSON and back, for the outbox and for answering redelivered events."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Sequence
from typing import Any

from questbot.domain.messages import (
    Announcement,
    BadgeAwarded,
    Choice,
    GrantRole,
    InviteLink,
    Outbound,
    Question,
    RemoveRole,
    Text,
)


def outbound_to_dict(message: Outbound) -> dict[str, Any]:
    # Shallow on purpose: dataclasses.asdict deep-copies and is the slowest part of an event.
    data: dict[str, Any] = {"kind": type(message).__name__}
    for name in message.__slots__:
        data[name] = getattr(message, name)
    if isinstance(message, Question):
        data["choices"] = [{"label": c.label, "token": c.token} for c in message.choices]
    return data


def outbound_from_dict(data: dict[str, Any]) -> Outbound:
    fields = {k: v for k, v in data.items() if k != "kind"}
    match data.get("kind"):
        case "Text":
            return Text(**fields)
        case "Question":
            choices = tuple(Choice(**c) for c in fields.pop("choices", ()))
            return Question(choices=choices, **fields)
        case "BadgeAwarded":
            return BadgeAwarded(**fields)
        case "GrantRole":
            return GrantRole(**fields)
        case "RemoveRole":
            return RemoveRole(**fields)
        case "InviteLink":
            return InviteLink(**fields)
        case "Announcement":
            return Announcement(**fields)
        case other:
            raise ValueError(f"unknown outbound kind {other!r}")


def compact_json(*, sort_keys: bool = False) -> Callable[[Any], str]:
    """What ``json.dumps(value, separators=(",", ":"), sort_keys=sort_keys)`` writes, from
    one encoder built here: dumps builds one on every call given options, and the stores
    write several JSON columns an event. It does not look for circular values (none of ours
    is one; such a value fails with RecursionError, not ValueError)."""
    python = json.JSONEncoder(separators=(",", ":"), sort_keys=sort_keys)
    make = vars(json.encoder).get("c_make_encoder")
    if make is None:  # a Python without the C accelerator
        return python.encode
    encoder = make(None, python.default, json.encoder.encode_basestring_ascii, None, ":",
                   ",", sort_keys, False, True)

    def encode(value: Any) -> str:
        return "".join(encoder(value, 0))
    return encode


_COMPACT = compact_json()


def dump_outbounds(messages: Sequence[Outbound]) -> str:
    return _COMPACT([outbound_to_dict(m) for m in messages])


def load_outbounds(text: str) -> list[Outbound]:
    return [outbound_from_dict(item) for item in json.loads(text)]
