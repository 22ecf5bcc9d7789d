"""A badge's answer sent again to the same kind of request (same Accept, same
Accept-Language) is the answer the long way would give now: after a revocation, a hidden
name or an expiry it is never the old one, and its headers are those of the first."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import FakeClock
from tests.server import Server, running_server

AWARDED = datetime(2022, 1, 10, 9, 0, tzinfo=UTC)  # the workshop's badge expires in 2024
ROUTES = {"page": "/badges/{}", "ob2": "/ob2/assertions/{}",
          "certificate": "/badges/{}/certificate.png"}
ACCEPTS = (None, "text/html", "application/json", "application/ld+json",
           "application/vc+ld+json", "*/*")
LANGUAGES = (None, "en", "fr", "gd", "de-DE,fr;q=0.5")
# A conditional request naming no ETag of ours is answered the long way, in full.
LONG_WAY = {"If-None-Match": '"not-any-of-ours"'}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


async def fetch(server: Server, path: str, headers: dict[str, str]) -> Answer:
    async with aiohttp.ClientSession() as http, http.get(server.base + path,
                                                         headers=headers) as response:
        kept = tuple((name, value) for name, value in response.headers.items()
                     if name.lower() != "date")
        return Answer(response.status, kept, await response.read())


def request_headers(accept: str | None, language: str | None) -> dict[str, str]:
    headers = {"Accept": accept, "Accept-Language": language}
    return {name: value for name, value in headers.items() if value is not None}


async def grant_expiring(server: Server) -> str:
    return await server.grant_badge(quest="git-workshop", reason="came to the workshop")


Kind = tuple[str, str | None, str | None]  # route, Accept, Accept-Language
# A few kinds of request, each asked again and again between the badge's changes
kinds = st.lists(st.tuples(st.sampled_from(sorted(ROUTES)), st.sampled_from(ACCEPTS),
                           st.sampled_from(LANGUAGES)), min_size=1, max_size=3, unique=True)
changes = st.sampled_from([("revoke",), ("name on",), ("name off",), ("expire",)])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=kinds, steps=st.lists(st.one_of(st.integers(0, 2), changes), min_size=4,
                                   max_size=24))
def test_an_answer_sent_again_is_what_the_long_way_gives_now(
        tmp_path_factory: pytest.TempPathFactory, kinds: list[Kind],
        steps: list[int | tuple[str]]) -> None:
    actions: list[tuple[str | None, ...]] = [
        ("get", *kinds[step % len(kinds)]) if isinstance(step, int) else step
        for step in steps]
    asyncio.run(_differential(tmp_path_factory.mktemp("resent"), actions))


async def _differential(folder: Path, actions: list[tuple[str | None, ...]]) -> None:
    async with running_server(folder, FakeClock(AWARDED)) as server:
        award_id = await grant_expiring(server)
        revoked = expired = False
        for action in actions:
            if action[0] == "revoke":
                await server.say("tina", "/revoke alice git-workshop badge in error")
                revoked = True
            elif action[0] == "name on":
                await server.say("alice", "/showname on")
            elif action[0] == "name off":
                await server.say("alice", "/showname off")
            elif action[0] == "expire":
                server.clock.current = datetime.now(UTC)
                expired = True
            else:
                _, route, accept, language = action
                assert route is not None
                path = ROUTES[route].format(award_id)
                headers = request_headers(accept, language)
                first = await fetch(server, path, headers)
                again = await fetch(server, path, headers)  # sent again, if anything is
                long_way = await fetch(server, path, {**headers, **LONG_WAY})
                assert first == again == long_way, action
                status = "revoked" if revoked else "expired" if expired else "valid"
                if route == "ob2":
                    assert first.status == (410 if revoked else 200)
                elif route == "page" and accept == "application/json":
                    assert json.loads(first.body)["status"] == status


async def summary_status(server: Server, award_id: str) -> str:
    """The badge's status as its JSON summary tells it, asked the same way every time."""
    answer = await fetch(server, f"/badges/{award_id}", request_headers("application/json", None))
    status: str = json.loads(answer.body)["status"]
    return status


async def test_the_next_request_after_a_revocation_sees_it(tmp_path: Path) -> None:
    async with running_server(tmp_path, FakeClock(AWARDED)) as server:
        award_id = await grant_expiring(server)
        for _ in range(3):
            assert await summary_status(server, award_id) == "valid"
            assert (await fetch(server, f"/ob2/assertions/{award_id}", {})).status == 200
        await server.say("tina", "/revoke alice git-workshop badge in error")
        assert await summary_status(server, award_id) == "revoked"
        assert (await fetch(server, f"/ob2/assertions/{award_id}", {})).status == 410


async def test_a_badge_sent_again_expires_on_time(tmp_path: Path) -> None:
    async with running_server(tmp_path, FakeClock(AWARDED)) as server:
        award_id = await grant_expiring(server)
        for _ in range(3):
            assert await summary_status(server, award_id) == "valid"
        server.clock.current = datetime(2024, 1, 10, 9, 0, 1, tzinfo=UTC)  # a second late
        assert await summary_status(server, award_id) == "expired"


async def test_an_answer_sent_again_keeps_its_headers_and_its_etag(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        award_id = await server.grant_badge()
        headers = request_headers(None, "fr")
        first = await fetch(server, f"/badges/{award_id}", headers)
        again = await fetch(server, f"/badges/{award_id}", headers)
        assert first == again
        named = {name.lower(): value for name, value in again.headers}
        assert "Accept-Language" in named["vary"] and "Accept" in named["vary"]
        assert named["content-security-policy"] and named["etag"]
        assert 'lang="fr"' in again.body.decode()
        english = await fetch(server, f"/badges/{award_id}", request_headers(None, "en"))
        assert 'lang="en"' in english.body.decode()
        conditional = await fetch(server, f"/badges/{award_id}",
                                  {**headers, "If-None-Match": named["etag"]})
        assert conditional.status == 304 and conditional.body == b""
