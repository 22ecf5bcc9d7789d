"""Ed25519 public keys as Multikey and did:key (multibase base58btc, multicodec 0xed01)."""

from __future__ import annotations

import base58

ED25519_PUB = b"\xed\x01"


def public_key_multibase(public_key: bytes) -> str:
    return "z" + base58.b58encode(ED25519_PUB + public_key).decode()


# base58 decoding is quadratic in the length: refuse long strangers' values before it.
MAX_KEY_TEXT = 64
MAX_SIGNATURE_TEXT = 100


def public_key_from_multibase(value: str) -> bytes:
    if len(value) > MAX_KEY_TEXT:
        raise ValueError("too long for an Ed25519 public key")
    if not value.startswith("z"):
        raise ValueError("expected a base58btc multibase value (z...)")
    raw = base58.b58decode(value[1:])
    if raw[:2] != ED25519_PUB or len(raw) != 34:
        raise ValueError("not an Ed25519 public key")
    return raw[2:]


def did_key(public_key: bytes) -> str:
    return f"did:key:{public_key_multibase(public_key)}"


def verification_method(public_key: bytes) -> str:
    multibase = public_key_multibase(public_key)
    return f"did:key:{multibase}#{multibase}"


def public_key_from_did(did_or_method: str) -> bytes:
    """The key a did:key (or one of its verification methods) names."""
    if not did_or_method.startswith("did:key:"):
        raise ValueError("not a did:key")
    did, _, fragment = did_or_method.partition("#")
    multibase = did[len("did:key:"):]
    if fragment and fragment != multibase:
        raise ValueError("the verification method is not the did:key's own key")
    return public_key_from_multibase(multibase)


def encode_signature(signature: bytes) -> str:
    return "z" + base58.b58encode(signature).decode()


def decode_signature(value: str) -> bytes:
    if len(value) > MAX_SIGNATURE_TEXT:
        raise ValueError("proofValue is too long for an Ed25519 signature")
    if not value.startswith("z"):
        raise ValueError("proofValue is not base58btc multibase")
    return _b58decode(value[1:])


def _b58decode(text: str) -> bytes:
    """base58.b58decode, with the number turned into bytes at once rather than by repeated
    division (the same bytes; a third of a verification's decoding time)."""
    text = text.rstrip()
    digits = text.lstrip("1")  # each leading "1" is a zero byte
    number = base58.b58decode_int(digits) if digits else 0
    return b"\0" * (len(text) - len(digits)) + number.to_bytes((number.bit_length() + 7) // 8)
