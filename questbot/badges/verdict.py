"""A verification's answer: one status, the checks that led to it, and what the badge says
of itself (name, issuer, dates), so a person sees why and a machine can act on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["valid", "revoked", "expired", "tampered", "unverifiable", "unknown_issuer",
                 "invalid"]
_SEVERITY: dict[Status, int] = {"valid": 0, "unknown_issuer": 1, "unverifiable": 2,
                                "expired": 3, "revoked": 4, "tampered": 5, "invalid": 6}


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


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

    def fail(self, status: Status, name: str, detail: str) -> None:
        self.checks.append(Check(name, False, detail))
        if _SEVERITY[status] > _SEVERITY[self.status]:
            self.status = status

    @property
    def unusable(self) -> bool:
        """Not a badge at all: nothing further can be checked."""
        return self.status == "invalid"

    def passed(self, name: str, detail: str) -> None:
        self.checks.append(Check(name, True, detail))

    @property
    def summary(self) -> str:
        failed = [c.detail for c in self.checks if not c.passed]
        if failed:
            return failed[0]
        if self.this_server:
            return "The badge is authentic and in force."
        return (f"The badge is authentic and in force; it was issued by {self.issuer_id},"
                " not by this server.")

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "summary": self.summary, "badge": self.badge_name,
                "issuer": self.issuer_name, "issuerId": self.issuer_id,
                "thisServer": self.this_server, "issuedOn": self.issued_on,
                "expires": self.expires, "id": self.award_id,
                "revocationReason": self.revocation_reason,
                "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail}
                           for c in self.checks]}
