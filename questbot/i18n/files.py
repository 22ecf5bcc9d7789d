"""gettext catalogues read from a package's ``locale/LANG/LC_MESSAGES/DOMAIN.po`` files.

The ``.po`` files are the source of truth and the only ones in git. A ``.mo`` beside one is
used when it is at least as new (``make messages`` compiles them, and a wheel may ship
them); otherwise the ``.po`` is compiled in memory with Babel, once per process, so a fresh
checkout and an installed wheel both work and an edited ``.po`` is never shadowed by a stale
``.mo``."""

from __future__ import annotations

import gettext
import io
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def locale_folder(package: str) -> Traversable:
    return files(package).joinpath("locale")


def languages(folder: Traversable) -> list[str]:
    """The languages a locale folder ships, ``en`` first when present."""
    found = sorted(entry.name for entry in folder.iterdir() if entry.is_dir()
                   and entry.joinpath("LC_MESSAGES").is_dir())
    return sorted(found, key=lambda language: language != "en")


def load(folder: Traversable, domain: str, language: str) -> gettext.GNUTranslations | None:
    """One language's compiled catalogue, or None when the folder does not ship it."""
    messages = folder.joinpath(language, "LC_MESSAGES")
    po, mo = messages.joinpath(f"{domain}.po"), messages.joinpath(f"{domain}.mo")
    if not po.is_file():
        return None
    if mo.is_file() and _not_older(mo, po):
        return gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    return gettext.GNUTranslations(io.BytesIO(compile_po(po.read_bytes(), language)))


def compile_po(source: bytes, language: str) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file's; fuzzy entries are left out, as msgfmt does."""
    from babel.messages.mofile import write_mo  # noqa: PLC0415  (Babel only when compiling)
    from babel.messages.pofile import read_po  # noqa: PLC0415

    compiled = io.BytesIO()
    write_mo(compiled, read_po(io.BytesIO(source), locale=language))
    return compiled.getvalue()


def _not_older(mo: Traversable, po: Traversable) -> bool:
    if not isinstance(mo, Path) or not isinstance(po, Path):
        return True  # inside a zip: both were installed together
    return mo.stat().st_mtime >= po.stat().st_mtime
