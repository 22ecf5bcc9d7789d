"""A verification's answer: one status, the checks that led to it, and what the badge says
of itself (name, issuer, dates), so a person sees why and a machine can act on it.

Each check is a catalogue key and its parameters, so a person reads it in their language
(``text``); machines get the English one (``detail``, ``to_json``), whose dates stay ISO."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from questbot.badges.words import long_date, say

Status = Literal["valid", "revoked", "expired", "tampered", "unverifiable", "unknown_issuer",
                 "invalid"]
_SEVERITY: dict[Status, int] = {"valid": 0, "unknown_issuer": 1, "unverifiable": 2,
                                "expired": 3, "revoked": 4, "tampered": 5, "invalid": 6}


def _filled(params: dict[str, object], language: str | None) -> dict[str, object]:
    """Dates written out for a person (``language``), or ISO for a machine (None); a check
    (a badge's inside a record) in the same language."""
    return {name: (value.isoformat() if language is None else long_date(value, language))
            if isinstance(value, date) else value.text(language) if isinstance(value, Check)
            else value for name, value in params.items()}


@dataclass
class Check:
    name: str
    passed: bool
    key: str  # badges.check.KEY in the catalogue
    params: dict[str, object] = field(default_factory=dict)

    def text(self, language: str | None = None) -> str:
        """What the check found, in ``language``; English with ISO dates when None."""
        return say(f"check.{self.key}", language or "en", **_filled(self.params, language))

    @property
    def detail(self) -> str:
        return self.text()


def status_label(status: str, language: str) -> str:
    """A status as a person reads it: Valid, Révoqué, Dligheach..."""
    return say(f"status.{status}", language)


@dataclass
class Verdict:
    status: Status = "valid"
    checks: list[Check] = field(default_factory=list)
    badge_name: str | None = None
    issuer_name: str | None = None
    issuer_id: str | None = None
    this_server: bool = False
    issued_on: str | None = None
    expires: str | None = None
    award_id: str | None = None
    revocation_reason: str | None = None
    record: bool = False  # a learner record (CLR 2.0), whose badges each have a verdict
    credentials: list[Verdict] = field(default_factory=list)

    def fail(self, status: Status, name: str, key: str, **params: object) -> None:
        self.checks.append(Check(name, False, key, params))
        if _SEVERITY[status] > _SEVERITY[self.status]:
            self.status = status

    @property
    def unusable(self) -> bool:
        """Not a badge at all: nothing further can be checked."""
        return self.status == "invalid"

    def passed(self, name: str, key: str, **params: object) -> None:
        self.checks.append(Check(name, True, key, params))

    def summary_in(self, language: str | None = None) -> str:
        """The verdict in one sentence, in ``language`` (English with ISO dates when None)."""
        failed = [c for c in self.checks if not c.passed]
        if failed:
            return failed[0].text(language)
        if self.record and self.this_server:
            return say("summary.record_valid", language or "en")
        if self.record:
            return say("summary.record_valid_elsewhere", language or "en",
                       issuer=self.issuer_id)
        if self.this_server:
            return say("summary.valid_here", language or "en")
        return say("summary.valid_elsewhere", language or "en", issuer=self.issuer_id)

    @property
    def summary(self) -> str:
        return self.summary_in()

    def to_json(self) -> dict[str, Any]:
        found = self._own_json()
        if self.record:
            found["record"] = True
            found["credentials"] = [part.to_json() for part in self.credentials]
        return found

    def _own_json(self) -> dict[str, Any]:
        return {"status": self.status, "summary": self.summary, "badge": self.badge_name,
                "issuer": self.issuer_name, "issuerId": self.issuer_id,
                "thisServer": self.this_server, "issuedOn": self.issued_on,
                "expires": self.expires, "id": self.award_id,
                "revocationReason": self.revocation_reason,
                "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail}
                           for c in self.checks]}
