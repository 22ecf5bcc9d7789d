"""A community's rules for which messages count towards participation steps: not very
short ones, not repeats of the learner's recent messages, not near-identical ones."""

from __future__ import annotations

from pydantic import Field

from questbot.catalog.fields import Strict

MAX_REMEMBERED = 20


class MessageRules(Strict):
    min_chars: int = Field(
        0, ge=0, le=1000,
        description="messages shorter than this (letters and digits, spaces not counted) "
                    "do not count")
    ignore_repeats: bool = Field(
        True, description="a message the learner sent lately (same words, any case or "
                          "punctuation) does not count again")
    similar: float | None = Field(
        0.9, ge=0.5, le=1.0,
        description="a message at least this similar (0.5-1.0, estimated word-and-letter "
                    "overlap) to a recent one does not count; null: only exact repeats")
    remember: int = Field(
        5, ge=1, le=MAX_REMEMBERED,
        description="how many of the learner's recent counted messages are compared")
