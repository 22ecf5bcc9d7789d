"""The fast canonicalization is byte-identical to the reference (PyLD, URDNA2015), and the
proofs reproduce 1EdTech's eddsa-rdfc-2022 test vector."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from questbot.badges import ob3
from questbot.badges.canonical import canonical_nquads, check_all_terms_defined
from questbot.badges.clr import RecordedBadge, clr_credential
from questbot.badges.contexts import OB_EXTENSIONS, OB_V3, VC_V2, context_document
from questbot.badges.fastcanon import FastCanonicalizer
from questbot.badges.multikey import (
    did_key,
    encode_signature,
    public_key_multibase,
    verification_method,
)
from questbot.badges.proof import ProofError, hash_data, proof_config, sign, verify
from questbot.badges.status import status_list_credential
from tests.badge_fixtures import ISSUER, URLS, badge_class, facts, recipient
from tests.conftest import ROOT
from tests.paths import ASSETS

VECTOR = json.loads((ROOT / "tests" / "data" / "eddsa-rdfc-2022-test-vector.json").read_text())
FAST = FastCanonicalizer()
KEY = SigningKey(b"\x01" * 32)
DID = did_key(bytes(KEY.verify_key))


def test_the_1edtech_test_vector_is_reproduced_by_both_paths() -> None:
    document = VECTOR["unsigned_credential"]
    options = {**VECTOR["proof_options"], "@context": document["@context"]}
    key = SigningKey(bytes.fromhex(VECTOR["key_seed_hex"]))
    assert public_key_multibase(bytes(key.verify_key)) == VECTOR["public_key_multibase"]
    for canonicalize in (canonical_nquads, FAST):
        data = hash_data(options, document, canonicalize)
        assert data[:32].hex() == VECTOR["expected"]["proof_config_sha256_hex"]
        assert data[32:].hex() == VECTOR["expected"]["document_sha256_hex"]
        signature = key.sign(data).signature
        assert encode_signature(signature) == VECTOR["expected"]["proofValue"]


text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
               max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=text, description=text, criteria=text,
       tags=st.lists(text, max_size=3), evidence=st.dictionaries(text, text, max_size=3),
       salt=st.text("abcdef0123456789", min_size=4, max_size=16),
       expires=st.booleans(), index=st.integers(0, 131_071),
       alignments=st.lists(st.fixed_dictionaries(
           {"targetName": text, "targetUrl": st.sampled_from(
               ["https://example.org/a", "http://x.test/b?c=d#e", "urn:isbn:123"])}),
           max_size=2))
def test_fast_canonical_form_is_byte_identical(
        name: str, description: str, criteria: str, tags: list[str], evidence: dict[str, str],
        salt: str, expires: bool, index: int, alignments: list[dict[str, str]]) -> None:
    info = badge_class(name, tuple(tags), tuple(alignments), description, criteria)
    document = ob3.credential(facts("aw1", evidence, expires, index), info,
                              recipient(salt=salt), issuer=ISSUER, issuer_did=DID, urls=URLS)
    assert FAST(document) == canonical_nquads(document)


@settings(max_examples=40, deadline=None)
@given(created=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1)),
       seed=st.binary(min_size=32, max_size=32))
def test_proof_configurations_take_the_one_blank_node_path_and_match(created: datetime,
                                                                      seed: bytes) -> None:
    public = bytes(SigningKey(seed).verify_key)
    document = ob3.credential(facts(), badge_class(), recipient(), issuer=ISSUER,
                              issuer_did=did_key(public), urls=URLS)
    config = proof_config(document, verification_method(public), created.replace(tzinfo=UTC))
    assert FAST(config) == canonical_nquads(config)


def test_an_unusual_iri_takes_the_reference_path_and_still_matches() -> None:
    fast = FastCanonicalizer()
    document = ob3.credential(facts(), badge_class(), recipient(), issuer=ISSUER,
                              issuer_did=DID, urls=URLS)
    document["id"] = "relative/path"  # resolved against a base: not a plain IRI
    assert fast(document) == canonical_nquads(document)
    assert fast.fallbacks == 1


def test_no_bundled_context_changes_what_a_plain_iri_means() -> None:
    # The fast path fills IRIs of these schemes in where its placeholders stood; that is exact
    # only while no context makes a scheme a prefix or a whole IRI a term.
    index = json.loads((ASSETS / "contexts" / "index.json").read_text())
    for url in index:
        terms = _terms(context_document(url).get("@context"))
        assert not {"http", "https", "did", "urn", "@import"} & terms, url
        assert not [t for t in terms if t.startswith(("http:", "https:", "did:", "urn:"))], url


def _terms(context: Any) -> set[str]:
    """The terms a context defines, in the contexts it scopes to terms too."""
    if isinstance(context, list):
        return set().union(*(_terms(item) for item in context))
    if not isinstance(context, dict):
        return set()
    found = set(context)
    for value in context.values():
        if isinstance(value, dict):
            found |= _terms(value.get("@context"))
    return found


def test_questbot_documents_take_the_fast_path() -> None:
    fast = FastCanonicalizer()
    method = verification_method(bytes(KEY.verify_key))
    documents = [ob3.credential(facts(f"aw{n}", {"Quiz": f"score: {n}/4"}, n == 1, n),
                                badge_class(), recipient(f"learner{n}@example.org", f"s{n}"),
                                issuer=ISSUER, issuer_did=DID, urls=URLS) for n in range(3)]
    documents += [status_list_credential(revoked, DID, URLS.status_list, facts().awarded_at)
                  for revoked in ([], [3, 7])]
    documents += [proof_config(document, method, facts().awarded_at) for document in documents]
    for document in documents:
        assert fast(document) == canonical_nquads(document)
    assert (fast.hits, fast.fallbacks) == (len(documents), 0)


def test_issued_credentials_use_only_defined_terms_and_verify() -> None:
    document = ob3.credential(facts(expires=True), badge_class(), recipient(), issuer=ISSUER,
                              issuer_did=DID, urls=URLS)
    check_all_terms_defined(document)
    signed = sign(document, KEY, verification_method(bytes(KEY.verify_key)),
                  facts().awarded_at, FAST)
    assert isinstance(signed["proof"], list)
    verify(signed, bytes(KEY.verify_key), signed["proof"][0])  # reference canonicalizer
    changed = {**signed, "name": "Python Expert"}
    with pytest.raises(ProofError, match="does not match"):
        verify(changed, bytes(KEY.verify_key), signed["proof"][0])
    assert hashlib.sha256(FAST(document).encode()).digest() == \
        hashlib.sha256(canonical_nquads(document).encode()).digest()


# --- generated documents: the fast path against PyLD, byte for byte -----------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
CONTEXTS = [VC_V2, OB_V3, OB_EXTENSIONS]
IRIS = ["https://example.org/a", "https://example.org/b", "did:key:z6Mkf", "urn:uuid:1",
        "http://127.0.0.1:8080/c/1", "https://example.org/é?q=1&r=%20#f", "https:no-slashes",
        "https://example.org/a\x00b", "did:web:example.org%3A8443"]
LANGUAGES = ["en", "EN", "en-US", "de-CH-1996", "x", "", "not a tag", "@none"]
# Text that trips serializers and canonicalizers: escapes, controls, line separators,
# keywords, blank node labels, numerals, terms, IRIs in literal places.
AWKWARD = ["", " ", "\\", '"', "\\n", '\\"', "\n", "\r\n", "\t", "\x00", "\x1f", "\x7f",
           "\x85", "\u2028", "\U0001f600", "@id", "@type", "@value", "@context", "_:b0",
           "_:c14n0", "1", "-0", "1.5", "1e3", " 2 ", "1_000", "NaN", "-inf", "true",
           "relative/path", "#frag", "//host/x", "xsd:string", "ex:thing", "Achievement",
           "name", "en", "https://example.org/a", "did:key:z6Mkf"]
# What the fast path has to notice and leave to PyLD: its placeholder's form, lone
# surrogates, IRIs that are not plainly absolute.
HOSTILE = ["urn:x-questbot-slot:0", "urn:x-questbot-slot:1", "x urn:x-questbot-slot:2",
           "\ud800", "a\udfffb", "http://a b", "https://a\n", "did:x>y", "mailto:a@b.c",
           "_:b1", "HTTPS://EXAMPLE.ORG/"]
# What the bundled contexts lack, and contexts that change what a plain IRI means or fail.
INLINE: list[dict[str, Any]] = [
    {"ex": "https://example.org/vocab#",
     "langMap": {"@id": "ex:langMap", "@container": "@language"},
     "idMap": {"@id": "ex:idMap", "@container": "@id"},
     "data": {"@id": "ex:data", "@type": "@json"},
     "measure": {"@id": "ex:measure", "@type": XSD + "double"}},
    {"did": "https://evil.example/"},
    {"@language": "fr"},
    {"name": "https://example.org/not-allowed"},  # a protected term
]
PLAIN_PATH = st.characters(exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"],
                           exclude_characters='<>"{}|\\^`')


@dataclass(frozen=True)
class Leaves:
    """Where a document's values come from. Mild ones keep to what the fast path fills in
    itself; wild ones add what it has to leave to PyLD (and PyLD's own errors)."""

    wild: bool
    strings: st.SearchStrategy[str]
    iris: st.SearchStrategy[str]
    texts: st.SearchStrategy[Any]
    scalars: st.SearchStrategy[Any]


def leaves(wild: bool) -> Leaves:
    letters = st.characters(exclude_categories=[] if wild else ["Cs"])
    strings = st.one_of(st.sampled_from(AWKWARD + (HOSTILE if wild else [])),
                        st.text(letters, max_size=16))
    iris = st.one_of(st.sampled_from(IRIS), st.builds("https://example.org/".__add__,
                                                      st.text(PLAIN_PATH, max_size=8)))
    if wild:
        iris = st.one_of(iris, strings)
    languages = st.sampled_from(LANGUAGES)
    tagged = st.one_of(
        st.fixed_dictionaries({"@value": strings, "@language": languages}),
        st.fixed_dictionaries({"@value": strings, "@direction": st.sampled_from(
            ["ltr", "rtl"])}, optional={"@language": languages}),
        st.fixed_dictionaries({"@value": strings, "@type": st.sampled_from(
            [XSD + "dateTime", XSD + "string", XSD + "integer", "https://example.org/t"])}))
    if wild:
        tagged = st.one_of(
            tagged,
            st.fixed_dictionaries({"@value": strings, "@language": strings}),
            st.fixed_dictionaries({"@value": strings, "@direction": strings}),
            st.fixed_dictionaries({"@value": strings, "@type": st.sampled_from(
                [XSD + "double", "@json"])}),
            st.fixed_dictionaries({"@value": st.dictionaries(
                st.sampled_from(["a", "b", "é"]), strings, max_size=2), "@type": st.just(
                    "@json")}),
            st.fixed_dictionaries({"@value": strings, "@index": strings}))
    numbers = st.one_of(st.integers(), st.integers(-(2**80), 2**80), st.booleans(),
                        st.floats(), st.sampled_from([0, 1, 1.0, -0.0, 1e21, 10**21, 2.5]))
    return Leaves(wild, strings, iris, st.one_of(strings, strings, tagged),
                  st.one_of(strings, numbers, tagged))


def optional(draw: st.DrawFn, document: dict[str, Any], key: str,
             strategy: st.SearchStrategy[Any]) -> None:
    if draw(st.booleans()):
        document[key] = draw(strategy)


def some(strategy: st.SearchStrategy[Any], size: int = 3) -> st.SearchStrategy[list[Any]]:
    return st.lists(strategy, max_size=size)


@st.composite
def achievements(draw: st.DrawFn, v: Leaves) -> dict[str, Any]:
    document: dict[str, Any] = {"id": draw(v.iris), "type": ["Achievement"],
                                "name": draw(v.texts)}
    optional(draw, document, "description", v.texts)
    optional(draw, document, "criteria", st.one_of(v.iris, st.fixed_dictionaries(
        {"narrative": v.texts}, optional={"id": v.iris})))
    optional(draw, document, "image", st.one_of(v.iris, st.fixed_dictionaries(
        {"id": v.iris, "type": st.just("Image")}, optional={"caption": v.texts})))
    optional(draw, document, "tag", some(st.one_of(st.sampled_from(["python", "go"]),
                                                   v.strings)))
    optional(draw, document, "alignment", some(st.fixed_dictionaries(
        {"type": st.just(["Alignment"]), "targetName": v.texts, "targetUrl": v.iris},
        optional={"targetFramework": v.texts, "targetCode": v.scalars})))
    optional(draw, document, "resultDescription", some(st.fixed_dictionaries(
        {"id": v.iris, "type": st.just(["ResultDescription"]), "name": v.texts,
         "resultType": st.sampled_from(["GradePointAverage", "Status"])},
        optional={"allowedValue": some(v.strings, 4), "valueMax": v.scalars}), 2))
    optional(draw, document, "creditsAvailable", v.scalars)
    optional(draw, document, "inLanguage", v.strings)
    return document


@st.composite
def subjects(draw: st.DrawFn, v: Leaves) -> dict[str, Any]:
    document: dict[str, Any] = {"type": ["AchievementSubject"],
                                "achievement": draw(achievements(v))}
    optional(draw, document, "id", v.iris)
    optional(draw, document, "identifier", some(st.fixed_dictionaries({
        "type": st.just("IdentityObject"), "identityHash": v.strings,
        "identityType": st.sampled_from(["emailAddress", "identifier", "sourcedId"]),
        "hashed": st.one_of(st.booleans(), v.strings), "salt": v.strings}), 2))
    optional(draw, document, "result", some(st.fixed_dictionaries(
        {"type": st.just(["Result"])},
        optional={"value": v.scalars, "status": v.strings, "achievedLevel": v.iris,
                  "resultDescription": v.iris}), 2))
    optional(draw, document, "creditsEarned", v.scalars)
    optional(draw, document, "activityStartDate", v.strings)
    return document


@st.composite
def issuers(draw: st.DrawFn, v: Leaves) -> Any:
    if draw(st.booleans()):
        return draw(v.iris)
    document: dict[str, Any] = {"id": draw(v.iris), "type": ["Profile"],
                                "name": draw(v.texts)}
    for key, strategy in (("url", v.iris), ("email", v.strings), ("description", v.texts),
                          ("image", v.iris), ("official", v.scalars)):
        optional(draw, document, key, strategy)
    return document


@st.composite
def credentials(draw: st.DrawFn, v: Leaves) -> dict[str, Any]:
    inline: list[dict[str, Any]] = (draw(st.lists(st.sampled_from(INLINE), max_size=1))
                                    if v.wild else [])
    document: dict[str, Any] = {
        "@context": [*CONTEXTS, *inline],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": draw(issuers(v)),
        "validFrom": draw(st.one_of(st.just("2026-11-29T10:00:00Z"), v.strings)),
        "name": draw(v.texts),
        "credentialSubject": draw(subjects(v)),
    }
    optional(draw, document, "id", v.iris)
    optional(draw, document, "description", v.texts)
    optional(draw, document, "validUntil", v.strings)
    optional(draw, document, "evidence", some(st.fixed_dictionaries(
        {"type": st.just(["Evidence"]), "name": v.texts, "narrative": v.texts},
        optional={"id": v.iris})))
    optional(draw, document, "credentialSchema", st.just(
        [{"id": ob3.SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]))
    optional(draw, document, "credentialStatus", st.fixed_dictionaries({
        "id": v.iris, "type": st.just("BitstringStatusListEntry"),
        "statusPurpose": st.sampled_from(["revocation", "suspension"]),
        "statusListIndex": v.strings, "statusListCredential": v.iris}))
    if inline and "langMap" in inline[0]:
        optional(draw, document, "langMap", st.dictionaries(
            st.sampled_from(LANGUAGES), st.one_of(v.strings, some(v.strings, 2)), max_size=3))
        optional(draw, document, "idMap", st.dictionaries(
            st.sampled_from(IRIS), st.fixed_dictionaries({"name": v.texts}), max_size=2))
        optional(draw, document, "data", v.scalars)
        optional(draw, document, "measure", v.strings)
    return document


@st.composite
def status_lists(draw: st.DrawFn, v: Leaves) -> dict[str, Any]:
    return {"@context": [VC_V2], "id": draw(v.iris),
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": draw(v.iris), "validFrom": draw(v.strings),
            "credentialSubject": {"id": draw(v.iris), "type": "BitstringStatusList",
                                  "statusPurpose": "revocation",
                                  "encodedList": draw(v.strings)}}


@st.composite
def proof_configs(draw: st.DrawFn, v: Leaves) -> dict[str, Any]:
    return {"@context": draw(st.sampled_from([CONTEXTS, [VC_V2]])),
            "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
            "created": draw(v.strings), "verificationMethod": draw(v.iris),
            "proofPurpose": "assertionMethod"}


def documents(v: Leaves) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(credentials(v), credentials(v), status_lists(v), proof_configs(v))


def revalued(node: Any, draw: Callable[[st.SearchStrategy[Any]], Any], v: Leaves) -> Any:
    """The same document with other values in places (and its keys in another order at
    times): the fast path fills the template it made for the first one, or makes another."""
    if isinstance(node, dict):
        items = list(node.items())
        if draw(st.integers(0, 3)) == 0:
            items.reverse()
        return {key: value if key == "type" or (key.startswith("@") and key != "@value")
                else revalued(value, draw, v) for key, value in items}
    if isinstance(node, list):
        return [revalued(item, draw, v) for item in node]
    if isinstance(node, str):
        fresh = v.iris if node.startswith(("https:", "http:", "did:", "urn:")) else v.strings
        return draw(st.one_of(st.just(node), fresh))
    return node


Outcome = tuple[str, str]


def outcome(canonicalize: Callable[[dict[str, Any]], str], document: dict[str, Any]
            ) -> Outcome:
    try:
        return "ok", canonicalize(document)
    except Exception as exc:  # PyLD raises several kinds; the fast path must raise alike
        return type(exc).__name__, str(exc)


def test_generated_documents_canonicalize_byte_identically() -> None:
    tally = {"documents": 0, "hits": 0}

    @settings(max_examples=300, deadline=None, suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def compare(data: st.DataObject) -> None:
        v = leaves(wild=data.draw(st.sampled_from([False, False, True])))
        first = data.draw(documents(v))
        second = revalued(first, data.draw, v)
        expected = {id(first): outcome(canonical_nquads, first),
                    id(second): outcome(canonical_nquads, second)}
        fast = FastCanonicalizer()
        for document in (first, second, first):  # templated, filled, filled again
            assert outcome(fast, document) == expected[id(document)]
        tally["documents"] += 3
        tally["hits"] += fast.hits

    compare()
    assert tally["documents"] >= 900
    assert tally["hits"] >= tally["documents"] // 3  # the fast path itself was compared


# --- each difference the generated documents found, as the smallest example --------------

SUBJECT = "https://example.org/s"


def minimal(**values: Any) -> dict[str, Any]:
    return {"@context": [VC_V2, OB_V3], "id": "https://example.org/c",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": "did:key:z6Mkf", "validFrom": "2026-01-01T00:00:00Z", **values}


@pytest.mark.parametrize(("document", "filled_in"), [
    pytest.param(minimal(name={"@value": "Grundlagen", "@language": "de"}), True,
                 id="language tag"),
    pytest.param(minimal(name={"@value": "x", "@direction": "rtl"}), True, id="direction"),
    pytest.param(minimal(name={"@value": "1", "@type": XSD + "double"}), False,
                 id="numeral typed xsd:double"),
    pytest.param(minimal(credentialSubject={"type": ["AchievementSubject"], "name": "\ud800"}),
                 False, id="lone surrogate"),
    pytest.param(minimal(credentialSubject={"id": SUBJECT, "type": ["urn:x-questbot-slot:0"]}),
                 False, id="placeholder form"),
    pytest.param({**minimal(), "@context": [VC_V2, OB_V3, {"did": "https://evil.example/"}]},
                 False, id="inline context"),
    pytest.param(minimal(credentialSubject=[{"id": SUBJECT, "@index": "a"},
                                            {"id": SUBJECT, "@index": "b"}]), False,
                 id="conflicting indexes"),
    pytest.param(minimal(description=[{"@value": "x", "@index": "a"},
                                      {"@value": "x", "@index": "b"}]), False,
                 id="equal values with indexes"),
    pytest.param(minimal(description=["x", "x"]), False, id="equal values"),
    pytest.param(minimal(name={"@value": "x", "@direction": "up"}), False, id="PyLD error"),
])
def test_each_difference_found_is_filled_in_exactly_or_left_to_pyld(
        document: dict[str, Any], filled_in: bool) -> None:
    fast = FastCanonicalizer()
    assert outcome(fast, document) == outcome(canonical_nquads, document)
    assert (fast.hits, fast.fallbacks) == ((1, 0) if filled_in else (0, 1))


def test_a_learner_record_goes_to_the_reference_path_at_once_and_matches() -> None:
    """The badges inside a record carry proofs (named graphs): no template is tried."""
    fast = FastCanonicalizer()
    method = verification_method(bytes(KEY.verify_key))
    badges = [RecordedBadge("python-basics.badge", sign(
        ob3.credential(facts(f"aw{n}"), badge_class(), recipient(salt=f"s{n}"), issuer=ISSUER,
                       issuer_did=DID, urls=URLS), KEY, method, facts().awarded_at))
              for n in range(2)]
    record = clr_credential(badges, {}, recipient(), record_id="urn:uuid:1", name="Record",
                            issuer=ISSUER, issuer_did=DID, valid_from=facts().awarded_at)
    assert fast(record) == canonical_nquads(record)
    assert (fast.hits, fast.fallbacks) == (0, 1)
    assert not fast.knows_cheaply(record)
