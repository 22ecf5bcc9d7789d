"""The fast canonicalization is byte-identical to the reference (PyLD, URDNA2015), and the
proofs reproduce 1EdTech's eddsa-rdfc-2022 test vector."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from questbot.badges import ob3
from questbot.badges.canonical import canonical_nquads, check_all_terms_defined
from questbot.badges.contexts import context_document
from questbot.badges.fastcanon import FastCanonicalizer
from questbot.badges.multikey import (
    did_key,
    encode_signature,
    public_key_multibase,
    verification_method,
)
from questbot.badges.proof import ProofError, hash_data, proof_config, sign, verify
from tests.badge_fixtures import ISSUER, URLS, badge_class, facts, recipient
from tests.conftest import ROOT

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


def test_the_schemes_questbot_writes_are_not_terms_of_any_bundled_context() -> None:
    index = json.loads((ROOT / "assets" / "contexts" / "index.json").read_text())
    for url in index:
        terms = _terms(context_document(url))
        assert not {"http", "https", "did", "urn"} & terms, url


def _terms(document: dict[str, Any]) -> set[str]:
    context = document.get("@context", {})
    contexts = context if isinstance(context, list) else [context]
    found: set[str] = set()
    for item in contexts:
        if isinstance(item, dict):
            found |= set(item)
            for value in item.values():
                if isinstance(value, dict) and isinstance(value.get("@context"), dict):
                    found |= set(value["@context"])
    return found


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
