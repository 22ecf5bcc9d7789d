"""Another issuer's revocation status: the W3C Bitstring Status List its credential names,
fetched, its signature checked, and its issuer required to be the credential's issuer."""

from __future__ import annotations

import json
from typing import Any

from questbot.badges.fetch import DocumentFetcher, DocumentUnavailable
from questbot.badges.key_resolver import KeyNotAuthorized, KeyResolver, KeyUnavailable
from questbot.badges.proof_pool import ProofChecks
from questbot.badges.status import is_set
from questbot.domain.errors import QuestbotError

MAX_INDEX_DIGITS = 12


class StatusUnavailable(QuestbotError):
    """The status cannot be checked now, or is of a kind this verifier does not check."""


class StatusChecker:
    def __init__(self, fetcher: DocumentFetcher, resolver: KeyResolver,
                 proofs: ProofChecks) -> None:
        self.fetcher = fetcher
        self.resolver = resolver
        self.proofs = proofs

    async def is_revoked(self, entry: dict[str, Any], issuer_id: str) -> bool:
        if entry.get("type") != "BitstringStatusListEntry":
            raise StatusUnavailable(f"status entries of type {str(entry.get('type'))[:40]!r}"
                                    " are not checked")
        purpose = entry.get("statusPurpose")
        if purpose != "revocation":
            raise StatusUnavailable(f"status purpose {str(purpose)[:40]!r} is not checked")
        index_text = entry.get("statusListIndex")
        url = entry.get("statusListCredential")
        if not isinstance(index_text, str) or not index_text.isdigit() or \
                len(index_text) > MAX_INDEX_DIGITS or not isinstance(url, str):
            raise StatusUnavailable("the status entry is malformed")
        try:
            status_list = await self.fetcher.get(url)
        except DocumentUnavailable as exc:
            raise StatusUnavailable(str(exc)) from None
        await self._check_list(status_list, issuer_id)
        subject = status_list.get("credentialSubject")
        if not isinstance(subject, dict):
            raise StatusUnavailable("the status list is malformed")
        encoded = subject.get("encodedList")
        if not isinstance(encoded, str) or subject.get("statusPurpose") != purpose:
            raise StatusUnavailable("the status list is malformed")
        try:
            return is_set(encoded, int(index_text))
        except ValueError as exc:
            raise StatusUnavailable(f"the status list is malformed: {exc}") from None

    async def _check_list(self, status_list: dict[str, Any], issuer_id: str) -> None:
        issuer = status_list.get("issuer")
        list_issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        if list_issuer != issuer_id:
            raise StatusUnavailable("the status list was not issued by the badge's issuer")
        proofs = status_list.get("proof")
        proofs = proofs if isinstance(proofs, list) else [proofs]
        if not proofs or not all(isinstance(p, dict) for p in proofs) or len(proofs) > 4:
            raise StatusUnavailable("the status list is not signed")
        text = json.dumps(status_list)
        for index, proof in enumerate(proofs):
            method = proof.get("verificationMethod")
            if not isinstance(method, str):
                raise StatusUnavailable("the status list's signature is malformed")
            try:
                key = await self.resolver.resolve(method)
            except (KeyUnavailable, KeyNotAuthorized) as exc:
                raise StatusUnavailable(f"the status list's key: {exc}") from None
            if key.controller != issuer_id:
                raise StatusUnavailable("the status list is signed by another key")
            result = await self.proofs.check(text, index, key.public_key)
            if result.outcome != "valid":
                raise StatusUnavailable("the status list's signature does not match")
