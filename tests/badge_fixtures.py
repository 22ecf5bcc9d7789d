"""Builders of badge inputs shared by the badge tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from questbot.badges.model import AwardFacts, BadgeClassInfo, IssuerProfile, Recipient, Urls

URLS = Urls("http://127.0.0.1:8080")
ISSUER = IssuerProfile("Questbot Community", "https://community.example.org",
                       "badges@example.org", "A learning community")


def badge_class(name: str = "Python Basics", tags: tuple[str, ...] = ("python",),
                alignment: tuple[dict[str, str], ...] = (
                    {"targetName": "Programming", "targetUrl": "https://example.org/skills/prog",
                     "targetFramework": "Digital Economy Skills Framework"},),
                description: str = "Knows the first steps of Python.",
                criteria: str = "Pass the quiz.") -> BadgeClassInfo:
    return BadgeClassInfo("python-basics.badge", "python-basics", "Python Basics", name,
                          description, criteria, tags, alignment)


def facts(award_id: str = "aw1", evidence: dict[str, str] | None = None,
          expires: bool = False, index: int = 7) -> AwardFacts:
    at = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    return AwardFacts(award_id, at, evidence if evidence is not None else
                      {"Quiz": "score: 4/4"}, at + timedelta(days=365) if expires else None,
                      index)


def recipient(identity: str = "alice@example.org", salt: str = "s4lt") -> Recipient:
    return Recipient(identity, "@" in identity, salt, "Alice")
