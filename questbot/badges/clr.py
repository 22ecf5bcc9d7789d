"""A learner's record as one Comprehensive Learner Record 2.0 ``ClrCredential``, unsigned.

Its subject holds the learner's OpenBadgeCredentials exactly as they were signed (so each
still verifies alone), their Achievements, and Associations saying which badges make up
which pathway: the pathway's achievement ``isParentOf`` each component's, and each
component ``isChildOf`` the pathway. The learner is named only by a salted hash, as in the
badges."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from questbot.badges.contexts import CLR_V2, OB_V3, VC_V2
from questbot.badges.model import IssuerProfile, Recipient
from questbot.badges.ob2 import zulu
from questbot.badges.ob3 import issuer_profile

CLR_TYPES = ["VerifiableCredential", "ClrCredential"]
CLR_CONTEXTS = [VC_V2, CLR_V2, OB_V3]
# Badges in one record, built or checked: signing one this full takes under a second here.
MAX_RECORD_BADGES = 100


@dataclass(frozen=True)
class RecordedBadge:
    """One badge in a record: its badge class and its signed OpenBadgeCredential."""

    class_id: str
    credential: dict[str, Any]

    @property
    def achievement(self) -> dict[str, Any] | None:
        subject = self.credential.get("credentialSubject")
        found = subject.get("achievement") if isinstance(subject, dict) else None
        return found if isinstance(found, dict) and isinstance(found.get("id"), str) else None


def achievements(badges: Iterable[RecordedBadge]) -> list[dict[str, Any]]:
    """Each badge's Achievement once (a badge earned twice is one achievement)."""
    found: dict[str, dict[str, Any]] = {}
    for badge in badges:
        achievement = badge.achievement
        if achievement is not None:
            found.setdefault(achievement["id"], achievement)
    return list(found.values())


def associations(badges: Sequence[RecordedBadge],
                 parts: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """isParentOf (pathway to component) and isChildOf (component to pathway) for every
    pathway in the record and each of its components also in it. ``parts``: a pathway's
    badge class id to its components' class ids."""
    ids: dict[str, str] = {}
    for badge in badges:
        achievement = badge.achievement
        if achievement is not None:
            ids.setdefault(badge.class_id, achievement["id"])
    found: list[dict[str, Any]] = []
    for pathway_class, components in parts.items():
        pathway_id = ids.get(pathway_class)
        if pathway_id is None:
            continue
        for component in dict.fromkeys(components):
            component_id = ids.get(component)
            if component_id is None or component_id == pathway_id:
                continue
            found.append(_association("isParentOf", pathway_id, component_id))
            found.append(_association("isChildOf", component_id, pathway_id))
    return found


def _association(kind: str, source: str, target: str) -> dict[str, Any]:
    return {"type": "Association", "associationType": kind, "sourceId": source,
            "targetId": target}


def clr_credential(badges: Sequence[RecordedBadge], parts: Mapping[str, Iterable[str]],
                   learner: Recipient, *, record_id: str, name: str, issuer: IssuerProfile,
                   issuer_did: str, valid_from: datetime) -> dict[str, Any]:
    return {
        "@context": list(CLR_CONTEXTS),
        "id": record_id,
        "type": list(CLR_TYPES),
        "issuer": issuer_profile(issuer, issuer_did),
        "validFrom": zulu(valid_from),
        "name": name,
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": learner.identity_hash,
                "identityType": "emailAddress" if learner.is_email else "identifier",
                "hashed": True,
                "salt": learner.salt,
            }],
            "verifiableCredential": [badge.credential for badge in badges],
            "achievement": achievements(badges),
            "association": associations(badges, parts),
        },
    }
