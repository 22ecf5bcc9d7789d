"""Who the issuer is in its credentials, in a way that survives key rotation.

A server with a public https base URL is ``did:web``: one issuer id for every key, whose DID
document (served at ``/.well-known/did.json``) lists the current and the retired keys, so a
badge signed before a rotation keeps verifying under the same issuer. Without one (a laptop,
a private address) each key is its own ``did:key`` issuer, and each key has its own status
list, because verifiers require the status list's issuer to be the credential's issuer."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, unquote, urlsplit

from questbot.badges.keys import IssuerKey, Keyring
from questbot.badges.model import Urls

IdentityMode = Literal["auto", "web", "key"]
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
LEGACY_LIST = "revocation"


def did_web_for(base_url: str) -> str:
    """``https://host:8443/path`` is ``did:web:host%3A8443:path``."""
    parts = urlsplit(base_url)
    host = quote(parts.netloc, safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segments])


def did_web_document_url(did: str) -> str:
    """Where a did:web's document is, by the did:web method's rules."""
    if not did.startswith("did:web:"):
        raise ValueError("not a did:web")
    host, *segments = did[len("did:web:"):].split(":")
    if not host:
        raise ValueError("the did:web names no host")
    path = "/".join(unquote(s) for s in segments) if segments else ".well-known"
    return f"https://{unquote(host)}/{path}/did.json"


def _is_public_https(base_url: str) -> bool:
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if parts.scheme != "https" or host in ("localhost", "") or host.endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True
    return address.is_global


@dataclass(frozen=True)
class IssuerIdentity:
    urls: Urls
    did_web: str | None

    @classmethod
    def choose(cls, urls: Urls, mode: IdentityMode = "auto") -> IssuerIdentity:
        web = mode == "web" or (mode == "auto" and _is_public_https(urls.base))
        return cls(urls, did_web_for(urls.base) if web else None)

    def issuer_id(self, key: IssuerKey) -> str:
        return self.did_web or key.did

    def verification_method(self, key: IssuerKey) -> str:
        return f"{self.did_web}#{key.multibase}" if self.did_web else key.verification_method

    def status_list_id(self, key: IssuerKey) -> str:
        """The list a credential signed by ``key`` names: the issuer's, or the key's own."""
        return LEGACY_LIST if self.did_web else key.multibase

    def status_list_signer(self, list_id: str, keyring: Keyring) -> IssuerKey | None:
        """The key that signs a status list, or None for a list this issuer does not have.

        The issuer-wide list is the did:web's (signed by the active key); with did:key it
        is the list of the badges issued before lists were kept per key, which the first
        key signed."""
        if list_id == LEGACY_LIST:
            return keyring.active if self.did_web else keyring.keys[0]
        return keyring.by_multibase(list_id)

    def status_list_issuer(self, list_id: str, key: IssuerKey) -> str:
        return self.did_web if self.did_web and list_id == LEGACY_LIST else key.did

    def status_list_method(self, list_id: str, key: IssuerKey) -> str:
        if self.did_web and list_id == LEGACY_LIST:
            return self.verification_method(key)
        return key.verification_method

    def is_ours(self, issuer_id: str, keyring: Keyring) -> bool:
        return issuer_id == self.did_web or keyring.by_did(issuer_id) is not None

    def our_key(self, method: str, keyring: Keyring) -> IssuerKey | None:
        """The key of one of our verification methods (did:web or did:key), if it is one."""
        did, _, fragment = method.partition("#")
        if self.did_web is not None and did == self.did_web:
            return keyring.by_multibase(fragment)
        key = keyring.by_did(did)
        return key if key is not None and method == key.verification_method else None

    def did_document(self, keyring: Keyring) -> dict[str, Any] | None:
        if self.did_web is None:
            return None
        methods = [{"id": self.verification_method(k), "type": "Multikey",
                    "controller": self.did_web, "publicKeyMultibase": k.multibase}
                   for k in reversed(keyring.keys)]
        ids = [m["id"] for m in methods]
        return {"@context": DID_CONTEXTS, "id": self.did_web, "verificationMethod": methods,
                "assertionMethod": ids, "authentication": [ids[0]]}
