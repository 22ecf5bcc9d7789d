"""Attendance codes: short numbers derived from a session secret and, when the step rotates
codes, the current time slot, so a code passed around stops working."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from questbot.domain.progress import AttendanceSession

# Six digits at least, whatever a quest asks for: with a session locked after
# ``EngineSettings.max_failed_per_session`` (50) wrong tries, a guesser's chance stays at most
# 50 * 2 / 10**6 = 1 in 10,000 (two codes are accepted around a rotation). See README.md.
MIN_LENGTH = 6


def code_length(asked: int) -> int:
    """The length a step's codes have: what its quest asks for, but never fewer than six."""
    return max(asked, MIN_LENGTH)


def _slot(session: AttendanceSession, at: datetime, rotate_every: int | None) -> int:
    if not rotate_every:
        return 0
    return max(0, int((at - session.issued_at).total_seconds() // rotate_every))


def code_for_slot(session: AttendanceSession, slot: int, length: int) -> str:
    digest = hmac.new(session.secret.encode(), str(slot).encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**length).zfill(length)


def current_code(
    session: AttendanceSession, at: datetime, rotate_every: int | None, length: int
) -> str:
    return code_for_slot(session, _slot(session, at, rotate_every), length)


def code_matches(
    session: AttendanceSession, code: str, at: datetime, rotate_every: int | None, length: int
) -> bool:
    """The current code, or the one just before it (read aloud as it changed), is accepted."""
    slot = _slot(session, at, rotate_every)
    candidates = {slot, slot - 1} if slot > 0 else {slot}
    return any(hmac.compare_digest(code_for_slot(session, s, length), code) for s in candidates)


def seconds_left_in_slot(session: AttendanceSession, at: datetime, rotate_every: int) -> int:
    elapsed = int((at - session.issued_at).total_seconds())
    return rotate_every - (elapsed % rotate_every)
