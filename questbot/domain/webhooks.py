"""Outbound webhooks, the pure parts: the events an endpoint may subscribe to, its secret,
the Standard Webhooks signature (https://www.standardwebhooks.com) and which URLs and
addresses an endpoint may have."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

BADGE_AWARDED = "badge.awarded"
BADGE_REVOKED = "badge.revoked"
QUEST_COMPLETED = "quest.completed"
LEARNER_JOINED = "learner.joined"
EVENT_TYPES = (BADGE_AWARDED, BADGE_REVOKED, QUEST_COMPLETED, LEARNER_JOINED)

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # 256 bits, HMAC-SHA256's block of strength
MAX_URL = 2000

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def new_secret() -> str:
    """A fresh endpoint secret, ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key a ``whsec_`` secret stands for."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("not a whsec_ secret")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not a whsec_ secret") from None
    if not key:
        raise ValueError("not a whsec_ secret")
    return key


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: ``v1,`` and the base64 HMAC-SHA256 of
    ``id.timestamp.body`` under the secret's key."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def parse_event_types(text: str) -> tuple[str, ...]:
    """``badge.awarded,quest.completed`` as the known event types it names, in the
    canonical order; ValueError naming the first unknown one."""
    named = [part.strip() for part in text.split(",") if part.strip()]
    if not named:
        raise ValueError("")
    for name in named:
        if name not in EVENT_TYPES:
            raise ValueError(name)
    return tuple(t for t in EVENT_TYPES if t in named)


def url_problem(url: str, *, allow_http: bool) -> str | None:
    """Why ``url`` cannot be an endpoint, as a message key; None when its form is fine
    (where it points is checked after the name is resolved: ``address_allowed``)."""
    if len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in url):
        return "webhooks.url_invalid"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "webhooks.url_invalid"
    del port
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "webhooks.url_invalid"
    if parts.scheme == "http" and not allow_http:
        return "webhooks.url_not_https"
    if parts.username is not None or parts.password is not None:
        return "webhooks.url_credentials"
    if parts.fragment:
        return "webhooks.url_invalid"
    return None


def literal_address(host: str) -> IpAddress | None:
    """The address a URL's host names literally (``10.0.0.1``, ``[::1]``), or None for a
    name."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def address_allowed(address: IpAddress, *, allow_private: bool) -> bool:
    """May a webhook connect to ``address``? Only globally routable unicast addresses,
    unless ``allow_private`` (tests, a receiver on the same network); never the unspecified
    address or multicast. IPv6 forms that carry an IPv4 address are judged by it."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return address_allowed(embedded, allow_private=allow_private)
    if address.is_unspecified or address.is_multicast:
        return False
    if allow_private:
        return True
    return address.is_global and not (address.is_private or address.is_loopback
                                      or address.is_link_local or address.is_reserved)


def _embedded_ipv4(address: IpAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:  # 64:ff9b::a.b.c.d reaches a.b.c.d through a NAT64 gateway
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # the deprecated ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
