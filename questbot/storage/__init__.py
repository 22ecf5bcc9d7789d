"""Store implementations: SQLite (default); PostgreSQL follows the same ports."""

from questbot.storage.factory import open_store
from questbot.storage.sqlite import SqliteStore

__all__ = ["SqliteStore", "open_store"]
