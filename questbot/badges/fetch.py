"""Fetching other issuers' public documents (DID documents, key documents, status lists)
for the verifier, as a careful client of the open web: https only, a time limit, a size
limit, no redirects, a bounded cache, and never an address inside our own network, so a
credential cannot aim the verifier at internal services. Loopback can be allowed (http
too) for tests and local development; network look-ups can be turned off entirely."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from questbot.badges.bounded_json import JsonLimits, JsonRejected, load_bounded
from questbot.domain.errors import QuestbotError

DOCUMENT_LIMITS = JsonLimits(max_bytes=256 * 1024, max_depth=16, max_items=1_000,
                             max_values=20_000)
CACHE_SIZE = 256
CACHE_SECONDS = 600.0
FAILURE_SECONDS = 60.0


class DocumentUnavailable(QuestbotError):
    """The document cannot be had now: offline, refused, unreachable, not JSON."""


def _allowed(address: str, allow_loopback: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global


class GuardedResolver(AbstractResolver):
    """Resolves names, keeping only addresses the verifier may connect to."""

    def __init__(self, inner: AbstractResolver, allow_loopback: bool) -> None:
        self._inner = inner
        self._allow_loopback = allow_loopback

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = [r for r in results if _allowed(r["host"], self._allow_loopback)]
        if not allowed:
            raise OSError(f"{host} resolves only to private or local addresses")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class DocumentFetcher:
    def __init__(self, *, online: bool = True, allow_loopback: bool = False,
                 timeout: float = 5.0, resolver: AbstractResolver | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.online = online
        self.allow_loopback = allow_loopback
        self.timeout = timeout
        self._resolver = resolver
        self._ssl = ssl_context
        self._session: aiohttp.ClientSession | None = None
        self._cache: OrderedDict[str, tuple[float, dict[str, Any] | str]] = OrderedDict()
        self._lock = asyncio.Lock()

    async def get(self, url: str) -> dict[str, Any]:
        """The JSON object at ``url`` (fragment dropped), or DocumentUnavailable."""
        url = url.split("#", 1)[0]
        cached = self._cache.get(url)
        if cached is not None and cached[0] > time.monotonic():
            self._cache.move_to_end(url)
            if isinstance(cached[1], str):
                raise DocumentUnavailable(cached[1])
            return cached[1]
        try:
            document = await self._fetch(url)
        except DocumentUnavailable as exc:
            self._remember(url, str(exc), FAILURE_SECONDS)
            raise
        self._remember(url, document, CACHE_SECONDS)
        return document

    def _remember(self, url: str, value: dict[str, Any] | str, seconds: float) -> None:
        self._cache[url] = (time.monotonic() + seconds, value)
        self._cache.move_to_end(url)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _check_url(self, url: str) -> None:
        if not self.online:
            raise DocumentUnavailable("looking up keys on the network is turned off")
        parts = urlsplit(url)
        host = parts.hostname or ""
        loopback_http = parts.scheme == "http" and self.allow_loopback and _is_loopback(host)
        if parts.scheme != "https" and not loopback_http:
            raise DocumentUnavailable(f"{parts.scheme or 'a relative'} URLs are not fetched,"
                                      " only https")
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return
        if not _allowed(str(literal), self.allow_loopback):
            raise DocumentUnavailable(f"{host} is a private or local address")

    async def _fetch(self, url: str) -> dict[str, Any]:
        self._check_url(url)
        session = await self._client()
        try:
            async with asyncio.timeout(self.timeout), session.get(
                    url, allow_redirects=False,
                    headers={"Accept": "application/did+ld+json, application/ld+json, "
                                       "application/json;q=0.9"}) as response:
                if response.status != 200:
                    raise DocumentUnavailable(f"{url} answered HTTP {response.status}")
                limit = DOCUMENT_LIMITS.max_bytes
                if (response.content_length or 0) > limit:
                    raise DocumentUnavailable(f"{url} is larger than {limit // 1024} KiB")
                body = await response.content.read(limit + 1)
        except TimeoutError:
            raise DocumentUnavailable(f"{url} did not answer within {self.timeout:g} s") \
                from None
        except (aiohttp.ClientError, OSError) as exc:
            raise DocumentUnavailable(f"{url} cannot be reached ({_reason(exc)})") from None
        try:
            document = load_bounded(body, DOCUMENT_LIMITS)
        except JsonRejected as exc:
            raise DocumentUnavailable(f"{url} is not a usable JSON document: {exc}") from None
        if not isinstance(document, dict):
            raise DocumentUnavailable(f"{url} is not a JSON object")
        return document

    async def _client(self) -> aiohttp.ClientSession:
        async with self._lock:
            if self._session is None:
                resolver = GuardedResolver(self._resolver or DefaultResolver(),
                                           self.allow_loopback)
                connector = aiohttp.TCPConnector(resolver=resolver, limit=16,
                                                 ssl=self._ssl if self._ssl else True)
                self._session = aiohttp.ClientSession(connector=connector, trust_env=False)
            return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reason(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        exc = exc.os_error  # e.g. the guard's "resolves only to private or local addresses"
    text = str(exc) or type(exc).__name__
    return text[:200]
