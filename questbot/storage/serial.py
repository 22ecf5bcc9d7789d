"""Domain values to and from the text columns both stores use."""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, cast

from questbot.domain.codec import compact_json
from questbot.domain.progress import ActiveQuiz


def ts(value: datetime | None) -> str | None:
    """UTC ISO 8601; sorting the text sorts the times."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def now() -> str:
    return ts(datetime.now(UTC)) or ""


def parse_ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def need_ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


# the C scanner, where Python has it (typeshed has make_scanner's argument wrong)
_SCAN = cast(Callable[[str, int], tuple[Any, int]],
             json.scanner.make_scanner(cast(Any, json.JSONDecoder())))


def load_json(text: str) -> Any:
    """``json.loads``, for the JSON text columns the stores read on every event (a learner
    has nine): the decoder's C scanner directly, without the two wrappers and the regular
    expressions ``loads`` runs around it. Anything but one bare value goes to ``loads``."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        return json.loads(text)  # raises the error loads would
    return value if end == len(text) else json.loads(text)


_ENCODE = compact_json(sort_keys=True)


def dump_json(value: Any) -> str:
    """Compact, keys sorted: what ``json.dumps(value, separators=(",", ":"), sort_keys=True)``
    writes."""
    return _ENCODE(value)


QUIZ_FIELDS = tuple(f.name for f in fields(ActiveQuiz))


def dump_quiz(quiz: ActiveQuiz | None) -> str | None:
    if quiz is None:
        return None
    # Field by field: dataclasses.asdict deep-copies, and this runs on every learner update.
    data = {name: getattr(quiz, name) for name in QUIZ_FIELDS}
    data["asked_at"] = ts(quiz.asked_at)
    return dump_json(data)


def load_quiz(text: str | None) -> ActiveQuiz | None:
    if not text:
        return None
    data = load_json(text)
    data["asked_at"] = need_ts(data["asked_at"])
    return ActiveQuiz(**data)


def dump_times(values: tuple[datetime, ...]) -> str:
    return dump_json([ts(v) for v in values])


def load_times(text: str) -> list[datetime]:
    return [need_ts(v) for v in load_json(text)]
