"""Signing in to the dashboard as a person would: ask the bot for a link, open it, press the
button; then a client that holds the session cookie."""

from __future__ import annotations

import re
from html import unescape

import aiohttp

from tests.server import Server

LINK = re.compile(r"https?://\S+/dashboard/sign-in/[A-Za-z0-9_-]+")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
NONCE = re.compile(r'name="nonce" value="([^"]+)"')


async def ask_link(server: Server, user: str) -> str:
    reply = await server.say(user, "/dashboard")
    found = LINK.search(reply)
    assert found, reply
    return found.group(0)


def client() -> aiohttp.ClientSession:
    # unsafe: the server is 127.0.0.1, whose cookies a default jar refuses
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def form_token(http: aiohttp.ClientSession, url: str) -> tuple[str, str]:
    async with http.get(url) as response:
        html = await response.text()
    found = CSRF.search(html)
    assert found, html
    return unescape(found.group(1)), html


async def sign_in(http: aiohttp.ClientSession, link: str) -> int:
    """Open the link, press the button; the answer's status (303 when signed in)."""
    csrf, _ = await form_token(http, link)
    async with http.post(link, data={"csrf": csrf}, allow_redirects=False) as response:
        return response.status


async def signed_in_client(server: Server, user: str = "tina") -> aiohttp.ClientSession:
    http = client()
    assert await sign_in(http, await ask_link(server, user)) == 303
    return http


async def page(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url) as response:
        return response.status, await response.text()
