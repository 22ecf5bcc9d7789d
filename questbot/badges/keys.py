"""The issuer's Ed25519 keys: created on first start in the data folder, private seeds in
files of mode 0600 that are never logged or served. Rotating adds a new active key and keeps
the old ones, so badges signed before stay verifiable."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from nacl.signing import SigningKey

from questbot.badges.multikey import did_key, public_key_multibase, verification_method
from questbot.domain.errors import QuestbotError


class KeyringError(QuestbotError):
    """The key folder cannot be read or written, or holds something unexpected."""


@dataclass(frozen=True)
class IssuerKey:
    created: datetime
    public_key: bytes
    signing_key: SigningKey | None  # None for a retired key kept only to verify

    # Cached: base58 encoding is slow, and verification asks for these on every badge.
    @functools.cached_property
    def did(self) -> str:
        return did_key(self.public_key)

    @functools.cached_property
    def verification_method(self) -> str:
        return verification_method(self.public_key)

    @functools.cached_property
    def multibase(self) -> str:
        return public_key_multibase(self.public_key)


class Keyring:
    """All keys this issuer has used; the newest is the one that signs."""

    def __init__(self, keys: list[IssuerKey]) -> None:
        if not keys or keys[-1].signing_key is None:
            raise KeyringError("the keyring has no active signing key")
        self.keys = keys

    @property
    def active(self) -> IssuerKey:
        return self.keys[-1]

    def by_did(self, did: str) -> IssuerKey | None:
        return next((k for k in self.keys if k.did == did), None)

    def by_multibase(self, multibase: str) -> IssuerKey | None:
        return next((k for k in self.keys if k.multibase == multibase), None)


class KeyFolder:
    """The key folder as it is now: a running server picks up a key that
    ``questbot keys --rotate`` added, without a restart (one stat per use)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._stamp: tuple[int, int] | None = None
        self._keyring: Keyring | None = None

    def current(self) -> Keyring:
        if self._keyring is None:
            self._keyring = load_or_create_keyring(self.folder)
        stat = self.folder.stat()
        stamp = (stat.st_mtime_ns, stat.st_nlink)
        if stamp != self._stamp:
            self._keyring = load_or_create_keyring(self.folder)
            self._stamp = stamp
        return self._keyring


def load_or_create_keyring(folder: Path) -> Keyring:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    keys = _load(folder)
    if not keys:
        keys = [_create(folder)]
    return Keyring(keys)


def rotate(folder: Path) -> Keyring:
    load_or_create_keyring(folder)
    _create(folder)
    return Keyring(_load(folder))


def _load(folder: Path) -> list[IssuerKey]:
    keys = []
    for path in sorted(folder.glob("ed25519-*.json")):
        try:
            data = json.loads(path.read_text())
            seed_path = folder / data["seed_file"]
            signing = SigningKey(bytes.fromhex(seed_path.read_text().strip())) \
                if seed_path.exists() else None
            public = bytes.fromhex(data["public_key"])
            if signing is not None and bytes(signing.verify_key) != public:
                raise KeyringError(f"{seed_path.name} does not match {path.name}")
            keys.append(IssuerKey(datetime.fromisoformat(data["created"]), public, signing))
        except (OSError, ValueError, KeyError) as exc:
            raise KeyringError(f"cannot read issuer key {path.name}: {exc}") from exc
    return keys


def _create(folder: Path) -> IssuerKey:
    key = SigningKey.generate()
    created = datetime.now(UTC)
    stem = f"ed25519-{created.strftime('%Y%m%dT%H%M%S%fZ')}"
    seed_path = folder / f"{stem}.seed"
    descriptor = int(os.open(seed_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with os.fdopen(descriptor, "w") as handle:
        handle.write(bytes(key).hex())
    public = bytes(key.verify_key)
    descriptor_path = folder / f"{stem}.json"
    # Written aside and renamed, so a running server never reads half a key file.
    temporary = descriptor_path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps({
        "created": created.isoformat(), "public_key": public.hex(),
        "did": did_key(public), "seed_file": seed_path.name,
    }, indent=2))
    temporary.replace(descriptor_path)
    return IssuerKey(created, public, key)
