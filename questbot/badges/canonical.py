"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, with the contexts offline.

``canonical_nquads`` is the reference: PyLD's URDNA2015 (what RDFC-1.0 standardised; PyLD's
default, URGNA2012, is wrong here). ``check_all_terms_defined`` does what JSON-LD "safe mode"
verifiers do, because PyLD silently drops properties the contexts do not define and a
signature over the smaller graph is rejected elsewhere."""

from __future__ import annotations

import copy
from typing import Any

from pyld import jsonld

from questbot.badges.contexts import offline_loader
from questbot.domain.errors import QuestbotError

_UNDEFINED = "urn:questbot:undefined-term:"


class UndefinedTerms(QuestbotError, ValueError):
    """The document uses terms its contexts do not define."""


def canonical_nquads(document: dict[str, Any]) -> str:
    result = jsonld.normalize(document, {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": offline_loader,
    })
    return str(result)


def check_all_terms_defined(document: dict[str, Any]) -> None:
    probe = copy.deepcopy(document)
    contexts = probe.get("@context", [])
    probe["@context"] = [*(contexts if isinstance(contexts, list) else [contexts]),
                         {"@vocab": _UNDEFINED}]
    expanded = jsonld.expand(probe, {"documentLoader": offline_loader})
    undefined = sorted(_find_undefined(expanded))
    if undefined:
        raise UndefinedTerms("terms not defined by the contexts: " + ", ".join(undefined))


def _find_undefined(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key.startswith(_UNDEFINED):
                found.add(key[len(_UNDEFINED):])
            if key == "@type":
                types = value if isinstance(value, list) else [value]
                found |= {t[len(_UNDEFINED):] for t in types
                          if isinstance(t, str) and t.startswith(_UNDEFINED)}
            found |= _find_undefined(value)
    elif isinstance(node, list):
        for item in node:
            found |= _find_undefined(item)
    return found
