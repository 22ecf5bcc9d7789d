"""Fast RDFC-1.0 canonicalization for documents of a repeating shape.

JSON-LD processing (contexts, expansion, RDF conversion) is where canonicalizing a credential
spends its time, yet every credential questbot issues has one of a few shapes: only the
values differ. So each shape is turned into an RDF dataset once, with a placeholder for every
value, and each document fills its values into that dataset and runs only the URDNA2015
step. The output is byte-identical to ``canonical.canonical_nquads`` (a property test checks
it on generated credentials). Whenever a value could mean more than its text (an IRI that is
not plainly absolute, a numeral typed xsd:double, two values that make one triple), or the
document has what the template cannot show (inline contexts, @index, named graphs), the
document takes the reference path instead, which also raises exactly what PyLD raises."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pyld import jsonld

# Not PyLD's documented API: pyproject pins PyLD to the 3.x releases that have these
# (checked: unchanged from 3.0.0 to 3.3.0).
from pyld.canon import URDNA2015
from pyld.nquads import RDF_LANGSTRING, XSD_STRING, escape, serialize_nquad

from questbot.badges.canonical import canonical_nquads
from questbot.badges.contexts import offline_loader
from questbot.domain.errors import QuestbotError

Triple = dict[str, dict[str, str]]
# How to fill one component of a template triple: its part, the template's component, and
# the slot whose value it takes, _COPY (a blank node: URDNA2015 relabels it in place) or
# None (shared with the template).
_Filler = tuple[str, dict[str, str], int | None]
_COPY = -1

_SLOT = "urn:x-questbot-slot:"
_SLOT_VALUE = re.compile(re.escape(_SLOT) + r"(\d+)")
# Schemes of the IRIs questbot writes; none is a term or prefix in the bundled contexts (a
# test checks), so such an IRI expands to itself, exactly as the placeholder did.
_PLAIN_IRI = re.compile(r"(?:https?|did|urn):[^\s<>\"{}|\\^`]*")
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
# Values of these keys shape the graph rather than fill it (types pick scoped contexts,
# language tags and directions are not values, vocabulary terms expand), so they stay in the
# shape itself: a document with other ones gets a template of its own.
_NOT_SLOTTED = frozenset({"@context", "type", "@type", "@language", "@direction",
                          "identityType", "statusPurpose", "cryptosuite", "proofPurpose"})
_MAX_SHAPES = 256


class _Unsupported(QuestbotError):
    """The document has something a template cannot stand for."""


# A triple compiled once per template into N-Quads pieces: subject and object each a kind
# (fixed text, a blank node's template label renamed per use, or a slot's value as an IRI or
# as a literal with its datatype or language suffix), the predicate fixed text.
_TEXT, _BLANK, _IRI, _LITERAL = range(4)
# subject kind, text, slot; predicate text; object kind, text, slot, suffix
_Compiled = tuple[int, str, int, str, int, str, int, str]
# A quad with its values filled in: subject, is it a blank node, predicate, object, blank?
_Quad = tuple[str, bool, str, str, bool]


@dataclass(frozen=True)
class _Template:
    fillers: tuple[tuple[_Filler, ...], ...]
    iri_slots: frozenset[int]
    double_slots: frozenset[int]
    blank_nodes: int
    distinct: int
    # N-Quads compiled per triple (None if a triple has a part serialize_nquad would
    # treat otherwise, e.g. a graph name); which triples mention each blank node.
    quads: tuple[_Compiled, ...] | None = None
    mentions: tuple[tuple[str, tuple[int, ...]], ...] = ()


class FastCanonicalizer:
    def __init__(self) -> None:
        self._templates: OrderedDict[str, _Template | None] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.fallbacks = 0

    def __call__(self, document: dict[str, Any]) -> str:
        if _holds_proofs(document):
            # Embedded credentials' proofs are named graphs, which no template shows: skip
            # building one (a learner record's shape differs with every badge count).
            self.fallbacks += 1
            return canonical_nquads(document)
        found = self._matched(document)
        if found is None:
            self.fallbacks += 1
            return canonical_nquads(document)
        template, values = found
        if template.quads is not None:
            text = _canonical_from_quads(template, values)
            if text is not None:
                self.hits += 1
                return text
        triples = _fill(template, values)
        if triples is None:
            self.fallbacks += 1
            return canonical_nquads(document)
        self.hits += 1
        if template.blank_nodes <= 1:
            # URDNA2015 names a lone blank node _:c14n0 whatever it is, so the canonical
            # form is just the sorted quads (a proof configuration is such a document).
            return _serialize_with_one_blank_node(triples)
        simple = _labelled_by_first_degree_hashes(triples)
        if simple is not None:
            return simple
        result = URDNA2015().main({"@default": triples}, {"algorithm": "URDNA2015",
                                                          "format": "application/n-quads"})
        return str(result)

    def knows_cheaply(self, document: dict[str, Any], max_blank_nodes: int = 8) -> bool:
        """Whether the document has a shape already templated, with few blank nodes, so
        canonicalizing it costs a bounded, small amount of work (no JSON-LD expansion)."""
        values: list[str] = []
        try:
            key = json.dumps(_skeleton(document, values), sort_keys=True,
                             separators=(",", ":"))
        except (_Unsupported, RecursionError):
            return False
        with self._lock:
            template = self._templates.get(key)
        return template is not None and template.blank_nodes <= max_blank_nodes

    def _filled(self, document: dict[str, Any]) -> tuple[_Template, list[Triple]] | None:
        found = self._matched(document)
        if found is None:
            return None
        triples = _fill(*found)
        return None if triples is None else (found[0], triples)

    def _matched(self, document: dict[str, Any]) -> tuple[_Template, list[str]] | None:
        """The document's template and its values, if it fits one."""
        values: list[str] = []
        try:
            skeleton = _skeleton(document, values)
            key = json.dumps(skeleton, sort_keys=True, separators=(",", ":"))
        except (_Unsupported, RecursionError):
            return None
        if key.count(_SLOT) != len(values):
            return None  # the document itself holds the placeholder's form
        template = self._template(key, skeleton)
        if template is None or not _fits(template, values):
            return None
        return template, values

    def _template(self, key: str, skeleton: dict[str, Any]) -> _Template | None:
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


def _holds_proofs(document: dict[str, Any]) -> bool:
    """Whether a ``proof`` appears anywhere below the document's top level."""
    stack: list[Any] = [v for k, v in document.items() if k != "proof"]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "proof" in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _skeleton(node: Any, values: list[str]) -> Any:
    if isinstance(node, dict):
        return {_key(k): (_as_is(k, v) if k in _NOT_SLOTTED else _skeleton(v, values))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_skeleton(item, values) for item in node]
    if isinstance(node, str):
        values.append(node)
        return f"{_SLOT}{len(values) - 1}"
    return _scalar(node)


def _as_is(key: str, node: Any) -> Any:
    if key == "@context" and not _remote_contexts(node):
        # An inline context can make a prefix of "did" or "https", and a plain IRI would no
        # longer expand to itself.
        raise _Unsupported(key)
    if isinstance(node, dict):
        return {_key(k): _as_is(k, v) for k, v in node.items()}
    if isinstance(node, list):
        return [_as_is(key, item) for item in node]
    return node if isinstance(node, str) else _scalar(node)


def _remote_contexts(node: Any) -> bool:
    return isinstance(node, str) or (isinstance(node, list)
                                     and all(isinstance(item, str) for item in node))


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise _Unsupported(key)  # JSON keys are strings; json.dumps would hide the type
    return key


def _scalar(node: Any) -> Any:
    if node is None or isinstance(node, bool | int | float):
        return node
    raise _Unsupported(type(node).__name__)  # not JSON: PyLD may read it its own way


def _build(skeleton: dict[str, Any]) -> _Template | None:
    try:
        expanded = jsonld.expand(skeleton, {"documentLoader": offline_loader})
        dataset = jsonld.to_rdf(skeleton, {"documentLoader": offline_loader,
                                           "produceGeneralizedRdf": False})
    except Exception:  # whatever the skeleton raises, the document itself may not
        return None
    if set(dataset) != {"@default"} or _has_index(expanded):
        # Named graphs are left to the reference path; @index is not in the graph, yet two
        # nodes with one IRI and different indexes are an error only the values reveal.
        return None
    return _template_of(dataset["@default"])


def _has_index(node: Any) -> bool:
    if isinstance(node, dict):
        return "@index" in node or any(_has_index(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_index(item) for item in node)
    return False


def _template_of(triples: list[Triple]) -> _Template | None:
    iri_slots: set[int] = set()
    double_slots: set[int] = set()
    fillers = []
    for triple in triples:
        filler = []
        for part, component in triple.items():
            slot = _slot_of(component)
            if slot == _COPY or (slot is not None and part == "predicate"):
                return None  # a value became part of something larger: not safe
            if slot is not None and component["type"] == "IRI":
                iri_slots.add(slot)
            elif slot is not None and component.get("datatype") == _XSD_DOUBLE:
                double_slots.add(slot)
            copy = slot is None and component["type"] == "blank node"
            filler.append((part, component, _COPY if copy else slot))
        fillers.append(tuple(filler))
    if not _encodable(triples):
        return None  # a lone surrogate: PyLD fails where it hashes, the reference shows how
    quads = _compiled(fillers)
    mentions: dict[str, list[int]] = {}
    for index, triple in enumerate(triples):
        for part in ("subject", "object"):  # a triple naming a node twice counts twice
            if triple[part]["type"] == "blank node":
                mentions.setdefault(triple[part]["value"], []).append(index)
    return _Template(tuple(fillers), frozenset(iri_slots), frozenset(double_slots),
                     _blank_nodes(triples), len({_identity(t) for t in triples}), quads,
                     tuple((node, tuple(found)) for node, found in mentions.items()))


def _compiled(fillers: list[tuple[_Filler, ...]]) -> tuple[_Compiled, ...] | None:
    """Each triple as serialize_nquad writes it, its values left as slots; None if one has
    a part the compiled form does not cover (a graph name, a predicate not an IRI)."""
    quads = []
    for filler in fillers:
        parts = {part: (component, slot) for part, component, slot in filler}
        if set(parts) != {"subject", "predicate", "object"}:
            return None
        subject = _compiled_part("subject", *parts["subject"])
        obj = _compiled_part("object", *parts["object"])
        predicate, slot = parts["predicate"]
        if subject is None or obj is None or slot is not None or predicate["type"] != "IRI":
            return None
        quads.append((*subject[:3], f"<{predicate['value']}>", *obj))
    return tuple(quads)


def _compiled_part(part: str, component: dict[str, str], slot: int | None
                   ) -> tuple[int, str, int, str] | None:
    kind = component["type"]
    if kind == "blank node":
        return (_BLANK, component["value"], 0, "") if slot in (None, _COPY) else None
    if slot is None:
        return _TEXT, _component_text(part, component), 0, ""
    if kind == "IRI":
        return _IRI, "", slot, ""
    if part != "object" or kind != "literal":
        return None
    return _LITERAL, "", slot, _literal_suffix(component)


def _component_text(part: str, component: dict[str, str]) -> str:
    # as pyld.nquads.serialize_nquad writes a subject or object
    if component["type"] == "IRI":
        return f"<{component['value']}>"
    if part != "object":
        return component["value"]
    return f'"{escape(component["value"])}"{_literal_suffix(component)}'


def _literal_suffix(component: dict[str, str]) -> str:
    datatype = component.get("datatype")
    if datatype == RDF_LANGSTRING:
        language = component.get("language")
        return f"@{language}" if language else ""
    return "" if datatype == XSD_STRING else f"^^<{datatype}>"


def _quads(compiled: tuple[_Compiled, ...], values: list[str]) -> list[_Quad]:
    quads = []
    for s_kind, s_text, s_slot, predicate, o_kind, o_text, o_slot, suffix in compiled:
        subject = s_text if s_kind <= _BLANK else f"<{values[s_slot]}>"
        if o_kind <= _BLANK:
            obj = o_text
        elif o_kind == _IRI:
            obj = f"<{values[o_slot]}>"
        else:
            obj = f'"{escape(values[o_slot])}"{suffix}'
        quads.append((subject, s_kind == _BLANK, predicate, obj, o_kind == _BLANK))
    return quads


def _lines(quads: Iterable[_Quad], labels: dict[str, str]) -> list[str]:
    return [f"{labels[s] if s_blank else s} {p} {labels[o] if o_blank else o} .\n"
            for s, s_blank, p, o, o_blank in quads]


def _canonical_from_quads(template: _Template, values: list[str]) -> str | None:
    """What __call__ computes through _fill and serialize_nquad, from compiled quads: the
    sorted quads with one blank node, or labelled by unique first-degree hashes; None when
    two values made two triples one, or the hashes tie (the slower paths decide)."""
    assert template.quads is not None
    quads = _quads(template.quads, values)
    if len(set(quads)) != template.distinct:  # a quad's pieces are its identity
        return None
    nodes = [node for node, _ in template.mentions]
    if template.blank_nodes <= 1:
        return "".join(sorted(_lines(quads, dict.fromkeys(nodes, "_:c14n0"))))
    hashes: dict[str, str] = {}
    for node, mentioned in template.mentions:
        reference = dict.fromkeys(nodes, "_:z")
        reference[node] = "_:a"
        lines = sorted(_lines((quads[index] for index in mentioned), reference))
        hashes[node] = hashlib.sha256("".join(lines).encode()).hexdigest()
    if len(set(hashes.values())) != len(hashes):
        return None
    labels = {node: f"_:c14n{index}"
              for index, node in enumerate(sorted(hashes, key=hashes.__getitem__))}
    return "".join(sorted(_lines(quads, labels)))


def _slot_of(component: dict[str, str]) -> int | None:
    """The slot a component is, None if it has none, _COPY if a slot is only part of it."""
    if not any(_SLOT in text for text in component.values()):
        return None
    match = _SLOT_VALUE.fullmatch(component["value"])
    if match is None or any(_SLOT in text for name, text in component.items()
                            if name != "value"):
        return _COPY
    return int(match.group(1))


def _fits(template: _Template, values: list[str]) -> bool:
    if any(not _PLAIN_IRI.fullmatch(values[i]) for i in template.iri_slots):
        return False
    if any(_numeral(values[i]) for i in template.double_slots):
        return False  # PyLD rewrites such a literal in canonical double form
    return _encodable_text("".join(values))


def _encodable(triples: list[Triple]) -> bool:
    return _encodable_text("".join(text for triple in triples for component in triple.values()
                                   for text in component.values()))


def _encodable_text(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _numeral(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _fill(template: _Template, values: list[str]) -> list[Triple] | None:
    filled = []
    for fillers in template.fillers:
        triple = {}
        for part, component, slot in fillers:
            if slot is None:
                triple[part] = component
            elif slot == _COPY:
                triple[part] = dict(component)
            else:
                triple[part] = {**component, "value": values[slot]}
        filled.append(triple)
    if len({_identity(t) for t in filled}) != template.distinct:
        # Two values made two triples one: PyLD's node map merges them, and whether it keeps
        # both depends on more than the triple (an @index, a direction).
        return None
    return filled


def _identity(triple: Triple) -> tuple[str | None, ...]:
    subject, predicate, obj = triple["subject"], triple["predicate"], triple["object"]
    return (subject["type"], subject["value"], predicate["value"], obj["type"], obj["value"],
            obj.get("datatype"), obj.get("language"))


def _blank_nodes(triples: list[Triple]) -> int:
    return len({component["value"] for triple in triples for component in triple.values()
                if component["type"] == "blank node"})


def _serialize_with_one_blank_node(triples: list[Triple]) -> str:
    lines = []  # a list, as URDNA2015 keeps a triple the dataset holds twice
    for triple in triples:
        renamed = {part: ({**component, "value": "_:c14n0"}
                          if component["type"] == "blank node" else component)
                   for part, component in triple.items()}
        lines.append(serialize_nquad(renamed, None))
    return "".join(sorted(lines))


def _labelled_by_first_degree_hashes(triples: list[Triple]) -> str | None:
    """RDFC-1.0 when every blank node's first-degree hash is unique, else None.

    Then the algorithm needs none of its n-degree steps (the expensive ones): the canonical
    labels _:c14n0, _:c14n1, ... follow the order of those hashes (RDFC-1.0 4.4.3 step 5),
    exactly as PyLD's URDNA2015 would issue them; with a tie, the full algorithm runs."""
    mentions: dict[str, list[Triple]] = {}
    for triple in triples:
        for part in ("subject", "object"):  # a triple naming a node twice counts twice
            component = triple[part]
            if component["type"] == "blank node":
                mentions.setdefault(component["value"], []).append(triple)
    hashes: dict[str, str] = {}
    for node, quads in mentions.items():
        lines = sorted(serialize_nquad({part: _as_reference(component, node)
                                        for part, component in quad.items()}, None)
                       for quad in quads)
        hashes[node] = hashlib.sha256("".join(lines).encode()).hexdigest()
    if len(set(hashes.values())) != len(hashes):
        return None
    order = sorted(hashes, key=hashes.__getitem__)
    labels = {node: f"_:c14n{index}" for index, node in enumerate(order)}
    lines = [serialize_nquad({part: ({**component, "value": labels[component["value"]]}
                                     if component["type"] == "blank node" else component)
                              for part, component in triple.items()}, None)
             for triple in triples]
    return "".join(sorted(lines))


def _as_reference(component: dict[str, str], node: str) -> dict[str, str]:
    if component["type"] != "blank node":
        return component
    return {**component, "value": "_:a" if component["value"] == node else "_:z"}
