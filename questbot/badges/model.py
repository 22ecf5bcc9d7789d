"""What a badge is made of: the issuer, the badge class, the recipient, the stable URLs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple


@dataclass(frozen=True)
class IssuerProfile:
    name: str
    url: str
    email: str
    description: str = ""
    colour: str = "#1f4e79"
    accent: str = "#f2a900"


class BadgeTexts(NamedTuple):
    """A badge class's words in one language."""

    name: str
    description: str
    criteria: str


@dataclass(frozen=True)
class BadgeClassInfo:
    class_id: str  # quest id and badge key: "python-basics.badge"
    quest_id: str
    quest_title: str
    name: str
    description: str
    criteria: str
    tags: tuple[str, ...] = ()
    alignment: tuple[dict[str, str], ...] = ()
    image_source: str | None = None  # the quest's own PNG, else one is rendered
    expires_after_seconds: int | None = None
    # The language name, description and criteria (and so every credential) are in: the
    # quest's default language. The quest's other translations, for a page to show a reader
    # in their language; a credential states only the default language's words.
    language: str = "en"
    translations: tuple[tuple[str, BadgeTexts], ...] = ()
    # Credit points {points, framework, framework_name, url} and a framework level {level,
    # framework, framework_name, url}, when the badge carries them.
    credit: dict[str, Any] | None = None
    level: dict[str, Any] | None = None
    # A pathway's badge: the job role it leads to {name, framework, url, code?}, and the
    # badge classes it is built from (for a record's isParentOf/isChildOf associations).
    occupation: dict[str, str] | None = None
    parts: tuple[str, ...] = ()

    @property
    def by_language(self) -> dict[str, BadgeTexts]:
        """Language code to the badge's words, the default language's among them."""
        texts = {self.language: BadgeTexts(self.name, self.description, self.criteria)}
        return {**dict(self.translations), **texts}

    def texts(self, language: str) -> BadgeTexts:
        """The badge's words in ``language`` if the quest has them, else the default's."""
        by_language = self.by_language
        primary = language.split("-", maxsplit=1)[0].split("_", maxsplit=1)[0].lower()
        return by_language.get(language) or by_language.get(primary) or by_language[
            self.language]

    def to_json(self) -> dict[str, Any]:
        return {"class_id": self.class_id, "quest_id": self.quest_id,
                "quest_title": self.quest_title, "name": self.name,
                "description": self.description, "criteria": self.criteria,
                "tags": list(self.tags), "alignment": [dict(a) for a in self.alignment],
                "image_source": self.image_source,
                "expires_after_seconds": self.expires_after_seconds,
                "language": self.language,
                "translations": {lang: list(texts) for lang, texts in self.translations},
                "credit": self.credit, "level": self.level, "occupation": self.occupation,
                "parts": list(self.parts)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BadgeClassInfo:
        """Read what ``to_json`` wrote, now or before translations were kept."""
        translations = tuple((lang, BadgeTexts(*texts))
                             for lang, texts in data.get("translations", {}).items())
        return cls(**{**data, "tags": tuple(data["tags"]),
                      "alignment": tuple(data["alignment"]),
                      "translations": translations,
                      "parts": tuple(data.get("parts", ()))})


@dataclass(frozen=True)
class Recipient:
    """Who a badge names, only ever as a salted hash of an email or an opaque identifier."""

    identity: str
    is_email: bool
    salt: str
    display_name: str | None = None

    @property
    def identity_hash(self) -> str:
        digest = hashlib.sha256((self.identity + self.salt).encode()).hexdigest()
        return f"sha256${digest}"


@dataclass(frozen=True)
class Urls:
    base: str

    def pathway(self, pathway_id: str) -> str:
        return f"{self.base}/pathways/{pathway_id}"

    def page(self, award_id: str) -> str:
        return f"{self.base}/badges/{award_id}"

    def png(self, award_id: str) -> str:
        return f"{self.base}/badges/{award_id}/badge.png"

    def certificate(self, award_id: str) -> str:
        return f"{self.base}/badges/{award_id}/certificate.png"

    def assertion(self, award_id: str) -> str:
        return f"{self.base}/ob2/assertions/{award_id}"

    def credential(self, award_id: str) -> str:
        return f"{self.base}/ob3/credentials/{award_id}"

    def badge_class(self, class_id: str) -> str:
        return f"{self.base}/ob2/badges/{class_id}"

    def class_image(self, class_id: str) -> str:
        return f"{self.base}/images/badges/{class_id}.png"

    @property
    def issuer(self) -> str:
        return f"{self.base}/ob2/issuer"

    @property
    def keys(self) -> str:
        return f"{self.base}/issuer/keys"

    @property
    def status_list(self) -> str:
        return f"{self.base}/status/revocation"

    def status_list_for(self, list_id: str) -> str:
        """The issuer-wide list ("revocation") or one key's own list."""
        return self.status_list if list_id == "revocation" else f"{self.status_list}/{list_id}"

    @property
    def did_document(self) -> str:
        return f"{self.base}/.well-known/did.json"

    @property
    def verify(self) -> str:
        return f"{self.base}/verify"


@dataclass(frozen=True)
class AwardFacts:
    """The parts of an award a credential states."""

    award_id: str
    awarded_at: datetime
    evidence: dict[str, str] = field(default_factory=dict)
    expires_at: datetime | None = None
    status_index: int = 0
    status_list: str = ""  # the status list credential's URL; empty: the issuer-wide one
