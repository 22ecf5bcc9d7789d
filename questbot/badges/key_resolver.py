"""From a proof's verificationMethod to a public key and the controller it belongs to.

``did:key`` is resolved locally. ``did:web`` and https methods are fetched (see fetch.py):
the method must be in its controller document's ``assertionMethod``, and the verifier
then requires that controller to be the credential's issuer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from questbot.badges.fetch import DocumentFetcher, DocumentUnavailable
from questbot.badges.identity import did_web_document_url
from questbot.badges.multikey import public_key_from_did, public_key_from_multibase
from questbot.domain.errors import QuestbotError

KEY_TYPES = ("Multikey", "Ed25519VerificationKey2020")


class KeyUnavailable(QuestbotError):
    """The key cannot be had now (offline, unreachable): the signature cannot be checked."""


class KeyNotAuthorized(QuestbotError):
    """The key was found, but its controller does not let it assert credentials."""


@dataclass(frozen=True)
class ResolvedKey:
    public_key: bytes
    controller: str


class KeyResolver:
    def __init__(self, fetcher: DocumentFetcher) -> None:
        self.fetcher = fetcher

    async def resolve(self, method: str) -> ResolvedKey:
        if method.startswith("did:key:"):
            try:
                return ResolvedKey(public_key_from_did(method), method.split("#", 1)[0])
            except ValueError as exc:
                raise KeyNotAuthorized(f"the did:key is malformed: {exc}") from None
        if method.startswith("did:web:"):
            return await self._did_web(method)
        if method.startswith(("https://", "http://")):
            return await self._web_method(method)
        scheme = method.split(":", 1)[0][:20]
        raise KeyUnavailable(f"keys named by {scheme!r} identifiers cannot be looked up")

    async def _document(self, url: str) -> dict[str, Any]:
        try:
            return await self.fetcher.get(url)
        except DocumentUnavailable as exc:
            raise KeyUnavailable(str(exc)) from None

    async def _did_web(self, method: str) -> ResolvedKey:
        did = method.split("#", 1)[0]
        try:
            url = did_web_document_url(did)
        except ValueError as exc:
            raise KeyNotAuthorized(str(exc)) from None
        document = await self._document(url)
        if document.get("id") != did:
            raise KeyNotAuthorized(f"the DID document at {url} is not {did}'s")
        return _key_in(document, method, did)

    async def _web_method(self, method: str) -> ResolvedKey:
        document = await self._document(method)
        if document.get("id") == method:  # the method's own document
            controller = document.get("controller")
            if not isinstance(controller, str):
                raise KeyNotAuthorized("the key document names no controller")
            controller_document = await self._document(controller)
            return _key_in({**controller_document, "verificationMethod": [document]},
                           method, controller)
        base = method.split("#", 1)[0]
        controller = document.get("id")
        if controller != base:
            raise KeyNotAuthorized(f"the document at {base} is not the key's controller")
        return _key_in(document, method, base)


def _same(reference: Any, method: str, controller: str) -> bool:
    if isinstance(reference, dict):
        reference = reference.get("id")
    if not isinstance(reference, str):
        return False
    return reference == method or (reference.startswith("#") and
                                   controller + reference == method)


def _key_in(document: dict[str, Any], method: str, controller: str) -> ResolvedKey:
    """The method's key, if ``document`` (the controller's) lists it for assertions."""
    assertions = document.get("assertionMethod")
    assertions = assertions if isinstance(assertions, list) else [assertions]
    if not any(_same(a, method, controller) for a in assertions):
        raise KeyNotAuthorized("the issuer does not list this key for signing credentials")
    candidates = [a for a in assertions if isinstance(a, dict)]
    listed = document.get("verificationMethod")
    candidates += [c for c in (listed if isinstance(listed, list) else [listed])
                   if isinstance(c, dict)]
    for candidate in candidates:
        if _same(candidate, method, controller):
            return _public_key(candidate, controller)
    raise KeyNotAuthorized("the issuer's document does not describe this key")


def _public_key(entry: dict[str, Any], controller: str) -> ResolvedKey:
    if entry.get("type") not in KEY_TYPES:
        raise KeyNotAuthorized(f"keys of type {str(entry.get('type'))[:40]!r} are not"
                               " supported")
    if entry.get("controller", controller) != controller:
        raise KeyNotAuthorized("the key's controller is not the document's owner")
    value = entry.get("publicKeyMultibase")
    if not isinstance(value, str):
        raise KeyNotAuthorized("the key has no publicKeyMultibase")
    try:
        return ResolvedKey(public_key_from_multibase(value), controller)
    except ValueError as exc:
        raise KeyNotAuthorized(f"the key is not an Ed25519 key: {exc}") from None
