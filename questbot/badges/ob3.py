"""Open Badges 3.0 OpenBadgeCredential (a W3C Verifiable Credential 2.0), unsigned."""

from __future__ import annotations

from typing import Any

from questbot.badges.contexts import OB_EXTENSIONS, OB_V3, VC_V2
from questbot.badges.model import AwardFacts, BadgeClassInfo, IssuerProfile, Recipient, Urls
from questbot.badges.ob2 import framework_alignments, zulu

SCHEMA_URL = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
              "ob_v3p0_achievementcredential_schema.json")
STATUS_LIST_BITS = 131_072  # 16 KiB, the smallest list that hides which entry is whose


def achievement(info: BadgeClassInfo, urls: Urls) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": urls.badge_class(info.class_id),
        "type": ["Achievement"],
        "name": info.name,
        "description": info.description,
        "criteria": {"narrative": info.criteria},
        "image": {"id": urls.class_image(info.class_id), "type": "Image"},
        # the language name, description and criteria are in: the quest's default language
        # (OB 3.0's Achievement has inLanguage; its name and description are plain strings)
        "inLanguage": info.language,
    }
    if info.tags:
        document["tag"] = list(info.tags)
    if info.credit is not None:
        document["creditsAvailable"] = info.credit["points"]
    alignments = [*info.alignment, *framework_alignments(info, typed=True)]
    if alignments:
        document["alignment"] = [{"type": ["Alignment"], **a} for a in alignments]
    return document


def issuer_profile(issuer: IssuerProfile, issuer_did: str) -> dict[str, Any]:
    return {"id": issuer_did, "type": ["Profile"], "name": issuer.name, "url": issuer.url,
            "email": issuer.email}


def credential(facts: AwardFacts, info: BadgeClassInfo, recipient: Recipient, *,
               issuer: IssuerProfile, issuer_did: str, urls: Urls) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [VC_V2, OB_V3, OB_EXTENSIONS],
        "id": urls.credential(facts.award_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(issuer, issuer_did),
        "validFrom": zulu(facts.awarded_at),
        "name": info.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": recipient.identity_hash,
                "identityType": "emailAddress" if recipient.is_email else "identifier",
                "hashed": True,
                "salt": recipient.salt,
            }],
            "achievement": achievement(info, urls),
        },
        "credentialSchema": [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": {
            "id": f"{facts.status_list or urls.status_list}#{facts.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(facts.status_index),
            "statusListCredential": facts.status_list or urls.status_list,
        },
    }
    if facts.evidence:
        document["evidence"] = [_evidence(name, narrative, urls)
                                for name, narrative in facts.evidence.items()]
    if facts.expires_at is not None:
        document["validUntil"] = zulu(facts.expires_at)
    return document


def _evidence(name: str, narrative: str, urls: Urls) -> dict[str, Any]:
    """A step's evidence, or a badge a pathway badge was built from (its page, as its id)."""
    entry: dict[str, Any] = {"type": ["Evidence"], "name": name, "narrative": narrative}
    if narrative.startswith(urls.page("")) and " " not in narrative:
        entry["id"] = narrative
    return entry
