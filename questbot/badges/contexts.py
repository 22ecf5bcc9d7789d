"""JSON-LD contexts from the package's assets/contexts, never from the network."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources.abc import Traversable
from typing import Any

from questbot.badges.assets import asset
from questbot.domain.errors import QuestbotError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_V2 = "https://w3id.org/openbadges/v2"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


class ContextNotAvailable(QuestbotError, ValueError):
    pass


@lru_cache(maxsize=1)
def _index() -> dict[str, Traversable]:
    folder = asset("contexts")
    names = json.loads(folder.joinpath("index.json").read_text(encoding="utf-8"))
    return {url: folder.joinpath(name) for url, name in names.items()}


@lru_cache(maxsize=64)
def context_document(url: str) -> dict[str, Any]:
    path = _index().get(url)
    if path is None:
        raise ContextNotAvailable(f"JSON-LD context {url} is not available offline")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A PyLD document loader that serves the bundled contexts and refuses anything else."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}
