"""Verification of a badge someone hands us: a baked PNG or a credential's JSON, from this
server or from any other issuer.

The verdict is one of valid, revoked, expired, tampered, unverifiable (the issuer's key
cannot be checked), unknown_issuer or invalid, with the checks that led to it, the issuer
it names and whether that is this server, so a person sees why and a machine can act on
it. Large uploads are read in a thread (reading.py) and strangers' signatures are checked
in a worker process (proof_pool.py), so no upload delays anything else."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from questbot.badges.credential_view import CredentialView, ShapeError, read_credential
from questbot.badges.fetch import DocumentFetcher
from questbot.badges.identity import IssuerIdentity
from questbot.badges.key_resolver import KeyNotAuthorized, KeyResolver, KeyUnavailable
from questbot.badges.keys import Keyring
from questbot.badges.proof_pool import ProofChecks
from questbot.badges.reading import Inspection, inspect
from questbot.badges.record_view import RecordView
from questbot.badges.status_check import StatusChecker, StatusUnavailable
from questbot.badges.verdict import Check, Status, Verdict
from questbot.domain.errors import QuestbotError
from questbot.ports import CredentialRecord

__all__ = ["Check", "Status", "Verdict", "Verifier", "VerifierBusy"]

MAX_INPUT = 2 * 1024 * 1024
MAX_PROOFS = 4
READ_INLINE = 64 * 1024  # about a millisecond of reading at most
CLOCK_SKEW = timedelta(minutes=5)
RECORD_DEADLINE = 60.0  # seconds for all the badges inside one learner record
# A record can keep the proof worker busy for RECORD_DEADLINE; one at a time leaves its
# turns to badges uploaded alone between each of the record's checks.
RECORDS_AT_ONCE = 1
RECORD_WAIT = 10.0  # seconds a record waits for its turn before the upload is turned away

Lookup = Callable[[str], Awaitable[CredentialRecord | None]]


class VerifierBusy(QuestbotError):
    """Other learner records are being checked: the upload may be sent again shortly."""


@dataclass(frozen=True)
class Verifier:
    keys: Callable[[], Keyring]
    identity: IssuerIdentity
    lookup: Lookup
    proofs: ProofChecks
    resolver: KeyResolver
    statuses: StatusChecker
    records: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(RECORDS_AT_ONCE), compare=False, repr=False)

    @classmethod
    def offline(cls, keys: Callable[[], Keyring], identity: IssuerIdentity, lookup: Lookup,
                proofs: ProofChecks) -> Verifier:
        """A verifier that looks nothing up on the network (did:key and our own keys only)."""
        resolver = KeyResolver(DocumentFetcher(online=False))
        return cls(keys, identity, lookup, proofs, resolver,
                   StatusChecker(resolver.fetcher, resolver, proofs))

    async def start(self) -> None:
        await self.proofs.start()

    async def close(self) -> None:
        self.proofs.close()
        await self.resolver.fetcher.close()

    async def verify_bytes(self, data: bytes, now: datetime) -> Verdict:
        verdict = Verdict()
        if len(data) > MAX_INPUT:
            verdict.fail("invalid", "format", "too_large")
            return verdict
        # A small upload is read at once: a thread hop would cost more than the reading.
        found = inspect(data, verdict) if len(data) <= READ_INLINE else \
            await asyncio.to_thread(inspect, data, verdict)
        if verdict.status == "invalid":
            return verdict
        if found.credential is None and found.assertion is None and \
                found.assertion_url is None:
            verdict.fail("invalid", "format", "no_badge")
            return verdict
        keyring = self.keys()
        if found.record is not None and found.credential_text is not None:
            await self._take_turn()
            try:
                await self._check_record(found.record, found.credential_text, keyring,
                                         verdict, now)
            finally:
                self.records.release()
            return verdict
        if found.view is not None and found.credential_text is not None:
            await self._check_credential(found.view, found.credential_text, keyring,
                                         verdict, now)
        if verdict.unusable:
            return verdict
        await self._check_ours(found, keyring, verdict, now)
        return verdict

    # --- Open Badges 3.0 ------------------------------------------------------------------
    async def _check_credential(self, view: CredentialView, text: str, keyring: Keyring,
                                verdict: Verdict, now: datetime) -> None:
        verdict.issuer_id = view.issuer_id
        verdict.issuer_name = view.issuer_name
        verdict.badge_name = view.badge_name
        verdict.issued_on = view.valid_from_text
        verdict.expires = view.valid_until_text
        verdict.this_server = self.identity.is_ours(view.issuer_id, keyring)
        if not view.proofs:
            verdict.fail("invalid", "signature", "no_signature")
            return
        if len(view.proofs) > MAX_PROOFS:
            verdict.fail("invalid", "signature", "too_many_proofs")
            return
        for index, proof in enumerate(view.proofs):
            await self._check_proof(view, text, index, proof, keyring, verdict)
        if verdict.this_server:
            method = view.proofs[0].get("verificationMethod") \
                if isinstance(view.proofs[0], dict) else None
            key = self.identity.our_key(str(method), keyring)
            rotated = key is not None and key is not keyring.active
            verdict.passed("issuer", "ours_rotated_key" if rotated else "ours_current_key")
        else:
            verdict.passed("issuer", "foreign", issuer=view.issuer_id)
        if view.valid_until is not None and view.valid_until < now:
            verdict.fail("expired", "expiry", "expired", date=view.valid_until.date())
        if view.valid_from is not None and view.valid_from > now + CLOCK_SKEW:
            verdict.fail("invalid", "validity", "not_yet_valid", date=view.valid_from.date())
        if not verdict.this_server and verdict.status in ("valid", "expired"):
            await self._check_foreign_status(view, verdict)

    async def _check_proof(self, view: CredentialView, text: str, index: int, proof: Any,
                           keyring: Keyring, verdict: Verdict) -> None:
        if not isinstance(proof, dict) or not isinstance(proof.get("verificationMethod"), str):
            verdict.fail("invalid", "signature", "malformed_signature")
            return
        method = str(proof["verificationMethod"])
        public_key = await self._key(method, view.issuer_id, keyring, verdict)
        if public_key is None:
            return
        result = await self.proofs.check(text, index, public_key)
        match result.outcome:
            case "valid":
                verdict.passed("signature", "signature_valid")
            case "mismatch":
                verdict.fail("tampered", "signature", "signature_mismatch")
            case "malformed":
                verdict.fail("unverifiable", "signature", "signature_unsupported",
                             reason=result.detail)
            case "unreadable":
                verdict.fail("invalid", "format", "unreadable_json_ld")
            case "too_complex":
                verdict.fail("invalid", "format", "too_complex", reason=result.detail)
            case "failed":
                verdict.fail("unverifiable", "signature", "signature_failed")

    async def _key(self, method: str, issuer_id: str, keyring: Keyring,
                   verdict: Verdict) -> bytes | None:
        if self.identity.is_ours(method.split("#", 1)[0], keyring):
            key = self.identity.our_key(method, keyring)
            if key is None:
                verdict.fail("tampered", "signature", "key_not_ours")
                return None
            controller = self.identity.issuer_id(key) if method.startswith("did:web:") \
                else key.did
            public = key.public_key
        else:
            try:
                resolved = await self.resolver.resolve(method)
            except KeyUnavailable as exc:
                verdict.fail("unverifiable", "signature", "key_unavailable", reason=exc)
                return None
            except KeyNotAuthorized as exc:
                verdict.fail("tampered", "signature", "key_not_authorized", reason=exc)
                return None
            controller, public = resolved.controller, resolved.public_key
        if controller != issuer_id:
            verdict.fail("tampered", "signature", "key_not_issuers")
            return None
        return public

    async def _check_foreign_status(self, view: CredentialView, verdict: Verdict) -> None:
        for entry in view.statuses:
            try:
                revoked = await self.statuses.is_revoked(entry, view.issuer_id)
            except StatusUnavailable as exc:
                verdict.fail("unverifiable", "status", "status_unavailable", reason=exc)
                continue
            if revoked:
                verdict.fail("revoked", "status", "revoked")
            else:
                verdict.passed("status", "not_revoked")

    # --- a learner record (CLR 2.0): its own proof, then each badge in it alone ----------
    async def _take_turn(self) -> None:
        """Wait for a record's turn, within RECORD_WAIT; VerifierBusy when it does not come."""
        try:
            async with asyncio.timeout(RECORD_WAIT):
                await self.records.acquire()
        except TimeoutError:
            raise VerifierBusy(f"other learner records are being checked, waited"
                               f" {RECORD_WAIT:g} s") from None

    async def _check_record(self, record: RecordView, text: str, keyring: Keyring,
                            verdict: Verdict, now: datetime) -> None:
        verdict.record = True
        await self._check_credential(record.view, text, keyring, verdict, now)
        if verdict.unusable:
            return
        try:
            async with asyncio.timeout(RECORD_DEADLINE):
                for document in record.credentials:
                    verdict.credentials.append(await self._check_inside(document, keyring,
                                                                        now))
        except TimeoutError:
            verdict.fail("invalid", "record", "record_too_slow",
                         seconds=f"{RECORD_DEADLINE:g}")
        for number, part in enumerate(verdict.credentials, start=1):
            badge = part.badge_name or f"#{number}"
            if part.status == "valid":
                verdict.passed("record", "record_badge_valid", badge=badge)
            else:
                first = next(c for c in part.checks if not c.passed)
                verdict.fail(part.status, "record", f"record_badge_{part.status}", badge=badge,
                             reason=first)

    async def _check_inside(self, document: Any, keyring: Keyring, now: datetime) -> Verdict:
        """One credential of a record, as if it had been uploaded alone as JSON."""
        verdict = Verdict()
        if not isinstance(document, dict):
            verdict.fail("invalid", "format", "ob3_not_object")
            return verdict
        try:
            view = read_credential(document)
        except ShapeError as exc:
            verdict.fail("invalid", "format", "not_ob3", reason=exc)
            return verdict
        text = json.dumps(document, ensure_ascii=False)
        await self._check_credential(view, text, keyring, verdict, now)
        if not verdict.unusable:
            found = Inspection(credential=document, credential_text=text, view=view)
            await self._check_ours(found, keyring, verdict, now)
        return verdict

    # --- this server's records ---------------------------------------------------------------
    def _award_id(self, url: str | None, prefix: str) -> str | None:
        if isinstance(url, str) and url.startswith(prefix) and len(url) > len(prefix):
            return url[len(prefix):]
        return None

    async def _check_ours(self, found: Inspection, keyring: Keyring, verdict: Verdict,
                          now: datetime) -> None:
        urls = self.identity.urls
        from_credential = self._award_id((found.credential or {}).get("id"),
                                         urls.credential(""))
        assertion_url = found.assertion_url or (found.assertion or {}).get("id")
        from_assertion = self._award_id(assertion_url, urls.assertion(""))
        has_assertion = found.assertion is not None or found.assertion_url is not None
        if found.credential is not None and has_assertion and \
                not _same_award(found, from_credential, from_assertion):
            verdict.fail("invalid", "consistency", "different_awards")
            return
        award_id = from_credential or from_assertion
        verdict.award_id = award_id
        if found.credential is not None and not verdict.this_server:
            return  # another issuer's badge: its own signature and status list decided
        record = await self.lookup(award_id) if award_id else None
        if record is None:
            if found.credential is not None:
                verdict.fail("tampered", "record", "no_record")
            elif assertion_url is not None and from_assertion is not None:
                verdict.fail("invalid", "record", "no_badge_there")
            else:
                verdict.fail("unknown_issuer", "issuer", "unknown_issuer")
            return
        verdict.this_server = True
        verdict.issuer_id = verdict.issuer_id or urls.issuer
        self._compare(record, found, verdict)
        award = record.award
        verdict.badge_name = verdict.badge_name or award.badge_name
        verdict.issued_on = verdict.issued_on or award.awarded_at.isoformat()
        if award.revoked:
            verdict.revocation_reason = award.revocation_reason
            when = award.revoked_at.date() if award.revoked_at else "?"
            verdict.fail("revoked", "status", "revoked_on", date=when,
                         reason=award.revocation_reason)
        else:
            verdict.passed("status", "not_revoked")
        if found.credential is None:
            expires = json.loads(record.assertion).get("expires")
            verdict.expires = expires
            if isinstance(expires, str) and _before(expires, now):
                verdict.fail("expired", "expiry", "expired", date=_day(expires))

    def _compare(self, record: CredentialRecord, found: Inspection, verdict: Verdict) -> None:
        if found.credential is not None and found.credential != json.loads(record.credential):
            verdict.fail("tampered", "record", "credential_differs")
        if found.assertion is not None:
            if found.assertion != json.loads(record.assertion):
                verdict.fail("tampered", "assertion", "assertion_changed")
            else:
                verdict.passed("assertion", "assertion_matches")
        elif found.assertion_url is not None:
            verdict.passed("assertion", "assertion_hosted")


def _same_award(found: Inspection, from_credential: str | None,
                from_assertion: str | None) -> bool:
    if from_credential is not None or from_assertion is not None:
        return from_credential == from_assertion
    recipient = (found.assertion or {}).get("recipient")
    identity = recipient.get("identity") if isinstance(recipient, dict) else None
    hashes = found.view.identity_hashes if found.view else frozenset()
    return not (isinstance(identity, str) and hashes and identity not in hashes)


def _before(text: str, now: datetime) -> bool:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None and moment < now


def _day(text: str) -> date | str:
    """The day an ISO date-time names, or its first ten characters when it is not one."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return text[:10]
