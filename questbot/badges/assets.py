"""The bundled assets (JSON-LD contexts, fonts, the quest schema): package data in
questbot/assets, found through the import system wherever questbot is installed, never
relative to a repository or the current directory."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def asset(*parts: str) -> Traversable:
    """The file (or folder) ``questbot/assets/PART/...`` of the installed package."""
    node = files("questbot").joinpath("assets")
    for part in parts:
        node = node.joinpath(part)
    return node
