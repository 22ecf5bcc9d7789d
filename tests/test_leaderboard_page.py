"""The public leaderboard page of a community: season and all-time standings in the reader's
language, naming only learners who opted in."""

from __future__ import annotations

import re

import aiohttp
import pytest

from tests.server import Server


async def _page(server: Server, path: str, language: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(
            f"{server.base}{path}", params={"lang": language}) as response:
        return response.status, await response.text()


@pytest.mark.parametrize("language", ["en", "fr", "gd"])
async def test_the_page_names_only_learners_who_opted_in(server: Server, language: str
                                                         ) -> None:
    for learner in ("alice", "bob"):
        await server.say(learner, "/join python-basics")
        await server.say("tina", f"/grant {learner} python-basics meetup was there")
    await server.say("alice", "/leaderboard optin")
    status, page = await _page(server, "/communities/python-learners/leaderboard", language)
    assert status == 200
    assert "Alice" in page and "Bob" not in page
    title, anonymous = {"en": ("Python Learners: leaderboard", "anonymous"),
                        "fr": ("Python Learners : classement", "anonyme"),
                        "gd": ("Python Learners: clàr-urraim", "gun ainm")}[language]
    assert title in page
    assert page.count(f"<td>{anonymous}</td>") == 2  # in the season's and the all-time table
    assert page.count("<td>Alice</td>") == 2
    assert not re.search(r"\b\d{4}-(W\d{2}|\d{2})\b", page)  # the season is named, not keyed


async def test_an_unknown_community_has_no_page(server: Server) -> None:
    status, page = await _page(server, "/communities/nowhere/leaderboard", "fr")
    assert status == 404
    assert "Communauté inconnue" in page
