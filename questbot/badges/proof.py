"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa), as pure
functions: canonicalize the proof configuration and the document, hash each with SHA-256,
sign the proof hash followed by the document hash with Ed25519."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from questbot.badges.canonical import canonical_nquads
from questbot.badges.multikey import decode_signature, encode_signature
from questbot.domain.errors import QuestbotError

CRYPTOSUITE = "eddsa-rdfc-2022"
LEGACY_SUITE = "Ed25519Signature2020"  # the same computation, named before cryptosuites
Canonicalizer = Callable[[dict[str, Any]], str]


class ProofError(QuestbotError, ValueError):
    """The proof is missing, malformed or of a kind this verifier does not check."""


class ProofMismatch(ProofError):
    """The signature does not match the document: it was changed, or signed by another key."""


def proof_config(document: dict[str, Any], verification_method: str, created: datetime
                 ) -> dict[str, Any]:
    return {
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def hash_data(config: dict[str, Any], unsecured: dict[str, Any],
              canonicalize: Canonicalizer = canonical_nquads) -> bytes:
    config_hash = hashlib.sha256(canonicalize(config).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(unsecured).encode()).digest()
    return config_hash + document_hash


def sign(document: dict[str, Any], key: SigningKey, verification_method: str,
         created: datetime, canonicalize: Canonicalizer = canonical_nquads) -> dict[str, Any]:
    """The document with a ``proof`` array holding one DataIntegrityProof."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = proof_config(unsecured, verification_method, created)
    signature = key.sign(hash_data(config, unsecured, canonicalize)).signature
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = encode_signature(signature)
    return {**unsecured, "proof": [proof]}


def verify(document: dict[str, Any], public_key: bytes, proof: dict[str, Any],
           canonicalize: Canonicalizer = canonical_nquads) -> None:
    """Raise ProofError unless ``proof`` is a valid eddsa-rdfc-2022 proof of ``document``."""
    legacy = proof.get("type") == LEGACY_SUITE and "cryptosuite" not in proof
    if not legacy and (proof.get("type") != "DataIntegrityProof"
                       or proof.get("cryptosuite") != CRYPTOSUITE):
        raise ProofError("not a DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("the proof's purpose is not assertionMethod")
    try:
        signature = decode_signature(str(proof["proofValue"]))
    except (KeyError, ValueError) as exc:
        raise ProofError("the proof has no readable proofValue") from exc
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsecured.get("@context")
    data = hash_data(config, unsecured, canonicalize)  # its errors are not a mismatch
    try:
        VerifyKey(public_key).verify(data, signature)
    except (BadSignatureError, ValueError) as exc:
        raise ProofMismatch("the signature does not match the credential") from exc
