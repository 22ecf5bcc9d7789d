"""The badge server keeps its answers in memory, and a reader never sees a stale one: entity
tags and 304s, a revocation shown at once (from this process, from `questbot revoke` in
another, to every worker sharing the port), the memory kept bounded, pages in the reader's
language, the baked image exactly as written."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from multidict import CIMultiDictProxy

from questbot.web.answer_cache import Answer, AnswerCache
from questbot.web.context import WEB
from tests.paths import ROOT
from tests.processes import Bot, environment
from tests.server import Server, free_port, running_server

JSON = "application/json"


async def fetch(url: str, **headers: str) -> tuple[int, CIMultiDictProxy[str], bytes]:
    """On a connection of its own (so several workers on one port each get some)."""
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, response.headers, await response.read()


def badge_urls(base: str, award_id: str) -> dict[str, str]:
    return {"page": f"{base}/badges/{award_id}",
            "assertion": f"{base}/ob2/assertions/{award_id}",
            "credential": f"{base}/ob3/credentials/{award_id}",
            "badge class": f"{base}/ob2/badges/python-basics.badge",
            "issuer": f"{base}/ob2/issuer",
            "baked png": f"{base}/badges/{award_id}/badge.png",
            "certificate": f"{base}/badges/{award_id}/certificate.png"}


async def test_every_badge_answer_has_a_strong_etag_and_a_304_for_it(server: Server) -> None:
    award_id = await server.grant_badge()
    for name, url in badge_urls(server.base, award_id).items():
        status, headers, body = await fetch(url)
        assert status == 200, name
        etag = headers["ETag"]
        assert etag.startswith('"') and not etag.startswith("W/"), name
        assert "Cache-Control" in headers, name
        again, _, same = await fetch(url)  # kept: the very same bytes
        assert (again, same) == (200, body), name
        status, headers, body = await fetch(url, **{"If-None-Match": etag})
        assert (status, body, headers["ETag"]) == (304, b"", etag), name


async def test_a_revocation_shows_at_once_on_every_kept_answer(server: Server) -> None:
    award_id = await server.grant_badge()
    urls = badge_urls(server.base, award_id)
    before = {name: await fetch(urls[name], Accept=JSON if name == "page" else "*/*")
              for name in ("page", "assertion", "certificate")}
    assert json.loads(before["page"][2])["status"] == "valid"
    await server.say("tina", "/revoke alice python-basics badge awarded in error")

    status, headers, body = await fetch(urls["page"], Accept=JSON)
    assert json.loads(body)["status"] == "revoked"
    assert headers["ETag"] != before["page"][1]["ETag"]
    status, _, body = await fetch(urls["page"])  # the HTML page, asked for the first time
    assert b'class="status revoked"' in body
    status, _, body = await fetch(urls["assertion"])
    assert status == 410 and json.loads(body)["revoked"] is True
    # a client holding the valid answer's tag gets the new one, not a 304
    for name in ("page", "assertion", "certificate"):
        old = before[name][1]["ETag"]
        status, headers, body = await fetch(
            urls[name], Accept=JSON if name == "page" else "*/*", **{"If-None-Match": old})
        assert status in (200, 410) and body and headers["ETag"] != old, name


async def test_a_revocation_by_another_process_shows_at_once(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        award_id = await server.grant_badge()
        url = f"{server.base}/badges/{award_id}"
        assert json.loads((await fetch(url, Accept=JSON))[2])["status"] == "valid"
        env = environment(tmp_path / "data", free_port())
        revoke = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "questbot", "revoke", award_id, "--reason", "in error",
            cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await revoke.communicate()
        assert revoke.returncode == 0, (out, err)
        assert json.loads((await fetch(url, Accept=JSON))[2])["status"] == "revoked"
        assert (await fetch(f"{server.base}/ob2/assertions/{award_id}"))[0] == 410


async def test_hiding_the_name_changes_the_kept_page(server: Server) -> None:
    await server.say("alice", "/start")
    award_id = await server.grant_badge()
    url = f"{server.base}/badges/{award_id}"
    await server.say("alice", "/showname on")
    shown = json.loads((await fetch(url, Accept=JSON))[2])
    await server.say("alice", "/showname off")
    hidden = json.loads((await fetch(url, Accept=JSON))[2])
    assert shown["recipient"] == "Alice" and hidden["recipient"] is None


async def test_pages_in_each_language_are_kept_apart_and_vary(server: Server) -> None:
    award_id = await server.grant_badge()
    url = f"{server.base}/badges/{award_id}"
    pages: dict[str, bytes] = {}
    for _ in range(2):  # the second time from memory
        for language in ("fr", "en", "gd"):
            status, headers, body = await fetch(url, **{"Accept-Language": language})
            assert status == 200 and "Accept-Language" in headers["Vary"]
            assert f'lang="{language}"' in body.decode()
            pages.setdefault(language, body)
            assert pages[language] == body
    assert len(set(pages.values())) == 3
    status, headers, body = await fetch(f"{url}?lang=gd", **{"Accept-Language": "fr"})
    assert 'lang="gd"' in body.decode() and "Accept-Language" not in headers.get("Vary", "")
    _, _, json_body = await fetch(url, Accept=JSON, **{"Accept-Language": "fr"})
    assert json.loads(json_body)["status"] == "valid"


async def test_the_png_is_the_baked_file_and_still_verifies(server: Server) -> None:
    award_id = await server.grant_badge()
    status, headers, png = await fetch(f"{server.base}/badges/{award_id}/badge.png")
    on_disk = (server.settings.data_dir / "badges" / "awards" / f"{award_id}.png").read_bytes()
    assert status == 200 and png == on_disk
    assert headers["Content-Type"] == "image/png"
    verifier = server.app[WEB].verifier
    verdict = await verifier.verify_bytes(png, server.clock.now())
    assert verdict.status == "valid" and verdict.award_id == award_id


async def test_many_badges_do_not_grow_the_memory_past_its_bound(tmp_path: Path) -> None:
    async with running_server(tmp_path, web_cache_mb=1) as server:
        award_ids = [await server.grant_badge(learner=f"learner{n}") for n in range(16)]
        for award_id in award_ids:
            for url in badge_urls(server.base, award_id).values():
                assert (await fetch(url))[0] == 200
        cache = server.app[WEB].answers.cache
        assert 0 < cache.size <= 1024 * 1024
        # evicted answers are built again, identical
        first = badge_urls(server.base, award_ids[0])["baked png"]
        assert (await fetch(first))[2] == (server.settings.data_dir / "badges" / "awards"
                                           / f"{award_ids[0]}.png").read_bytes()


def test_the_cache_drops_the_least_recently_used_and_skips_the_huge() -> None:
    cache = AnswerCache(max_bytes=64 * 1024)
    for n in range(100):
        cache.put(n, Answer.of(bytes(1000), "application/octet-stream"))
        cache.get(0)  # kept in use: never dropped
        assert cache.size <= 64 * 1024
    assert cache.get(0) is not None and cache.get(1) is None and cache.get(99) is not None
    cache.put("huge", Answer.of(bytes(20_000), "image/png"))  # over an eighth of the cache
    assert cache.get("huge") is None


def _listeners(port: int) -> int:
    """Sockets listening on ``port`` on this machine (each worker has its own)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        if state == "0A" and int(local.split(":")[1], 16) == port:
            count += 1
    return count


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc")
async def test_two_workers_share_the_port_and_answer_alike(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        award_id = await server.grant_badge()
    port = free_port()
    bot = await Bot.start(tmp_path / "data", port, "--workers", "2", interactive=False)
    try:
        deadline = time.monotonic() + 60
        while _listeners(port) < 2:
            assert time.monotonic() < deadline, "the second worker never listened"
            await asyncio.sleep(0.1)
        urls = badge_urls(bot.base, award_id)
        for name, url in urls.items():
            answers = {(await fetch(url))[2] for _ in range(12)}
            assert len(answers) == 1, name
        revoke = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "questbot", "revoke", award_id, "--reason", "in error",
            cwd=ROOT, env=environment(tmp_path / "data", free_port()),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, err = await revoke.communicate()
        assert revoke.returncode == 0, err
        statuses = {json.loads((await fetch(urls["page"], Accept=JSON))[2])["status"]
                    for _ in range(12)}
        assert statuses == {"revoked"}
        assert {(await fetch(urls["assertion"]))[0] for _ in range(12)} == {410}
    finally:
        await bot.stop()
    assert bot.process.returncode == 0
