"""The revocation status list: a W3C BitstringStatusListCredential, signed by the issuer."""

from __future__ import annotations

import base64
import gzip
import zlib
from datetime import datetime
from typing import Any

from questbot.badges.contexts import VC_V2
from questbot.badges.ob2 import zulu
from questbot.badges.ob3 import STATUS_LIST_BITS


def encode_list(revoked: list[int], size: int = STATUS_LIST_BITS) -> str:
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)  # index 0 is the first byte's highest bit
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def is_set(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    data = encoded[1:]
    bits = _inflate(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    if not 0 <= index < len(bits) * 8:
        raise ValueError("status index outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(revoked: list[int], issuer_id: str, list_url: str,
                           valid_from: datetime) -> dict[str, Any]:
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": zulu(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(revoked),
        },
    }


MAX_LIST_BYTES = 16 * 1024 * 1024  # 134 million entries; a larger list is a zip bomb


def _inflate(packed: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)  # gzip framing
    try:
        bits = inflater.decompress(packed, MAX_LIST_BYTES)
    except zlib.error as exc:
        raise ValueError("encodedList is not GZIP data") from exc
    if inflater.unconsumed_tail:
        raise ValueError("encodedList inflates past the size limit")
    return bits
