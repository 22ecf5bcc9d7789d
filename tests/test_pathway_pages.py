"""A pathway's badge as a full Open Badge (schema-valid, verified by questbot and by the
independent verifiers), credit and level on credentials and pages, and the public pathway
page: its SVG map (well-formed XML), its JSON, and a holder's progress through the token
hook the wallet fills in."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import aiohttp
import jsonschema
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from questbot.domain import BadgeAwarded
from questbot.web import add_badge_routes
from questbot.web.context import WEB
from questbot.web.pathway_page import CHARACTER, _label
from tests.paths import ROOT
from tests.server import Server
from tests.test_interop import credential_of, fetch, node_verdict, ob2_report

SCHEMA = json.loads((ROOT / "tests" / "data" /
                     "ob_v3p0_achievementcredential_schema.json").read_text())
SVG_NS = "{http://www.w3.org/2000/svg}"
PATHWAY = "junior-python-developer"


async def earn_the_pathway(server: Server, learner: str = "alice") -> str:
    """Tutor grants of the pathway's components; returns the pathway badge's award id."""
    await server.say(learner, "/start")
    for quest in ("python-basics", "git-workshop", "portfolio"):
        await server.say("tina", f"/grant {learner} {quest} badge finished the course")
    found = [d.message for d in await server.deliveries() if isinstance(d.message, BadgeAwarded)]
    return next(m.award_id for m in found if m.quest_title == "Junior Python developer")


async def get(url: str, accept: str = "text/html") -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, \
            http.get(url, headers={"Accept": accept}) as response:
        body = await response.read()
        text = body.decode() if response.content_type != "image/png" else ""
        return response.status, response.content_type, text


def alignments(credential: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = credential["credentialSubject"]["achievement"]["alignment"]
    return {a.get("targetType", "skill"): a for a in found}


async def test_the_pathway_badge_is_a_full_open_badge_naming_its_components(
        server: Server) -> None:
    award_id = await earn_the_pathway(server)
    credential = await credential_of(server, award_id)
    jsonschema.Draft201909Validator(SCHEMA).validate(credential)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Junior Python developer"
    assert achievement["creditsAvailable"] == 20
    level = alignments(credential)["ext:CredentialLevel"]
    assert level == {"type": ["Alignment"], "targetName": "SCQF level 6",
                     "targetFramework": "Scottish Credit and Qualifications Framework",
                     "targetCode": "6", "targetType": "ext:CredentialLevel",
                     "targetUrl": level["targetUrl"]}
    role = alignments(credential)["ext:Occupation"]
    assert (role["targetName"], role["targetFramework"], role["targetCode"]) == (
        "Software developer", "ESCO", "2512.4")
    for name in ("Python Basics", "Git Essentials", "Project Portfolio"):
        assert name in achievement["criteria"]["narrative"]
    evidence = {e["name"]: e for e in credential["evidence"]}
    assert set(evidence) == {"Python Basics", "Git Essentials", "Project Portfolio"}
    assert all(e["id"].startswith(f"{server.base}/badges/") for e in evidence.values())
    assert await node_verdict(credential, server) == {"verified": True, "error": None}
    report = await ob2_report(f"{server.base}/ob2/assertions/{award_id}")
    assert report["valid"] is True, report
    _, _, page = await get(f"{server.base}/badges/{award_id}?lang=fr")
    assert f'href="{server.base}/pathways/{PATHWAY}?lang=fr" id="pathway"' in page
    assert "Crédits et niveau" in page
    png = await fetch(f"{server.base}/badges/{award_id}/badge.png")
    async with aiohttp.ClientSession() as http, \
            http.post(f"{server.base}/verify", data=png,
                      headers={"Content-Type": "image/png",
                               "Accept": "application/json"}) as response:
        assert (await response.json())["status"] == "valid"


async def test_a_quest_badge_with_credit_and_level_validates_and_verifies(
        server: Server) -> None:
    award_id = await server.grant_badge()  # Python Basics: 10 SCQF points at level 5
    credential = await credential_of(server, award_id)
    jsonschema.Draft201909Validator(SCHEMA).validate(credential)
    assert credential["credentialSubject"]["achievement"]["creditsAvailable"] == 10
    assert alignments(credential)["ext:CredentialLevel"]["targetCode"] == "5"
    assert await node_verdict(credential, server) == {"verified": True, "error": None}


@pytest.mark.parametrize(("language", "worth"), [
    ("en", "10 SCQF credit points · SCQF level 5"),
    ("fr", "10 crédits SCQF · SCQF, niveau 5"),
    ("gd", "Puingean creideis SCQF: 10 · SCQF, ìre 5"),
])
async def test_the_badge_page_shows_credit_and_level_in_the_readers_language(
        server: Server, language: str, worth: str) -> None:
    award_id = await server.grant_badge()
    status, _, page = await get(f"{server.base}/badges/{award_id}?lang={language}")
    assert status == 200
    assert f'<dd id="worth">{worth}</dd>' in page
    status, kind, _ = await get(f"{server.base}/badges/{award_id}/certificate.png"
                                f"?lang={language}", "image/png")
    assert (status, kind) == (200, "image/png")


def svg_of(page: str) -> ET.Element:
    match = re.search(r"<svg .*?</svg>", page, re.S)
    assert match is not None, "no map on the page"
    return ET.fromstring(match.group())


@pytest.mark.parametrize("language", ["en", "fr", "gd"])
async def test_the_pathway_page_draws_the_map_from_quests_to_the_job_role(
        server: Server, language: str) -> None:
    status, kind, page = await get(f"{server.base}/pathways/{PATHWAY}?lang={language}")
    assert (status, kind) == (200, "text/html")
    svg = svg_of(page)
    boxes = svg.findall(f".//{SVG_NS}g")
    kinds = [g.get("class", "").split()[1] for g in boxes if "node" in g.get("class", "")]
    assert kinds.count("quest") == kinds.count("badge") == 5
    assert kinds.count("pathway") == kinds.count("role") == 1
    texts = " ".join(t.text or "" for t in svg.iter(f"{SVG_NS}text"))
    role = {"en": "Software developer", "fr": "Développeur de logiciels",
            "gd": "Leasaiche bathar-bog"}[language]
    assert role in texts
    assert {"en": "Electives", "fr": "Options", "gd": "Roghainnean"}[language] in texts
    status, kind, alone = await get(f"{server.base}/pathways/{PATHWAY}/map.svg"
                                    f"?lang={language}", "image/svg+xml")
    assert (status, kind) == (200, "image/svg+xml")
    standalone = ET.fromstring(alone.encode())
    assert standalone.tag == f"{SVG_NS}svg"
    assert standalone.get("viewBox", "").startswith("0 0 400 ")


async def test_the_pathway_as_json_and_unknown_pathways(server: Server) -> None:
    status, _, text = await get(f"{server.base}/pathways/{PATHWAY}", "application/json")
    summary = json.loads(text)
    assert status == 200
    assert [g["need"] for g in summary["groups"]] == [2, 1]
    assert summary["leadsTo"]["framework"] == "ESCO"
    assert summary["badge"]["credit"]["points"] == 20
    assert "earned" not in summary  # no holder named
    assert (await get(f"{server.base}/pathways/nope"))[0] == 404
    status, _, text = await get(f"{server.base}/pathways/nope", "application/json")
    assert (status, json.loads(text)) == (404, {"error": "no such pathway"})


async def test_a_holders_token_shows_their_progress_and_an_unknown_one_shows_none(
        server: Server) -> None:
    """The hook the wallet fills in: a token to the badge classes its holder holds."""
    held = {"good-token": frozenset({"python-basics.badge", "portfolio.badge"})}

    async def progress(token: str) -> frozenset[str] | None:
        return held.get(token)

    web_context = server.app[WEB]
    app = web.Application()
    add_badge_routes(app, web_context.badges, web_context.verifier, web_context.clock,
                     pathway_progress=progress)
    async with TestServer(app, host="127.0.0.1") as test_server:
        base = str(test_server.make_url(""))
        _, _, page = await get(f"{base}/pathways/{PATHWAY}?learner=good-token")
        svg = svg_of(page)
        states = {g.findtext(f"{SVG_NS}title", "").split(" (")[0]: g.get("class", "").split()[2]
                  for g in svg.iter(f"{SVG_NS}g") if "badge" in g.get("class", "").split()}
        assert states == {"Python Basics": "earned", "Git Essentials": "next",
                          "Project Portfolio": "earned", "Community Helper": "optional",
                          "Weekly Helper": "optional"}
        _, _, text = await get(f"{base}/pathways/{PATHWAY}?learner=good-token",
                               "application/json")
        summary = json.loads(text)
        assert summary["earned"] is False
        assert [b["earned"] for b in summary["groups"][0]["badges"]] == [True, False]
        _, _, page = await get(f"{base}/pathways/{PATHWAY}?learner=old-token")
        assert 'id="notice"' in page
        assert "earned" not in {g.get("class", "").split()[-1]
                                for g in svg_of(page).iter(f"{SVG_NS}g")}


def test_a_long_name_is_cut_to_fit_its_box() -> None:
    for width in (163, 266):
        for text in ("Short", "A rather long badge name that goes on and on" * 3):
            label = _label(text, width)
            assert len(label) <= (width - 20) // CHARACTER
            assert label == text or (label.endswith("…") and text.startswith(label[:-1]))
