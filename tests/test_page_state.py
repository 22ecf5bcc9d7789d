"""Pages and images follow the badge: the certificate is drawn again when the holder hides or
deletes their name and is stamped once the badge is revoked or expired; a revoked page offers
nothing to pass on; sharing links carry the expiry; command-line awards name the issuer."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from PIL import Image

from questbot.app.cli import main
from questbot.badges.bake import OB3_KEYWORD, unbake
from tests.helpers import FakeClock
from tests.paths import QUESTS
from tests.server import Server, running_server

REVOKED_RED = (164, 22, 26)
EXPIRED_AMBER = (122, 82, 0)


async def fetch(url: str, **headers: str) -> tuple[int, str, bytes]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, response.headers.get("ETag", ""), await response.read()


async def certificate(server: Server, award_id: str) -> tuple[bytes, str]:
    status, etag, png = await fetch(f"{server.base}/badges/{award_id}/certificate.png")
    assert status == 200 and png.startswith(b"\x89PNG")
    return png, etag


def share_of(png: bytes, colour: tuple[int, int, int]) -> float:
    """The share of the certificate's middle band drawn in about ``colour``."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    band = image.crop((0, height // 3, width, 2 * height // 3))
    data = band.tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    near = sum(1 for pixel in pixels
               if sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) < 60)
    return near / (band.width * band.height)


def certificate_files(server: Server, award_id: str) -> list[Path]:
    return sorted((server.settings.data_dir / "badges" / "certificates").glob(f"{award_id}*"))


async def page(server: Server, award_id: str) -> str:
    status, _, body = await fetch(f"{server.base}/badges/{award_id}")
    assert status == 200
    return body.decode()


def action_links(html: str) -> dict[str, str]:
    actions = html[html.index('<div class="actions">'):]
    actions = actions[:actions.index("</div>")]
    return {unescape(text): unescape(href)
            for href, text in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', actions)}


async def test_the_certificate_forgets_the_name_when_the_holder_hides_it(server: Server) -> None:
    await server.say("alice", "/showname on")
    award_id = await server.grant_badge()
    named, named_etag = await certificate(server, award_id)
    assert await certificate(server, award_id) == (named, named_etag)  # kept, not redrawn

    await server.say("alice", "/showname off")
    anonymous, anonymous_etag = await certificate(server, award_id)
    assert anonymous != named and anonymous_etag != named_etag
    status, _, _ = await fetch(f"{server.base}/badges/{award_id}/certificate.png",
                               **{"If-None-Match": named_etag})
    assert status == 200  # a cached copy with the name is not confirmed as current
    assert len(certificate_files(server, award_id)) == 1  # the named file is gone

    await server.say("alice", "/showname on")
    assert (await certificate(server, award_id))[0] == named  # the same drawing as before


async def test_the_certificate_loses_the_name_when_the_holder_is_forgotten(
        server: Server) -> None:
    await server.say("alice", "/showname on")
    award_id = await server.grant_badge()
    named, _ = await certificate(server, award_id)
    assert "Alice" in await page(server, award_id)

    reply = await server.say("alice", "/forget confirm")
    assert "1" in reply  # the badge stays valid at its link
    forgotten, _ = await certificate(server, award_id)
    assert forgotten != named
    assert "Alice" not in await page(server, award_id)
    [kept] = certificate_files(server, award_id)
    assert kept.read_bytes() == forgotten  # no file with the name is left behind


async def test_a_revoked_certificate_is_stamped(server: Server) -> None:
    award_id = await server.grant_badge()
    valid, valid_etag = await certificate(server, award_id)
    assert share_of(valid, REVOKED_RED) < 0.001

    await server.say("tina", "/revoke alice python-basics badge awarded in error")
    revoked, revoked_etag = await certificate(server, award_id)
    assert revoked_etag != valid_etag
    assert share_of(revoked, REVOKED_RED) > 0.03  # a large red stamp across the middle
    before = Image.open(io.BytesIO(valid)).convert("RGB")
    after = Image.open(io.BytesIO(revoked)).convert("RGB")
    assert before.size == after.size
    assert before.getpixel((60, 60)) == after.getpixel((60, 60))  # the same certificate


async def test_a_revoked_page_offers_nothing_to_pass_on(server: Server) -> None:
    award_id = await server.grant_badge()
    assert set(action_links(await page(server, award_id))) == {
        "Download badge (PNG)", "Certificate", "Add to LinkedIn profile", "Verify"}

    await server.say("tina", "/revoke alice python-basics badge awarded in error")
    html = await page(server, award_id)
    assert set(action_links(html)) == {"Verify"}
    assert "linkedin.com" not in html and " download=" not in html
    assert f"/badges/{award_id}/badge.png" not in html  # not even as the page's picture
    assert ">Revoked<" in html
    assert re.search(r'id="notice">This badge was revoked on \d+ \w+ \d{4}\.', html)
    assert "<dt>Revoked</dt><dd>awarded in error</dd>" in html
    _, _, summary = await fetch(f"{server.base}/badges/{award_id}",
                                Accept="application/json")
    assert json.loads(summary)["status"] == "revoked"


def linkedin_query(html: str) -> dict[str, str]:
    url = action_links(html)["Add to LinkedIn profile"]
    assert url.startswith("https://www.linkedin.com/profile/add?")
    return {key: value for key, [value] in parse_qs(urlsplit(url).query).items()}


async def test_an_expiring_badge_tells_linkedin_when_it_expires(server: Server) -> None:
    award_id = await server.grant_badge(quest="git-workshop", reason="came to the workshop")
    query = linkedin_query(await page(server, award_id))
    _, _, body = await fetch(f"{server.base}/ob3/credentials/{award_id}")
    until = datetime.fromisoformat(json.loads(body)["validUntil"].replace("Z", "+00:00"))
    awarded = server.clock.now()
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == "Git Essentials" and query["certId"] == award_id
    assert query["organizationName"] == server.services.badges.issuer.name
    assert query["certUrl"] == f"{server.base}/badges/{award_id}"
    assert (query["issueYear"], query["issueMonth"]) == (str(awarded.year), str(awarded.month))
    assert (query["expirationYear"], query["expirationMonth"]) == (str(until.year),
                                                                   str(until.month))


async def test_a_badge_that_never_expires_has_no_expiry_on_linkedin(server: Server) -> None:
    query = linkedin_query(await page(server, await server.grant_badge()))
    assert "issueYear" in query
    assert "expirationYear" not in query and "expirationMonth" not in query


async def test_an_expired_badge_says_so_on_its_page_and_certificate(tmp_path: Path) -> None:
    async with running_server(tmp_path, FakeClock(datetime(2022, 1, 10, 9, 0, tzinfo=UTC))
                              ) as server:
        award_id = await server.grant_badge(quest="git-workshop", reason="workshop 2022")
        valid, valid_etag = await certificate(server, award_id)
        server.clock.current = datetime.now(UTC)

        html = await page(server, award_id)
        assert ">Expired<" in html
        assert 'id="notice">This badge expired on 10 January 2024.' in html
        query = linkedin_query(html)  # still the holder's record, with its end date
        assert (query["expirationYear"], query["expirationMonth"]) == ("2024", "1")

        expired, expired_etag = await certificate(server, award_id)
        assert expired_etag != valid_etag
        assert share_of(valid, EXPIRED_AMBER) < 0.001
        assert share_of(expired, EXPIRED_AMBER) > 0.03


# --- awards from the command line --------------------------------------------------------
@pytest.fixture
def cli_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(QUESTS))
    monkeypatch.setenv("QUESTBOT_ISSUER_NAME", "Riverside Coding Club")
    return tmp_path / "data"


def evidence_of(output: str) -> list[list[dict[str, object]]]:
    """The OB 3.0 evidence of every badge a command printed (its baked PNG)."""
    paths = re.findall(r"http://\S+/badges/\S+ (\S+\.png)", output)
    assert paths, output
    return [json.loads(unbake(Path(path).read_bytes())[OB3_KEYWORD])["evidence"]
            for path in paths]


def test_a_command_line_award_names_the_issuer(cli_data: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["award", "python-basics", "--to", "telegram:42",
                 "--reason", "passed the course elsewhere"]) == 0
    [evidence] = evidence_of(capsys.readouterr().out)
    narratives = {str(item["name"]): item["narrative"] for item in evidence}
    assert narratives == {"granted by": "Riverside Coding Club",
                          "reason": "passed the course elsewhere"}
    assert "operator" not in json.dumps(evidence)


def test_a_csv_award_names_the_issuer(cli_data: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "class.csv"
    sheet.write_text("learner,reason\ntelegram:42,ran the help desk\n"
                     "carol@example.org,answered 30 questions\n")
    assert main(["award", "community-helper", "--csv", str(sheet)]) == 0
    for evidence in evidence_of(capsys.readouterr().out):
        assert {"type": ["Evidence"], "name": "granted by",
                "narrative": "Riverside Coding Club"} in evidence
        assert "operator" not in json.dumps(evidence)
