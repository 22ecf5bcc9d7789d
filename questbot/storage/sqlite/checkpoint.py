"""After a /forget, the SQLite log is copied into the database file and truncated, so the old
versions of pages (which hold what was just deleted) leave the ``-wal`` file."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)


def checkpoint(path: Path) -> bool:
    """True if the checkpoint completed."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as exc:
        log.warning("checkpoint after /forget failed: %s", exc)
        return False
    finally:
        conn.close()
    if busy:
        log.warning("checkpoint after /forget was blocked by a reader; the next one removes"
                    " the old pages")
    return not busy
