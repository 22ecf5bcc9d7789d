"""Open Badges 2.0 hosted documents: Assertion, BadgeClass and Issuer Profile (JSON-LD)."""

from __future__ import annotations

from typing import Any

from questbot.badges.contexts import OB_V2
from questbot.badges.model import AwardFacts, BadgeClassInfo, IssuerProfile, Recipient, Urls


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
    if info.alignment:
        document["alignment"] = [dict(a) for a in info.alignment]
    return document


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
