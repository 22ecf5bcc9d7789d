"""Verification of a badge someone hands us: a baked PNG or a credential's JSON.

The verdict is one of valid, revoked, expired, tampered, unknown_issuer or invalid, with the
checks that led to it, so a person sees why and a machine can act on it."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from questbot.badges.bake import OB2_KEYWORD, OB3_KEYWORD, NotABadgeImage, unbake
from questbot.badges.keys import Keyring
from questbot.badges.model import Urls
from questbot.badges.multikey import public_key_from_did
from questbot.badges.proof import Canonicalizer, ProofError, verify
from questbot.ports import CredentialRecord

Status = Literal["valid", "revoked", "expired", "tampered", "unknown_issuer", "invalid"]
_SEVERITY: dict[Status, int] = {"valid": 0, "unknown_issuer": 1, "expired": 2, "revoked": 3,
                                "tampered": 4, "invalid": 5}


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
    issued_on: str | None = None
    expires: str | None = None
    award_id: str | None = None
    revocation_reason: str | None = None

    def fail(self, status: Status, name: str, detail: str) -> None:
        self.checks.append(Check(name, False, detail))
        if _SEVERITY[status] > _SEVERITY[self.status]:
            self.status = status

    def passed(self, name: str, detail: str) -> None:
        self.checks.append(Check(name, True, detail))

    @property
    def summary(self) -> str:
        failed = [c.detail for c in self.checks if not c.passed]
        return failed[0] if failed else "The badge is authentic and in force."

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "summary": self.summary, "badge": self.badge_name,
                "issuer": self.issuer_name, "issuedOn": self.issued_on,
                "expires": self.expires, "id": self.award_id,
                "revocationReason": self.revocation_reason,
                "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail}
                           for c in self.checks]}


Lookup = Callable[[str], Awaitable[CredentialRecord | None]]


@dataclass(frozen=True)
class Verifier:
    keyring: Keyring
    urls: Urls
    lookup: Lookup
    canonicalize: Canonicalizer

    async def verify_bytes(self, data: bytes, now: datetime) -> Verdict:
        verdict = Verdict()
        texts = _read(data, verdict)
        if texts is None:
            return verdict
        credential = _parse(texts.get(OB3_KEYWORD), verdict, "Open Badges 3.0 credential")
        assertion = _parse(texts.get(OB2_KEYWORD), verdict, "Open Badges 2.0 assertion")
        if verdict.status == "invalid":
            return verdict
        if credential is None and assertion is None:
            verdict.fail("invalid", "format", "This holds no Open Badge.")
            return verdict
        if credential is not None:
            self._check_credential(credential, verdict, now)
        award_id = self._award_id(credential, assertion)
        verdict.award_id = award_id
        record = await self.lookup(award_id) if award_id else None
        self._check_record(record, credential, assertion, verdict, now)
        return verdict

    def _check_credential(self, credential: dict[str, Any], verdict: Verdict,
                          now: datetime) -> None:
        issuer = credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        verdict.issuer_name = issuer.get("name") if isinstance(issuer, dict) else None
        achievement = (credential.get("credentialSubject") or {}).get("achievement") or {}
        verdict.badge_name = achievement.get("name") or credential.get("name")
        verdict.issued_on = credential.get("validFrom")
        verdict.expires = credential.get("validUntil")
        types = credential.get("type") or []
        if "OpenBadgeCredential" not in types and "AchievementCredential" not in types:
            verdict.fail("invalid", "type", "This is not an Open Badges 3.0 credential.")
            return
        proofs = credential.get("proof")
        proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
        if not proofs:
            verdict.fail("tampered", "signature", "The credential carries no signature.")
        for proof in proofs:
            self._check_proof(credential, proof, str(issuer_id), verdict)
        if not isinstance(issuer_id, str) or self.keyring.by_did(issuer_id) is None:
            verdict.fail("unknown_issuer", "issuer",
                         "The credential was not issued with this issuer's keys.")
        else:
            key = self.keyring.by_did(issuer_id)
            retired = key is not None and key is not self.keyring.active
            verdict.passed("issuer", "Issued by this server's " +
                           ("earlier (rotated) key." if retired else "current key."))
        valid_until = credential.get("validUntil")
        if isinstance(valid_until, str) and _parse_time(valid_until) < now:
            verdict.fail("expired", "expiry", f"The badge expired on {valid_until[:10]}.")

    def _check_proof(self, credential: dict[str, Any], proof: Any, issuer_id: str,
                     verdict: Verdict) -> None:
        if not isinstance(proof, dict):
            verdict.fail("tampered", "signature", "The signature is malformed.")
            return
        method = str(proof.get("verificationMethod", ""))
        try:
            public_key = public_key_from_did(method)
        except ValueError:
            verdict.fail("tampered", "signature", "The signing key cannot be resolved.")
            return
        if method.split("#", 1)[0] != issuer_id:
            verdict.fail("tampered", "signature", "The signing key is not the issuer's.")
            return
        try:
            verify(credential, public_key, proof, self.canonicalize)
        except ProofError as exc:
            verdict.fail("tampered", "signature", f"The signature check failed: {exc}.")
        except Exception:  # a hostile document may break JSON-LD processing itself
            verdict.fail("tampered", "signature", "The credential cannot be canonicalized.")
        else:
            verdict.passed("signature", "The eddsa-rdfc-2022 signature is valid.")

    def _award_id(self, credential: dict[str, Any] | None,
                  assertion: dict[str, Any] | None) -> str | None:
        for document, prefix in ((credential, self.urls.credential("")),
                                 (assertion, self.urls.assertion(""))):
            if document and isinstance(document.get("id"), str) and \
                    document["id"].startswith(prefix):
                return str(document["id"][len(prefix):])
        return None

    def _check_record(self, record: CredentialRecord | None,
                      credential: dict[str, Any] | None, assertion: dict[str, Any] | None,
                      verdict: Verdict, now: datetime) -> None:
        if record is None:
            if verdict.status == "valid" and credential is None:
                verdict.fail("unknown_issuer", "issuer", "This server did not issue it.")
            elif credential is not None and self.keyring.by_did(
                    str((credential.get("issuer") or {}).get("id"))) is not None:
                verdict.fail("tampered", "record", "This server has no record of this badge.")
            return
        award = record.award
        verdict.badge_name = verdict.badge_name or award.badge_name
        verdict.issued_on = verdict.issued_on or award.awarded_at.isoformat()
        if credential is not None and credential != json.loads(record.credential):
            verdict.fail("tampered", "record", "The credential differs from the one issued.")
        if assertion is not None and assertion != json.loads(record.assertion):
            verdict.fail("tampered", "assertion",
                         "The Open Badges 2.0 data in the image was changed.")
        elif assertion is not None:
            verdict.passed("assertion", "The Open Badges 2.0 data matches the hosted one.")
        if award.revoked:
            verdict.revocation_reason = award.revocation_reason
            verdict.fail("revoked", "status", f"The issuer revoked this badge on "
                         f"{award.revoked_at.date().isoformat() if award.revoked_at else '?'}:"
                         f" {award.revocation_reason}")
        else:
            verdict.passed("status", "Not revoked.")
        if credential is None:
            expires = (assertion or {}).get("expires")
            if isinstance(expires, str) and _parse_time(expires) < now:
                verdict.fail("expired", "expiry", f"The badge expired on {expires[:10]}.")


def _read(data: bytes, verdict: Verdict) -> dict[str, str] | None:
    stripped = data.lstrip()
    if stripped.startswith(b"{"):
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            verdict.fail("invalid", "format", "The file is not valid JSON.")
            return None
        key = OB3_KEYWORD if "proof" in document or "credentialSubject" in document \
            else OB2_KEYWORD
        return {key: json.dumps(document)}
    try:
        texts = unbake(data)
    except NotABadgeImage as exc:
        verdict.fail("invalid", "format", f"Not a badge: {exc}.")
        return None
    verdict.passed("format", "A baked PNG badge.")
    return texts


def _parse(text: str | None, verdict: Verdict, what: str) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        document = json.loads(text)
    except ValueError:
        if text.startswith("http"):
            return {"id": text.strip()}  # a legacy hosted badge bakes only its URL
        verdict.fail("tampered", "format", f"The {what} is not valid JSON.")
        return None
    if not isinstance(document, dict):
        verdict.fail("invalid", "format", f"The {what} is not a JSON object.")
        return None
    return document


def _parse_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)
