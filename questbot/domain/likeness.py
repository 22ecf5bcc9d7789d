"""How alike two chat messages are, in bounded time and memory: a message becomes a short
normal form (case, punctuation and spacing ignored, at most ``MAX_CHARS`` characters), a
fingerprint of it (exact repeats) and a bottom-k MinHash sketch of its 5-character shingles
(near-identical ones). A sketch holds at most ``SKETCH_SIZE`` numbers whatever the message's
length, so what is kept per learner and the cost of comparing never grow with the text."""

from __future__ import annotations

import hashlib
import heapq
import zlib
from dataclasses import dataclass

MAX_CHARS = 2000  # of the normal form; a 4,000-character message is read this far
SHINGLE = 5
SKETCH_SIZE = 16


@dataclass(frozen=True, slots=True)
class Likeness:
    fingerprint: str  # of the normal form: equal for exact repeats
    sketch: tuple[int, ...]  # the smallest shingle hashes, ascending


def normal_form(text: str) -> str:
    """Letters and digits in lower case, words separated by one space."""
    words = "".join(c if c.isalnum() else " " for c in text[: MAX_CHARS * 2].casefold())
    return " ".join(words.split())[:MAX_CHARS]


def meaningful_chars(text: str) -> int:
    return sum(1 for c in text[:MAX_CHARS * 2] if c.isalnum())


def likeness(text: str) -> Likeness:
    form = normal_form(text)
    data = form.encode("utf-8")
    if len(data) <= SHINGLE:
        hashes = {zlib.crc32(data)}
    else:
        hashes = {zlib.crc32(data[i:i + SHINGLE]) for i in range(len(data) - SHINGLE + 1)}
    fingerprint = hashlib.blake2b(data, digest_size=8).hexdigest()
    return Likeness(fingerprint, tuple(heapq.nsmallest(SKETCH_SIZE, hashes)))


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the two shingle sets (exact when both are smaller
    than a sketch): of the smallest hashes of the union, the share both sketches hold."""
    if not a or not b:
        return 1.0 if a == b else 0.0
    union = heapq.nsmallest(SKETCH_SIZE, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)
