"""Open Badges 2.0 hosted documents: Assertion, BadgeClass and Issuer Profile (JSON-LD)."""

from __future__ import annotations

from typing import Any

from questbot.badges.contexts import OB_V2
from questbot.badges.model import AwardFacts, BadgeClassInfo, IssuerProfile, Recipient, Urls
from questbot.badges.words import say


def zulu(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


def issuer_profile(issuer: IssuerProfile, urls: Urls) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "@context": OB_V2, "type": "Issuer", "id": urls.issuer, "name": issuer.name,
        "url": issuer.url, "email": issuer.email,
    }
    if issuer.description:
        profile["description"] = issuer.description
    return profile


def badge_class(info: BadgeClassInfo, urls: Urls) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": OB_V2, "type": "BadgeClass", "id": urls.badge_class(info.class_id),
        "name": info.name, "description": info.description,
        "image": urls.class_image(info.class_id),
        "criteria": {"narrative": info.criteria}, "issuer": urls.issuer,
    }
    if info.tags:
        document["tags"] = list(info.tags)
    alignments = [*info.alignment, *framework_alignments(info, typed=False)]
    if alignments:
        document["alignment"] = [dict(a) for a in alignments]
    return document


# OB 3.0's JSON Schema allows its own target types or ``ext:`` names; it has none for a
# framework's level or an occupation, so these are named as extensions.
LEVEL_TARGET = "ext:CredentialLevel"
OCCUPATION_TARGET = "ext:Occupation"


def framework_alignments(info: BadgeClassInfo, *, typed: bool) -> list[dict[str, str]]:
    """The badge's level in its qualifications framework and, for a pathway, the job role
    it leads to, as alignments (OB 2.0 has no targetType: ``typed`` for OB 3.0)."""
    found: list[dict[str, str]] = []
    if info.level is not None:
        level = info.level
        found.append({"targetName": say("credential.level", info.language,
                                        framework=level["framework"], level=level["level"]),
                      "targetFramework": level["framework_name"],
                      "targetCode": str(level["level"]), "targetUrl": level["url"],
                      **({"targetType": LEVEL_TARGET} if typed else {})})
    if info.occupation is not None:
        role = info.occupation
        found.append({"targetName": role["name"], "targetFramework": role["framework"],
                      "targetUrl": role["url"],
                      **({"targetCode": role["code"]} if "code" in role else {}),
                      **({"targetType": OCCUPATION_TARGET} if typed else {})})
    return found


def assertion(facts: AwardFacts, info: BadgeClassInfo, recipient: Recipient,
              urls: Urls) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": OB_V2, "type": "Assertion", "id": urls.assertion(facts.award_id),
        "recipient": {"type": "email" if recipient.is_email else "url", "hashed": True,
                      "salt": recipient.salt, "identity": recipient.identity_hash},
        "badge": urls.badge_class(info.class_id),
        "verification": {"type": "HostedBadge"},
        "issuedOn": zulu(facts.awarded_at),
        "image": urls.png(facts.award_id),
    }
    if facts.evidence:
        document["evidence"] = [{"narrative": f"{k}: {v}"} for k, v in facts.evidence.items()]
    if facts.expires_at is not None:
        document["expires"] = zulu(facts.expires_at)
    return document
