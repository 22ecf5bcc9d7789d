"""Reading a badge's baked PNG for a platform to attach, off the event loop and bounded."""

from __future__ import annotations

import asyncio
import logging

from questbot.domain.messages import BadgeAwarded
from questbot.ports import BadgeFiles

log = logging.getLogger(__name__)

MAX_BADGE_BYTES = 8 * 1024 * 1024  # far above any badge questbot bakes; a guard, not a limit


async def badge_path(message: BadgeAwarded, badge_files: BadgeFiles | None) -> str | None:
    """Where the badge's PNG is, building it if need be; None when it cannot be had."""
    if message.image_path is not None:
        return message.image_path
    if badge_files is None:
        return None
    return await badge_files(message.award_id)


async def badge_png(message: BadgeAwarded, badge_files: BadgeFiles | None) -> bytes | None:
    """The PNG's bytes; None (the platform then sends the link alone) when it is missing."""
    path = await badge_path(message, badge_files)
    if path is None:
        return None
    try:
        return await asyncio.to_thread(_read, path)
    except OSError as exc:
        log.warning("badge %s: could not read its PNG: %s", message.award_id, exc.strerror)
        return None


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(MAX_BADGE_BYTES + 1)
    if len(data) > MAX_BADGE_BYTES:
        raise OSError(0, "the file is larger than any badge")
    return data
