"""The learner's private wallet, as the engine links to it and the web serves it: its
address, and the order badges are numbered in (``/wallet hide N`` names that number). The
store keeps the SHA-256 of a wallet's token (``sign_in.token_hash``), never the token."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, TypeVar

from questbot.domain.sign_in import token_hash

WALLET_PATH = "/wallet/"
RECORD_FILE = "record.json"
ZIP_FILE = "badges.zip"

__all__ = ["RECORD_FILE", "WALLET_PATH", "ZIP_FILE", "in_wallet_order", "token_hash",
           "wallet_url"]


class Listed(Protocol):
    @property
    def award_id(self) -> str: ...
    @property
    def badge_name(self) -> str: ...
    @property
    def awarded_at(self) -> datetime: ...


T = TypeVar("T", bound=Listed)


def wallet_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + WALLET_PATH + token


def in_wallet_order(awards: Iterable[T]) -> list[T]:
    """Earliest first, badges of one moment by name (as /badges lists them), so the
    numbers chat shows are the same on every store."""
    return sorted(awards, key=lambda a: (a.awarded_at, a.badge_name, a.award_id))
