"""``questbot outbox``: the deliveries that did not certainly arrive, and sending them again."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime

from questbot.app.config import Settings
from questbot.domain.errors import ConfigError
from questbot.domain.messages import (
    Announcement,
    BadgeAwarded,
    GrantRole,
    InviteLink,
    Outbound,
    Question,
    RemoveRole,
    Text,
)
from questbot.ports import FailedDelivery
from questbot.storage import open_store

_PREVIEW = 60


async def outbox(settings: Settings, platform: str | None, retry: Sequence[int],
                 retry_all: bool, limit: int) -> int:
    """List failed and uncertain deliveries (exit 0), or make some pending again."""
    if retry and retry_all:
        raise ConfigError("outbox: give --retry IDs or --retry-all, not both")
    store = open_store(settings.database, auto_migrate=settings.auto_migrate)
    await store.open()
    try:
        if not retry and not retry_all:
            print_failed(await store.failed_deliveries(platform, limit))
            return 0
        ids = list(retry) if retry else [
            f.delivery.delivery_id for f in await store.failed_deliveries(platform, limit)]
        requeued = await store.requeue(ids)
    finally:
        await store.close()
    print(f"{requeued} delivery(ies) will be sent again")
    missing = len(set(ids)) - requeued
    if missing > 0:
        print(f"questbot: {missing} id(s) were not failed or uncertain deliveries",
              file=sys.stderr)
        return 1
    return 0


def print_failed(failed: Sequence[FailedDelivery]) -> None:
    if not failed:
        print("no failed or uncertain deliveries")
        return
    for item in failed:
        delivery = item.delivery
        print("\t".join((
            str(delivery.delivery_id), item.status.value,
            f"{delivery.recipient.platform}:{delivery.recipient.user_id}",
            f"attempts={item.attempts}", _when(item.last_attempt_at),
            _one_line(item.last_error or "-"), _preview(delivery.message))))


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.isoformat(timespec="seconds")


def _preview(message: Outbound) -> str:
    match message:
        case Text(text=text) | Question(text=text) | Announcement(text=text):
            return _one_line(text)
        case BadgeAwarded():
            return f"badge {message.badge_name}"
        case GrantRole():
            return f"give role {message.role} on {message.server} ({message.badge_name})"
        case RemoveRole():
            return f"remove role {message.role} on {message.server} ({message.badge_name})"
        case InviteLink():
            state = ", may exist already" if message.started else ""
            return f"invite link to {message.chat} ({message.badge_name}{state})"


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW else flat[:_PREVIEW - 1] + "…"
