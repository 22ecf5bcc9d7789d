"""What a verifier reads from an OB 3.0 credential, in every shape the VC Data Model 2.0
allows: ``issuer`` as a URL or an object with an id, ``credentialSubject`` as an object or
an array, ``type`` as a string or an array, optional fields absent. A shape it does not
allow raises ShapeError with a sentence saying what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from questbot.domain.errors import QuestbotError

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
BADGE_TYPES = ("OpenBadgeCredential", "AchievementCredential")


class ShapeError(QuestbotError, ValueError):
    """The credential has a shape the standards do not allow."""


@dataclass(frozen=True)
class CredentialView:
    id: str | None
    issuer_id: str
    issuer_name: str | None
    badge_name: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    valid_from_text: str | None
    valid_until_text: str | None
    proofs: tuple[Any, ...]
    statuses: tuple[dict[str, Any], ...]
    identity_hashes: frozenset[str]


def types_of(node: dict[str, Any], where: str) -> tuple[str, ...]:
    value = node.get("type", node.get("@type"))
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        raise ShapeError(f"the {where}'s type is not a string or a list of strings")
    return tuple(values)


def one_or_many(value: Any, where: str) -> list[dict[str, Any]]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, dict) for v in values):
        raise ShapeError(f"{where} is not an object or a list of objects")
    return values


def optional_text(node: dict[str, Any], key: str) -> str | None:
    value = node.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("@value"), str):
        return str(value["@value"])  # a language-tagged value
    raise ShapeError(f"{key} is not text")


def parse_time(value: Any, key: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ShapeError(f"{key} is not a date and time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ShapeError(f"{key} is not a date and time ({value[:40]!r})") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_credential(document: dict[str, Any]) -> CredentialView:
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if not contexts or contexts[0] not in (VC_V2, VC_V1):
        raise ShapeError("its @context does not start with the W3C credentials context")
    types = types_of(document, "credential")
    if "VerifiableCredential" not in types or not any(t in types for t in BADGE_TYPES):
        raise ShapeError("it is not an OpenBadgeCredential")
    credential_id = document.get("id")
    if credential_id is not None and not isinstance(credential_id, str):
        raise ShapeError("its id is not a URL")
    issuer_id, issuer_name = issuer_of(document.get("issuer"))
    subjects = one_or_many(document.get("credentialSubject"), "credentialSubject")
    badge_name, hashes = _subjects(subjects)
    v2 = contexts[0] == VC_V2
    from_key, until_key = ("validFrom", "validUntil") if v2 else \
        ("issuanceDate", "expirationDate")
    proofs = document.get("proof")
    statuses = document.get("credentialStatus")
    return CredentialView(
        id=credential_id, issuer_id=issuer_id, issuer_name=issuer_name,
        badge_name=badge_name or optional_text(document, "name"),
        valid_from=parse_time(document.get(from_key), from_key),
        valid_until=parse_time(document.get(until_key), until_key),
        valid_from_text=optional_text(document, from_key),
        valid_until_text=optional_text(document, until_key),
        proofs=tuple(proofs if isinstance(proofs, list) else [] if proofs is None else [proofs]),
        statuses=tuple(one_or_many(statuses, "credentialStatus")) if statuses else (),
        identity_hashes=hashes)


def issuer_of(value: Any) -> tuple[str, str | None]:
    if isinstance(value, str) and value:
        return value, None
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"]:
        name = value.get("name")
        return value["id"], name if isinstance(name, str) else optional_text(value, "name")
    raise ShapeError("its issuer is neither a URL nor an object with an id")


def _subjects(subjects: list[dict[str, Any]]) -> tuple[str | None, frozenset[str]]:
    name: str | None = None
    hashes: set[str] = set()
    for subject in subjects:
        achievement = subject.get("achievement")
        if achievement is not None:
            if not isinstance(achievement, dict):
                raise ShapeError("credentialSubject.achievement is not an object")
            name = name or optional_text(achievement, "name")
        identifiers = subject.get("identifier")
        for identifier in one_or_many(identifiers, "identifier") if identifiers else []:
            value = identifier.get("identityHash")
            if isinstance(value, str):
                hashes.add(value)
    if not any(isinstance(s.get("achievement"), dict) for s in subjects):
        raise ShapeError("its credentialSubject names no achievement")
    return name, frozenset(hashes)
