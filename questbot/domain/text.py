"""Plain text helpers for messages people read."""

from __future__ import annotations


def split_message(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, broken at line ends where possible (chat
    platforms cap a message's length: Telegram 4,096, Discord 2,000)."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces
