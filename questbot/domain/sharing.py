"""Links that let a learner share a badge elsewhere."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode


def linkedin_add_url(badge_name: str, issuer: str, badge_url: str, award_id: str,
                     awarded_at: datetime | None = None,
                     expires_at: datetime | None = None) -> str:
    """LinkedIn's "Add to profile" form, filled in for this badge (with its expiry, so the
    profile does not show an expiring badge as lasting for ever)."""
    query: dict[str, str | int] = {"startTask": "CERTIFICATION_NAME", "name": badge_name,
                                   "organizationName": issuer, "certUrl": badge_url,
                                   "certId": award_id}
    if awarded_at is not None:
        query.update(issueYear=awarded_at.year, issueMonth=awarded_at.month)
    if expires_at is not None:
        query.update(expirationYear=expires_at.year, expirationMonth=expires_at.month)
    return "https://www.linkedin.com/profile/add?" + urlencode(query)
