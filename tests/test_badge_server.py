"""The badge server over real sockets: pages, documents, images, revocation, verification."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest

from questbot.badges.bake import OB2_KEYWORD, OB3_KEYWORD, bake, unbake
from questbot.badges.canonical import canonical_nquads
from questbot.badges.multikey import public_key_from_did
from questbot.badges.proof import verify
from questbot.badges.status import is_set
from tests.helpers import FakeClock
from tests.paths import DATA
from tests.server import Server, running_server

SCHEMA = json.loads((DATA / "ob_v3p0_achievementcredential_schema.json").read_text())


async def get(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    headers = {"Accept": accept} if accept else {}
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, response.content_type, await response.read()


async def get_json(url: str, accept: str = "application/json") -> tuple[int, Any]:
    status, _, body = await get(url, accept)
    return status, json.loads(body)


async def post_verify(server: Server, data: bytes, accept: str = "application/json",
                      form: bool = True) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http:
        if form:
            payload = aiohttp.FormData()
            payload.add_field("file", io.BytesIO(data), filename="badge.png",
                              content_type="application/octet-stream")
        async with http.post(f"{server.base}/verify", data=payload if form else data,
                             headers={"Accept": accept}) as response:
            body = await response.read()
            return response.status, json.loads(body) if "json" in accept else body.decode()


async def test_an_award_is_a_signed_baked_hosted_badge(server: Server) -> None:
    award_id = await server.grant_badge()
    page_url = f"{server.base}/badges/{award_id}"

    status, kind, html = await get(page_url)
    assert status == 200
    assert kind == "text/html"
    text = html.decode()
    assert "Python Basics" in text and ">Valid<" in text
    assert 'property="og:title" content="Python Basics"' in text
    assert "linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in text
    assert "finished the course" in text
    assert "Alice" not in text  # the learner has not chosen to show their name

    status, summary = await get_json(page_url)
    assert summary["status"] == "valid"
    assert summary["links"]["png"] == f"{page_url}/badge.png"

    status, credential = await get_json(f"{server.base}/ob3/credentials/{award_id}",
                                         "application/vc+ld+json")
    jsonschema.Draft201909Validator(SCHEMA).validate(credential)
    proof = credential["proof"][0]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["issuer"]["id"] == proof["verificationMethod"].split("#")[0]
    verify(credential, public_key_from_did(proof["verificationMethod"]), proof,
           canonical_nquads)  # the reference canonicalization

    status, assertion = await get_json(f"{server.base}/ob2/assertions/{award_id}")
    assert assertion["type"] == "Assertion"
    assert assertion["verification"] == {"type": "HostedBadge"}
    assert assertion["recipient"]["identity"].startswith("sha256$")

    status, kind, png = await get(f"{page_url}/badge.png")
    assert kind == "image/png"
    baked = unbake(png)
    assert json.loads(baked[OB3_KEYWORD]) == credential
    assert json.loads(baked[OB2_KEYWORD]) == assertion
    path = Path(server.settings.data_dir / "badges" / "awards" / f"{award_id}.png")
    assert path.read_bytes() == png  # the file the terminal chat points to

    status, badge_class = await get_json(assertion["badge"])
    assert badge_class["name"] == "Python Basics"
    assert badge_class["criteria"]["narrative"].startswith("Posted three messages")
    status, issuer = await get_json(badge_class["issuer"])
    assert issuer["type"] == "Issuer"
    assert issuer["email"] == "badges@example.org"
    status, kind, image = await get(badge_class["image"])
    assert kind == "image/png"
    assert OB3_KEYWORD not in unbake(image)


async def test_revocation_shows_everywhere(server: Server) -> None:
    award_id = await server.grant_badge()
    _, credential = await get_json(f"{server.base}/ob3/credentials/{award_id}",
                                   "application/vc+ld+json")
    index = int(credential["credentialStatus"]["statusListIndex"])
    _, status_list = await get_json(f"{server.base}/status/revocation")
    assert not is_set(status_list["credentialSubject"]["encodedList"], index)

    reply = await server.say("tina", "/revoke alice python-basics badge awarded in error")
    assert "Revoked" in reply

    status, gone = await get_json(f"{server.base}/ob2/assertions/{award_id}")
    assert status == 410
    assert gone["revoked"] is True and gone["revocationReason"] == "awarded in error"
    _, status_list = await get_json(f"{server.base}/status/revocation")
    assert is_set(status_list["credentialSubject"]["encodedList"], index)
    proof = status_list["proof"][0]
    verify(status_list, public_key_from_did(proof["verificationMethod"]), proof)
    _, _, html = await get(f"{server.base}/badges/{award_id}")
    assert ">Revoked<" in html.decode()
    _, png = (await get(f"{server.base}/badges/{award_id}/badge.png"))[1:]
    status, verdict = await post_verify(server, png)
    assert verdict["status"] == "revoked"
    assert "awarded in error" in verdict["summary"]


async def test_verify_tells_valid_from_tampered(server: Server) -> None:
    award_id = await server.grant_badge()
    png = (await get(f"{server.base}/badges/{award_id}/badge.png"))[2]
    status, verdict = await post_verify(server, png)
    assert (status, verdict["status"]) == (200, "valid")

    texts = unbake(png)
    credential = json.loads(texts[OB3_KEYWORD])
    credential["credentialSubject"]["achievement"]["name"] = "Python Expert"
    forged = bake(png, {OB3_KEYWORD: json.dumps(credential)})
    status, verdict = await post_verify(server, forged)
    assert verdict["status"] == "tampered"
    assert "signature" in verdict["summary"]

    assertion = json.loads(texts[OB2_KEYWORD])
    assertion["issuedOn"] = "2020-01-01T00:00:00Z"
    status, verdict = await post_verify(server, bake(png, {OB2_KEYWORD: json.dumps(assertion)}))
    assert verdict["status"] == "tampered"
    assert "2.0" in verdict["summary"]

    status, verdict = await post_verify(server, texts[OB3_KEYWORD].encode(), form=False)
    assert verdict["status"] == "valid"  # the credential's JSON on its own

    status, page = await post_verify(server, forged, accept="text/html")
    assert status == 200
    assert "Tampered" in page


async def test_an_expired_badge_is_reported_as_expired(tmp_path: Path) -> None:
    past = FakeClock(datetime(2022, 1, 10, 9, 0, tzinfo=UTC))
    async with running_server(tmp_path, past) as server:
        await server.say("alice", "/start")
        code_reply = await server.say("tina", "/grant alice git-workshop badge workshop 2022")
        assert "Awarded" in code_reply
        [badge] = [d.message for d in await server.deliveries()
                   if type(d.message).__name__ == "BadgeAwarded"]
        server.clock.current = datetime.now(UTC)
        png = (await get(f"{server.base}/badges/{badge.award_id}/badge.png"))[2]  # type: ignore[union-attr]
        _status, verdict = await post_verify(server, png)
        assert verdict["status"] == "expired"
        assert "2024-01-10" in verdict["summary"]  # 730 days after the award
        _, _, html = await get(f"{server.base}/badges/{badge.award_id}")  # type: ignore[union-attr]
        assert ">Expired<" in html.decode()


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"GIF89a not a png", "Not a badge"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "runs past the end"),
    (b'{"not": "a badge"', "not valid JSON"),
])
async def test_hostile_or_broken_uploads_get_a_4xx_with_a_reason(
        server: Server, data: bytes, reason: str) -> None:
    status, verdict = await post_verify(server, data)
    assert 400 <= status < 500
    assert reason in verdict["summary"]


async def test_oversized_uploads_are_refused(server: Server) -> None:
    status, verdict = await post_verify(server, b"\x89PNG" + b"0" * (3 * 1024 * 1024))
    assert status == 413
    assert "2 MB" in verdict["summary"]


async def test_unknown_ids_are_404_pages_not_stack_traces(server: Server) -> None:
    for path in ("/badges/nope", "/badges/nope/badge.png", "/badges/nope/certificate.png",
                 "/ob2/assertions/nope", "/ob3/credentials/nope", "/ob2/badges/nope",
                 "/images/badges/nope.png", "/badges/" + "x" * 500):
        status, _, body = await get(server.base + path)
        assert status == 404, path
        assert b"Traceback" not in body


async def test_keys_are_public_only_and_the_private_key_is_private(server: Server) -> None:
    _, keys = await get_json(f"{server.base}/issuer/keys")
    assert keys["keys"][0]["status"] == "active"
    assert keys["keys"][0]["publicKeyMultibase"].startswith("z6Mk")
    [seed] = (server.settings.data_dir / "keys").glob("*.seed")
    assert seed.stat().st_mode & 0o777 == 0o600
    assert seed.read_text().strip() not in json.dumps(keys)


async def test_certificate_and_the_learners_name_by_consent(server: Server) -> None:
    await server.say("alice", "/showname on")
    award_id = await server.grant_badge()
    _, _, html = await get(f"{server.base}/badges/{award_id}")
    assert "Awarded to</dt><dd>Alice" in html.decode()
    status, kind, png = await get(f"{server.base}/badges/{award_id}/certificate.png")
    assert (status, kind) == (200, "image/png")
    assert png.startswith(b"\x89PNG")
