"""What a verifier reads from a CLR 2.0 ``ClrCredential``: the record as a credential (its
issuer, dates and proofs) and the credentials it holds, each to be verified alone. A shape
CLR 2.0 does not allow raises ShapeError with a sentence saying what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from questbot.badges.clr import MAX_RECORD_BADGES
from questbot.badges.credential_view import (
    VC_V2,
    CredentialView,
    ShapeError,
    issuer_of,
    one_or_many,
    optional_text,
    parse_time,
    types_of,
)

CLR_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/clr/v2p0/context"
ASSOCIATION_FIELDS = ("associationType", "sourceId", "targetId")


@dataclass(frozen=True)
class RecordView:
    view: CredentialView
    credentials: tuple[Any, ...]  # as found: each is read (and may be refused) alone
    achievements: int
    associations: int


def is_record(document: dict[str, Any]) -> bool:
    """Whether the document says it is a ClrCredential (its shape is checked later)."""
    kinds = document.get("type", document.get("@type"))
    return kinds == "ClrCredential" or (isinstance(kinds, list) and "ClrCredential" in kinds)


def read_record(document: dict[str, Any]) -> RecordView:
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if not contexts or contexts[0] != VC_V2:
        raise ShapeError("its @context does not start with the W3C credentials 2.0 context")
    if not any(isinstance(c, str) and c.startswith(CLR_CONTEXT_PREFIX) for c in contexts):
        raise ShapeError("its @context does not name the CLR 2.0 context")
    types = types_of(document, "record")
    if "VerifiableCredential" not in types or "ClrCredential" not in types:
        raise ShapeError("it is not a ClrCredential")
    record_id = document.get("id")
    if record_id is not None and not isinstance(record_id, str):
        raise ShapeError("its id is not a URL")
    issuer_id, issuer_name = issuer_of(document.get("issuer"))
    # CLR 2.0's schema: credentialSubject is one ClrSubject object, and its
    # verifiableCredential an array of one or more (other verifiers refuse other shapes)
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or "ClrSubject" not in types_of(subject,
                                                                     "credentialSubject"):
        raise ShapeError("its credentialSubject is not one ClrSubject object")
    credentials = subject.get("verifiableCredential")
    if not isinstance(credentials, list) or not credentials:
        raise ShapeError("its ClrSubject holds no verifiableCredential array")
    if len(credentials) > MAX_RECORD_BADGES:
        raise ShapeError(f"it holds more than {MAX_RECORD_BADGES} credentials")
    achievements = _listed(subject, "achievement")
    associations = _listed(subject, "association")
    for item in (*achievements, *associations):
        if not isinstance(item, dict):
            raise ShapeError("an achievement or association is not an object")
    for association in associations:
        if not all(isinstance(association.get(k), str) for k in ASSOCIATION_FIELDS):
            raise ShapeError("an association lacks its associationType, sourceId or targetId")
    proofs = document.get("proof")
    statuses = document.get("credentialStatus")
    view = CredentialView(
        id=record_id, issuer_id=issuer_id, issuer_name=issuer_name,
        badge_name=optional_text(document, "name"),
        valid_from=parse_time(document.get("validFrom"), "validFrom"),
        valid_until=parse_time(document.get("validUntil"), "validUntil"),
        valid_from_text=optional_text(document, "validFrom"),
        valid_until_text=optional_text(document, "validUntil"),
        proofs=tuple(proofs if isinstance(proofs, list) else [] if proofs is None else [proofs]),
        statuses=tuple(one_or_many(statuses, "credentialStatus")) if statuses else (),
        identity_hashes=_hashes(subject))
    return RecordView(view, tuple(credentials), len(achievements), len(associations))


def _listed(node: dict[str, Any], key: str) -> list[Any]:
    value = node.get(key)
    return [] if value is None else value if isinstance(value, list) else [value]


def _hashes(subject: dict[str, Any]) -> frozenset[str]:
    found = _listed(subject, "identifier")
    return frozenset(i["identityHash"] for i in found
                     if isinstance(i, dict) and isinstance(i.get("identityHash"), str))
