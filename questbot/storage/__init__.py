"""The stores: SQLite (the default) and PostgreSQL, one SQL store (``questbot.storage.sql``)
with an executor for each database."""

from questbot.storage.copy import copy_data
from questbot.storage.factory import migrate_database, open_store
from questbot.storage.sqlite import SqliteStore

__all__ = ["SqliteStore", "copy_data", "migrate_database", "open_store"]
