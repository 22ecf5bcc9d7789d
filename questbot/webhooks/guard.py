"""Where a webhook may be sent: the URL's form (https unless allowed otherwise, no user
name or password), and every address its host resolves to, checked when an endpoint is
registered and again by the resolver of each delivery's connection, so a name that later
resolves to an internal address (DNS rebinding) still cannot reach one."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from questbot.domain.errors import QuestbotError
from questbot.domain.webhooks import address_allowed, literal_address, url_problem


class AddressRefused(QuestbotError, OSError):
    """The host names or resolves to an address webhooks may not reach."""


class GuardedResolver(AbstractResolver):
    """Resolves names to the addresses a webhook may connect to; none: AddressRefused."""

    def __init__(self, *, allow_private: bool, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or DefaultResolver()
        self._allow_private = allow_private

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = [r for r in results if _allowed(r["host"], self._allow_private)]
        if not allowed:
            raise AddressRefused(f"{host} resolves only to private or local addresses")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


def _allowed(address: str, allow_private: bool) -> bool:
    ip = literal_address(address)
    return ip is not None and address_allowed(ip, allow_private=allow_private)


def form_problem(url: str, *, allow_http: bool, allow_private: bool) -> str | None:
    """What is wrong with the URL itself, a literal address included (which no resolver
    sees), as a message key; None when nothing is."""
    problem = url_problem(url, allow_http=allow_http)
    if problem is not None:
        return problem
    literal = literal_address(urlsplit(url).hostname or "")
    if literal is not None and not address_allowed(literal, allow_private=allow_private):
        return "webhooks.url_private"
    return None


async def endpoint_problem(url: str, *, allow_http: bool, allow_private: bool,
                           resolver: AbstractResolver | None = None,
                           seconds: float = 10.0) -> str | None:
    """``form_problem``, then the name resolved: refused when none of its addresses may be
    reached (registration; each delivery checks again as it connects)."""
    problem = form_problem(url, allow_http=allow_http, allow_private=allow_private)
    if problem is not None:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    if literal_address(host) is not None:
        return None
    guard = GuardedResolver(allow_private=allow_private, inner=resolver)
    try:
        async with asyncio.timeout(seconds):
            await guard.resolve(host, parts.port or 443, socket.AF_UNSPEC)
    except AddressRefused:
        return "webhooks.url_private"
    except (OSError, TimeoutError):
        return "webhooks.url_unresolved"
    finally:
        if resolver is None:
            await guard.close()
    return None
