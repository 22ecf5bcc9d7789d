"""Hints for authors' typing mistakes."""

from __future__ import annotations

import difflib


def did_you_mean(word: str, options: list[str]) -> str | None:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
