"""Fast RDFC-1.0 canonicalization for documents of a repeating shape.

JSON-LD processing (contexts, expansion, RDF conversion) is where canonicalizing a credential
spends its time, yet every credential questbot issues has one of a few shapes: only the
values differ. So each shape is turned into an RDF dataset once, with a placeholder for every
value, and each document fills its values into that dataset and runs only the URDNA2015
step. The output is byte-identical to ``canonical.canonical_nquads`` (a property test checks
it on generated credentials); a value whose meaning could depend on its form (an IRI that is
not plainly absolute) falls back to the reference path."""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.nquads import serialize_nquad

from questbot.badges.canonical import canonical_nquads
from questbot.badges.contexts import offline_loader

_SLOT = "urn:x-questbot-slot:"
_SLOT_VALUE = re.compile(r"^urn:x-questbot-slot:(\d+)$")
# Schemes of the IRIs questbot writes; none is a term in the bundled contexts (a test checks),
# so such an IRI expands to itself, exactly as the placeholder did.
_PLAIN_IRI = re.compile(r"^(?:https?|did|urn):[^\s<>\"{}|\\^`]*$")
_NOT_SLOTTED = frozenset({"@context", "type", "@type", "identityType", "statusPurpose",
                          "cryptosuite", "proofPurpose"})
_MAX_SHAPES = 256


@dataclass(frozen=True)
class _Template:
    dataset: dict[str, list[dict[str, Any]]]
    iri_slots: frozenset[int]
    blank_nodes: int


class FastCanonicalizer:
    def __init__(self) -> None:
        self._templates: OrderedDict[str, _Template | None] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.fallbacks = 0

    def __call__(self, document: dict[str, Any]) -> str:
        values: list[str] = []
        skeleton = _skeleton(document, values)
        key = json.dumps(skeleton, sort_keys=True, separators=(",", ":"))
        template = self._template(key, skeleton)
        if template is None or any(not _PLAIN_IRI.match(values[i]) for i in template.iri_slots):
            self.fallbacks += 1
            return canonical_nquads(document)
        self.hits += 1
        dataset = _fill(template.dataset, values)
        if template.blank_nodes <= 1:
            # URDNA2015 names a lone blank node _:c14n0 whatever it is, so the canonical
            # form is just the sorted quads (a proof configuration is such a document).
            return _serialize_with_one_blank_node(dataset)
        result = URDNA2015().main(dataset, {"algorithm": "URDNA2015",
                                            "format": "application/n-quads"})
        return str(result)

    def _template(self, key: str, skeleton: Any) -> _Template | None:
        with self._lock:
            if key in self._templates:
                self._templates.move_to_end(key)
                return self._templates[key]
        template = _build(skeleton)
        with self._lock:
            self._templates[key] = template
            while len(self._templates) > _MAX_SHAPES:
                self._templates.popitem(last=False)
        return template


def _skeleton(node: Any, values: list[str], key: str | None = None) -> Any:
    if isinstance(node, dict):
        return {k: (v if k in _NOT_SLOTTED else _skeleton(v, values, k))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_skeleton(item, values, key) for item in node]
    if isinstance(node, str):
        values.append(node)
        return f"{_SLOT}{len(values) - 1}"
    return node


def _build(skeleton: Any) -> _Template | None:
    dataset = jsonld.to_rdf(skeleton, {"documentLoader": offline_loader,
                                       "produceGeneralizedRdf": False})
    iri_slots: set[int] = set()
    blank_nodes: set[str] = set()
    for triples in dataset.values():
        for triple in triples:
            for component in (triple["subject"], triple["predicate"], triple["object"]):
                value = component["value"]
                if component["type"] == "blank node":
                    blank_nodes.add(value)
                if _SLOT not in value:
                    continue
                match = _SLOT_VALUE.match(value)
                if match is None or component is triple["predicate"]:
                    return None  # a value became part of something larger: not safe
                if component["type"] == "IRI":
                    iri_slots.add(int(match.group(1)))
    if any(graph != "@default" for graph in dataset):
        return None  # named graphs: leave them to the reference path
    return _Template(dataset, frozenset(iri_slots), len(blank_nodes))


def _fill(template: dict[str, list[dict[str, Any]]], values: list[str]
          ) -> dict[str, list[dict[str, Any]]]:
    # IRIs and literals without a slot are shared with the template; blank nodes are
    # copied, because URDNA2015 relabels them in place.
    filled: dict[str, list[dict[str, Any]]] = {}
    for graph, triples in template.items():
        seen: set[tuple[Any, ...]] = set()
        out = []
        for triple in triples:
            subject = _fill_component(triple["subject"], values)
            obj = _fill_component(triple["object"], values)
            identity = (subject["type"], subject["value"], triple["predicate"]["value"],
                        obj["type"], obj["value"], obj.get("datatype"), obj.get("language"))
            if identity in seen:
                continue  # the dataset is a set: two slots with one value make one quad
            seen.add(identity)
            out.append({"subject": subject, "predicate": triple["predicate"], "object": obj})
        filled[graph] = out
    return filled


def _serialize_with_one_blank_node(dataset: dict[str, list[dict[str, Any]]]) -> str:
    lines = set()
    for triples in dataset.values():
        for triple in triples:
            renamed = {part: ({**component, "value": "_:c14n0"}
                              if component["type"] == "blank node" else component)
                       for part, component in triple.items()}
            lines.add(serialize_nquad(renamed, None))
    return "".join(sorted(lines))


def _fill_component(component: dict[str, Any], values: list[str]) -> dict[str, Any]:
    value = component["value"]
    if value.startswith(_SLOT):
        return {**component, "value": values[int(value[len(_SLOT):])]}
    return dict(component) if component["type"] == "blank node" else component
