"""Outbound results to JSON and back, for the outbox and for answering redelivered events."""

from __future__ import annotations

import json
from collections.abc import Sequence
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


_COMPACT = json.JSONEncoder(separators=(",", ":"))  # built once: dumps builds one a call


def dump_outbounds(messages: Sequence[Outbound]) -> str:
    return _COMPACT.encode([outbound_to_dict(m) for m in messages])


def load_outbounds(text: str) -> list[Outbound]:
    return [outbound_from_dict(item) for item in json.loads(text)]
