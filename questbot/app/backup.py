"""``questbot backup PATH`` and ``questbot restore PATH``.

A backup is a folder: ``questbot.sqlite3`` (a consistent copy of the database, taken with
SQLite's online backup API from a connection of its own while the bot goes on writing),
``keys/`` (the issuer's key descriptors and private seeds) and ``manifest.json`` (what was
copied, with SHA-256 digests), written last: a folder without a manifest is an unfinished
backup and is never restored.

The keys are copied after the database, so every key that signed a badge in the copy is in
it (keys are only ever added). Badge images and certificates are not copied: they are built
again from the database on demand. PostgreSQL is backed up with its own tools (pg_dump); see
README.md."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlparse

from questbot.app.config import Settings
from questbot.domain.errors import ConfigError
from questbot.storage.factory import sqlite_path
from questbot.storage.sql.migrations import MIGRATIONS

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "questbot.sqlite3"
KEYS = "keys"
COUNTED = ("learners", "accounts", "enrolments", "step_progress", "awards", "credentials")
POSTGRES_BACKUP = (
    "the database is PostgreSQL, which questbot does not copy itself: back it up with"
    " pg_dump (pg_dump --format=custom --file=questbot.dump \"$QUESTBOT_DATABASE_URL\") and"
    " copy the keys folder {keys} beside it; see 'Backup and restore' in README.md")
POSTGRES_RESTORE = (
    "the database is PostgreSQL: restore it with pg_restore (pg_restore --no-owner"
    " --dbname=\"$QUESTBOT_DATABASE_URL\" questbot.dump) and copy the keys folder back to"
    " {keys}; see 'Backup and restore' in README.md")


def backup_command(settings: Settings, target: Path, out: TextIO | None = None) -> int:
    manifest = make_backup(settings, target)
    out = out or sys.stdout
    database = manifest["database"]
    counts = ", ".join(f"{n} {table}" for table, n in database["counts"].items())
    out.write(f"backed up {database['file']} ({database['bytes']} bytes: {counts}) and"
              f" {len(manifest['keys'])} key file(s) to {target}\n")
    if not manifest["keys"]:
        out.write("warning: there were no keys to copy; badges issued so far cannot be"
                  " re-signed from this backup\n")
    return 0


def restore_command(settings: Settings, source: Path, out: TextIO | None = None) -> int:
    manifest = restore_backup(settings, source)
    out = out or sys.stdout
    out.write(f"restored the backup of {manifest['created']} into {settings.data_dir}"
              f" ({len(manifest['keys'])} key file(s)); start questbot on it\n")
    return 0


# --- backup ------------------------------------------------------------------------------
def make_backup(settings: Settings, target: Path) -> dict[str, Any]:
    """Copy the database and the keys into the new folder ``target``; returns the manifest."""
    keys = settings.data_dir / KEYS
    if _is_postgres(settings.database):
        raise ConfigError(f"backup: {POSTGRES_BACKUP.format(keys=keys)}")
    database = sqlite_path(settings.database)
    if not database.is_file():
        raise ConfigError(f"backup: there is no database at {database}: nothing to back up")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.mkdir()  # refuses an existing file or folder, whatever it holds
    except FileExistsError:
        raise ConfigError(f"backup: {target} already exists; a backup never overwrites"
                          " anything: name a new folder") from None
    except OSError as exc:
        raise ConfigError(f"backup: cannot create {target}: {exc.strerror}") from None
    try:
        copied = _copy_database(database, target / DATABASE)
        key_files = _copy_keys(keys, target / KEYS)
        manifest = {
            "format": FORMAT,
            "questbot": _version(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {"file": DATABASE, **copied, "sha256": _digest(target / DATABASE)},
            "keys": [{"file": f"{KEYS}/{name}", "sha256": _digest(target / KEYS / name)}
                     for name in key_files],
        }
        _write_durably(target / MANIFEST, json.dumps(manifest, indent=2).encode() + b"\n")
    except BaseException as exc:
        shutil.rmtree(target, ignore_errors=True)  # never leave half a backup behind
        if isinstance(exc, sqlite3.Error | OSError):
            raise ConfigError(f"backup: copying failed: {exc}") from exc
        raise
    return manifest


def _copy_database(source: Path, copy: Path) -> dict[str, Any]:
    # A connection of our own, read-write (WAL readers need the shared memory file) but
    # never creating a database. backup() with the default pages=-1 copies every page in
    # one step inside one read transaction: a snapshot of one moment, while the bot's
    # writer goes on committing (WAL lets readers and the writer run side by side).
    with _connection(f"file:{quote(str(source))}?mode=rw", uri=True) as live, \
            _connection(str(copy)) as target:
        live.execute("PRAGMA busy_timeout = 10000")
        live.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        check = str(target.execute("PRAGMA integrity_check").fetchone()[0])
        if check != "ok":
            raise ConfigError(f"backup: the copy fails SQLite's integrity check: {check}")
        schema = int(target.execute("SELECT max(version) FROM schema_version").fetchone()[0])
        counts = {table: int(target.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                  for table in COUNTED}
    _fsync(copy)
    return {"bytes": copy.stat().st_size, "schema_version": schema, "integrity": check,
            "counts": counts}


def _copy_keys(keys: Path, copy: Path) -> list[str]:
    copy.mkdir(mode=0o700)
    names = sorted(p.name for p in keys.iterdir() if p.is_file() and ".tmp" not in p.name) \
        if keys.is_dir() else []
    for name in names:
        shutil.copy2(keys / name, copy / name)  # the seeds keep their mode, 0600
        _fsync(copy / name)
    _fsync(copy)
    return names


# --- restore -----------------------------------------------------------------------------
def restore_backup(settings: Settings, source: Path) -> dict[str, Any]:
    """Bring the backup in ``source`` back into the (empty or absent) data folder."""
    data = settings.data_dir
    if _is_postgres(settings.database):
        raise ConfigError(f"restore: {POSTGRES_RESTORE.format(keys=data / KEYS)}")
    manifest = read_manifest(source)
    check_backup(source, manifest)
    database = sqlite_path(settings.database)
    if data.exists() and (not data.is_dir() or any(data.iterdir())):
        raise ConfigError(f"restore: the data folder {data} is not empty; restore only into"
                          " an empty or new folder (set QUESTBOT_DATA_DIR)")
    if database.exists():
        raise ConfigError(f"restore: {database} already exists; it is never overwritten")
    try:
        data.mkdir(parents=True, exist_ok=True)
        keys = data / KEYS
        keys.mkdir(mode=0o700)
        for entry in manifest["keys"]:
            name = Path(entry["file"]).name
            shutil.copy2(source / KEYS / name, keys / name)
            if name.endswith(".seed"):
                os.chmod(keys / name, 0o600)
            _fsync(keys / name)
        _fsync(keys)
        database.parent.mkdir(parents=True, exist_ok=True)
        partial = database.with_name(database.name + ".restoring")
        shutil.copyfile(source / DATABASE, partial)
        _fsync(partial)
        partial.replace(database)  # the database appears whole, or not at all
        _fsync(database.parent)
    except OSError as exc:
        raise ConfigError(f"restore: copying failed: {exc}") from exc
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"restore: {source} is not a questbot backup, or an unfinished"
                          f" one: it has no {MANIFEST}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"restore: cannot read {path}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ConfigError(f"restore: {path} is not a manifest this questbot knows"
                          f" (format {FORMAT})")
    return manifest


def check_backup(source: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest names is there, unchanged, and the schema is not newer."""
    try:
        files = [manifest["database"], *manifest["keys"]]
        for entry in files:
            name = Path(entry["file"])
            if name.is_absolute() or ".." in name.parts:
                raise ConfigError(f"restore: the manifest names {name}, outside the backup")
            path = source / name
            if not path.is_file():
                raise ConfigError(f"restore: {path} is missing from the backup")
            if _digest(path) != entry["sha256"]:
                raise ConfigError(f"restore: {path} has changed since the backup was made"
                                  " (its SHA-256 differs from the manifest's)")
        schema = int(manifest["database"]["schema_version"])
    except (KeyError, TypeError, ValueError):
        raise ConfigError(f"restore: {source / MANIFEST} is incomplete") from None
    if schema > len(MIGRATIONS):
        raise ConfigError(f"restore: the backup's database is at schema version {schema},"
                          f" newer than this questbot ({len(MIGRATIONS)}); upgrade questbot")


# --- files ---------------------------------------------------------------------------------
@contextlib.contextmanager
def _connection(name: str, uri: bool = False) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(name, uri=uri, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def _is_postgres(database_url: str) -> bool:
    return urlparse(database_url).scheme in ("postgres", "postgresql")


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_durably(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    _fsync(partial)
    partial.replace(path)
    _fsync(path.parent)


def _version() -> str:
    try:
        return version("questbot")
    except PackageNotFoundError:
        return "unknown"
