"""The wallet page over a real server: the holder's badges with their links, level and
streak, pathway progress through the token, private headers, no platform ids; a rotated
link is a 404 like any unknown one; hiding a badge through the page's form (and refused
from another site); the zip of baked PNGs, which unbake; the record through its port."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import openbadges_bakery
from aiohttp import web
from aiohttp.test_utils import TestServer

from questbot.web import add_badge_routes
from questbot.web.context import WEB
from questbot.web.wallet_files import safe_name
from questbot.web.wallet_page import WalletSetup
from tests.server import Server
from tests.test_badge_server import post_verify

LEARNER = "5551234567"  # a numeric id, as Telegram's are: it must appear nowhere
TOKEN = re.compile(r"/wallet/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])")
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
           "X-Robots-Tag": "noindex"}


async def wallet_of(server: Server, learner: str = LEARNER) -> tuple[str, list[str]]:
    """A learner with two badges (a quest's, then a pathway component's) and their wallet
    link: the token and the award ids."""
    await server.say(learner, "/email someone.private@example.org")
    first = await server.grant_badge(learner, "python-basics")
    server.clock.advance(seconds=1)
    second = await server.grant_badge(learner, "git-workshop")
    reply = await server.say(learner, "/wallet")
    found = TOKEN.search(reply)
    assert found, reply
    return found.group(1), [first, second]


async def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, dict(response.headers), await response.read()


async def post(url: str, form: dict[str, str], **headers: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, \
            http.post(url, data=form, headers=headers, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", "")


def nonce_of(page: str) -> str:
    found = re.search(r'name="nonce" value="([A-Za-z0-9_-]+)"', page)
    assert found
    return found.group(1)


async def test_the_wallet_shows_the_badges_with_their_links_and_no_platform_ids(
        server: Server) -> None:
    token, (first, second) = await wallet_of(server)
    status, headers, body = await get(f"{server.base}/wallet/{token}")
    page = body.decode()
    assert status == 200
    assert {name: headers.get(name) for name in PRIVATE} == PRIVATE
    assert page.index("Python Basics") < page.index("Git Essentials")
    for award in (first, second):
        assert f'href="{server.base}/badges/{award}"' in page
        assert f'src="{server.base}/badges/{award}/badge.png"' in page
    links = re.findall(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    assert len(links) == 2
    query = parse_qs(urlsplit(links[0].replace("&amp;", "&")).query)
    assert query["name"] == ["Python Basics"] and query["certId"] == [first]
    assert 'id="level"' in page and "Level 1" in page and "XP" in page
    assert f"/pathways/junior-python-developer?learner={token}" in page
    assert "1 of 3 badges" in page or "2 of 3 badges" in page
    for private in (LEARNER, "console:", "dm-", "someone.private", "example.org"):
        assert private not in page
    status, _, body = await get(f"{server.base}/wallet/{token}?lang=gd")
    assert status == 200 and "An sporan agam" in body.decode()
    _, _, body = await get(f"{server.base}/wallet/{token}", **{"Accept-Language": "fr"})
    assert "Mon portefeuille" in body.decode()


async def test_a_rotated_link_is_a_404_like_an_unknown_one(server: Server) -> None:
    old, _ = await wallet_of(server)
    reply = await server.say(LEARNER, "/wallet rotate")
    new = TOKEN.search(reply)
    assert new is not None and new.group(1) != old
    gone = await get(f"{server.base}/wallet/{old}")
    unknown = await get(f"{server.base}/wallet/{'x' * 32}")
    malformed = await get(f"{server.base}/wallet/not a token!")
    assert gone[0] == unknown[0] == malformed[0] == 404
    # the same page, but for the address its language links repeat
    assert gone[2].replace(old.encode(), b"T") == unknown[2].replace(b"x" * 32, b"T") \
        == malformed[2].replace(b"not%20a%20token!", b"T")
    assert {name: gone[1].get(name) for name in PRIVATE} == PRIVATE
    for path in ("badges.zip", "record.json", "hidden"):
        assert (await get(f"{server.base}/wallet/{old}/{path}"))[0] == 404
    assert (await get(f"{server.base}/wallet/{new.group(1)}"))[0] == 200


async def test_pathway_progress_from_the_wallets_token(server: Server) -> None:
    token, _ = await wallet_of(server)
    status, headers, body = await get(
        f"{server.base}/pathways/junior-python-developer?learner={token}",
        Accept="application/json")
    summary = json.loads(body)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    earned = {b["name"]: b["earned"] for g in summary["groups"] for b in g["badges"]}
    assert earned["Python Basics"] is True and earned["Git Essentials"] is True
    assert earned["Project Portfolio"] is False
    await server.say(LEARNER, "/wallet hide 2")  # a hidden badge is not shown there either
    _, _, body = await get(f"{server.base}/pathways/junior-python-developer?learner={token}",
                           Accept="application/json")
    earned = {b["name"]: b["earned"] for g in json.loads(body)["groups"] for b in g["badges"]}
    assert earned["Git Essentials"] is False


async def test_hiding_a_badge_on_the_page_and_showing_it_again(server: Server) -> None:
    token, (first, second) = await wallet_of(server)
    wallet = f"{server.base}/wallet/{token}"
    page = (await get(wallet))[2].decode()
    form = {"nonce": nonce_of(page), "hidden": "1"}
    # from another site: refused, nothing changes
    assert (await post(f"{wallet}/badges/{second}", form, Origin="http://evil.example"))[0] \
        == 403
    assert (await post(f"{wallet}/badges/{second}", form, **{"Sec-Fetch-Site": "cross-site"})
            )[0] == 403
    assert f"/badges/{second}/badge.png" in (await get(wallet))[2].decode()
    # from the page itself
    status, location = await post(f"{wallet}/badges/{second}", form, Origin=server.base,
                                  **{"Sec-Fetch-Site": "same-origin"})
    assert status == 303 and location.endswith(f"/wallet/{token}")
    page = (await get(wallet))[2].decode()
    assert second not in page  # its name is on the pathway's map, as every component's
    assert f"/badges/{first}" in page and "Badges hidden from this wallet: 1" in page
    assert "2. Git Essentials" in await server.say(LEARNER, "/wallet")
    names = zipfile.ZipFile(io.BytesIO((await get(f"{wallet}/badges.zip"))[2])).namelist()
    assert names == [safe_name(1, "Python Basics", first)]
    # shown again from the hidden badges' page
    hidden = (await get(f"{wallet}/hidden"))[2].decode()
    assert "Git Essentials" in hidden
    status, location = await post(f"{wallet}/badges/{second}",
                                  {"nonce": nonce_of(hidden), "hidden": "0",
                                   "from": "hidden"}, Origin=server.base)
    assert status == 303 and location.endswith(f"/wallet/{token}/hidden")
    assert f"/badges/{second}/badge.png" in (await get(wallet))[2].decode()
    # bad forms: a clear 400 or 404, nothing changed
    assert (await post(f"{wallet}/badges/{second}", {"hidden": "1"}))[0] == 400
    assert (await post(f"{wallet}/badges/{second}", {"nonce": "n" * 20, "hidden": "x"}))[0] \
        == 400
    assert (await post(f"{wallet}/badges/someone-elses", {"nonce": "n" * 20, "hidden": "1"})
            )[0] == 404
    assert f"/badges/{second}/badge.png" in (await get(wallet))[2].decode()


async def test_the_zip_holds_every_shown_badge_baked_and_leaves_revoked_ones_out(
        server: Server) -> None:
    token, (first, second) = await wallet_of(server)
    await server.say("tina", f"/revoke {LEARNER} git-workshop badge given by mistake")
    status, headers, body = await get(f"{server.base}/wallet/{token}/badges.zip")
    assert status == 200 and headers["Content-Type"] == "application/zip"
    assert headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = archive.namelist()
    assert names == [safe_name(1, "Python Basics", first)]  # the revoked one is left out
    assert re.fullmatch(r"01-python-basics-[A-Za-z0-9_-]+\.png", names[0])
    assert not any(LEARNER in n or "example" in n for n in names)
    assertion = json.loads(openbadges_bakery.unbake(io.BytesIO(archive.read(names[0]))))
    assert assertion["id"] == f"{server.base}/ob2/assertions/{first}"
    assert assertion["recipient"]["hashed"] is True
    page = (await get(f"{server.base}/wallet/{token}"))[2].decode()
    revoked = page[page.index(f'id="badge-{second}"'):]
    revoked = revoked[:revoked.index("</li>")]
    assert "Revoked" in revoked and "linkedin" not in revoked  # on the page, marked
    assert safe_name(7, "Ünïcode / ../../etc \x00 badge", "a/b") == "07-unicode-etc-badge-ab.png"


async def test_the_record_is_the_signed_clr_of_the_badges_the_wallet_shows(
        server: Server) -> None:
    token, (first, second) = await wallet_of(server)
    assert 'id="record"' in (await get(f"{server.base}/wallet/{token}"))[2].decode()
    await server.say(LEARNER, "/wallet hide 1")
    status, headers, body = await get(f"{server.base}/wallet/{token}/record.json?lang=fr")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert headers["Content-Disposition"] == 'attachment; filename="record.json"'
    record = json.loads(body)
    assert "ClrCredential" in record["type"] and record["proof"]
    inside = [c["id"] for c in record["credentialSubject"]["verifiableCredential"]]
    assert inside == [f"{server.base}/ob3/credentials/{second}"]  # the hidden one left out
    assert first not in body.decode()
    status, verdict = await post_verify(server, body)
    assert status == 200 and verdict["status"] == "valid", verdict


async def test_the_record_comes_from_its_port_and_is_a_404_without_one(
        server: Server) -> None:
    token, (_, second) = await wallet_of(server)
    await server.say(LEARNER, "/wallet hide 1")
    asked: list[tuple[str, list[str]]] = []

    class FakeRecords:
        def __init__(self, most: int) -> None:
            self.most = most

        async def record(self, learner_id: str, award_ids: Sequence[str],
                         language: str = "en") -> dict[str, Any] | None:
            asked.append((learner_id, list(award_ids)))
            if len(award_ids) > self.most:
                raise ValueError("more than one record carries")
            return {"type": ["VerifiableCredential", "ClrCredential"], "awards": award_ids}

    context = server.app[WEB]
    assert server.services.engine is not None
    answers = []
    for records in (None, FakeRecords(10), FakeRecords(0)):
        app = web.Application()
        add_badge_routes(app, context.badges, context.verifier, context.clock,
                         wallet=WalletSetup(server.services.store, server.services.engine,
                                            records))
        async with TestServer(app, host="127.0.0.1") as test_server:
            base = str(test_server.make_url("")).rstrip("/")
            page = (await get(f"{base}/wallet/{token}"))[2].decode()
            answers.append(('id="record"' in page,
                            *await get(f"{base}/wallet/{token}/record.json")))
    (offered, status, headers, body), fake, too_many = answers
    assert not offered and status == 404 and "No record here" in body.decode()
    assert headers["Cache-Control"] == "no-store"
    offered, status, headers, body = fake
    assert offered and status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["awards"] == [second]
    assert [ids for _, ids in asked] == [[second], [second]]
    assert LEARNER not in asked[0][0]
    offered, status, _, body = too_many
    assert status == 413 and "Too many badges for one record" in body.decode()
