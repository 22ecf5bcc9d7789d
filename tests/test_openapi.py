"""The OpenAPI description at /openapi.json matches the server: schemathesis sends generated
requests to every operation of a running server (and each real badge id with every media
type the description lists), and every answer must be described, never a 5xx."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import hypothesis
import jsonschema
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.openapi import from_dict
from schemathesis.specs.openapi.checks import positive_data_acceptance

from questbot.domain.progress import AwardRecord
from questbot.domain.webhooks import (
    BADGE_AWARDED,
    BADGE_REVOKED,
    EVENT_TYPES,
    LEARNER_JOINED,
    QUEST_COMPLETED,
)
from questbot.ports import WebhookEvent
from questbot.web import openapi
from questbot.webhooks import payload
from tests.server import Server
from tests.webhook_receiver import validate_webhook_body

EXAMPLES = 12  # generated requests per operation, to stay well within a minute


@dataclass
class Tally:
    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def check(self, case: schemathesis.Case[Any], base: str, headers: dict[str, str] | None = None
              ) -> int:
        response = case.call(base_url=base, headers=headers, timeout=30)
        self.cases[case.operation.label] += 1
        self.statuses[response.status_code] += 1
        # POST /verify answers a well-formed upload that is no badge with 422 by design (the
        # description says so); schemathesis's heuristic that such data must be accepted
        # does not apply there. Every other check does.
        excluded: list[Any] = [positive_data_acceptance] if case.operation.label == "POST /verify" \
            else []
        try:
            case.validate_response(response, headers=headers, excluded_checks=excluded)
        except (AssertionError, FailureGroup) as exc:
            self.failures.append(f"{case.operation.label} {headers or ''}: {exc}"[:3000])
        if response.status_code >= 500:
            self.failures.append(f"{case.operation.label}: {response.status_code}")
        return int(response.status_code)


def routes_of(server: Server) -> set[tuple[str, str]]:
    """Every (method, path template) the server answers, but HEAD (aiohttp adds one per
    GET)."""
    found = set()
    for route in server.app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        if route.method != "HEAD" and path:
            found.add((route.method.lower(), str(path)))
    return found


def media_types(operation: Any, status: str = "200") -> list[str]:
    response = operation.definition.raw["responses"].get(status, {})
    return list(response.get("content", {}))


async def badges(server: Server) -> dict[str, str]:
    """A valid badge, a revoked one, their class, a key's status list and alice's wallet."""
    await server.say("alice", "/start")
    await server.say("bob", "/start")
    valid = await server.grant_badge("alice", "community-helper")
    revoked = await server.grant_badge("bob", "community-helper")
    await server.say("tina", "/revoke bob community-helper badge a mistake")
    with closing(sqlite3.connect(server.settings.data_dir / "questbot.sqlite3")) as conn:
        [(class_id,)] = conn.execute("SELECT DISTINCT class_id FROM credentials").fetchall()
    keys = server.services.badges.keyring.keys
    wallet = (await server.say("alice", "/wallet")).split("/wallet/")[1].split()[0]
    return {"award_id": valid, "revoked": revoked, "class_id": class_id,
            "list_id": keys[0].multibase, "token": wallet}


def run_schemathesis(document: dict[str, Any], base: str, ids: dict[str, str]) -> Tally:
    schema = from_dict(document)
    tally = Tally()
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):  # the description of an operation is broken
            tally.failures.append(f"invalid description: {result.err()}")
            continue
        operation = result.ok()

        @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None,
                             phases=[Phase.explicit, Phase.generate],
                             suppress_health_check=list(HealthCheck))
        @hypothesis.given(case=operation.as_strategy())
        def generated(case: schemathesis.Case[Any]) -> None:
            tally.check(case, base)

        generated()
        # Real ids, each with every media type the operation can answer.
        if operation.label == "POST /verify":
            verify_real_uploads(operation, base, ids, tally)
        names = [p["name"] for p in operation.definition.raw.get("parameters", [])
                 if p["in"] == "path"]
        if not names or operation.method.upper() != "GET" \
                or operation.path.startswith("/dashboard/"):  # signed-in pages: generated only
            continue
        for award in (ids["award_id"], ids["revoked"]):
            values = {"award_id": award, "class_id": ids["class_id"],
                      "list_id": ids["list_id"], "ref": award,  # no file has that ref
                      "pathway_id": "junior-python-developer",  # the sample pathway
                      "community_id": "python-learners", "token": ids["token"]}
            for accept in [*media_types(operation), "*/*"]:
                case = operation.Case(path_parameters={n: values[n] for n in names})
                status = tally.check(case, base, {"Accept": accept})
                if status == 200 and "ETag" in operation.definition.raw["responses"]["200"] \
                        .get("headers", {}):
                    again = operation.Case(path_parameters={n: values[n] for n in names})
                    etag = case.call(base_url=base, headers={"Accept": accept}) \
                        .headers["etag"][0]
                    assert tally.check(again, base, {"Accept": accept,
                                                     "If-None-Match": etag}) == 304
    return tally


def verify_real_uploads(operation: Any, base: str, ids: dict[str, str], tally: Tally) -> None:
    """Genuine badges (valid, revoked) in each upload form, and one too large."""
    for award, verdict in ((ids["award_id"], "valid"), (ids["revoked"], "revoked")):
        png = requests.get(f"{base}/badges/{award}/badge.png", timeout=30).content
        for media_type, body in (("image/png", png), ("multipart/form-data", {"file": png})):
            for accept in ("application/json", "text/html"):
                case = operation.Case(body=body, media_type=media_type)
                assert tally.check(case, base, {"Accept": accept}) == 200
        answer = operation.Case(body=png, media_type="image/png").call(
            base_url=base, headers={"Accept": "application/json"}, timeout=30)
        assert answer.json()["status"] == verdict
    too_large = operation.Case(body=b"\0" * (2 * 1024 * 1024 + 1),
                               media_type="application/octet-stream")
    assert tally.check(too_large, base, {"Accept": "application/json"}) == 413


async def test_the_description_covers_every_route(server: Server) -> None:
    async with aiohttp.ClientSession() as http, \
            http.get(f"{server.base}/openapi.json") as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        document = json.loads(await response.read())
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": server.base}]
    described = {(method, path) for path, item in document["paths"].items()
                 for method in item}
    assert described == routes_of(server)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["responses"], (method, path)
            for status in operation["responses"]:  # a webhook may come before its adapter
                assert 200 <= int(status) < 500 or (path, status) == (
                    "/webhooks/{platform}/{path}", "503"), (method, path, status)
    statuses = {s for item in document["paths"].values() for op in item.values()
                for s in op["responses"]}
    assert {"200", "204", "304", "400", "404", "410", "413", "422"} <= statuses


async def test_schemathesis_finds_no_5xx_and_no_undescribed_answer(server: Server) -> None:
    ids = await badges(server)
    async with aiohttp.ClientSession() as http, \
            http.get(f"{server.base}/openapi.json") as response:
        document = await response.json()
    tally = await asyncio.to_thread(run_schemathesis, document, server.base, ids)
    assert tally.failures == [], "\n".join(tally.failures)
    assert len(tally.cases) == sum(len(item) for item in document["paths"].values())
    assert {200, 304, 404, 410, 413, 422}.issubset(tally.statuses)
    print(f"schemathesis: {sum(tally.cases.values())} requests to {len(tally.cases)}"
          f" operations; statuses {dict(sorted(tally.statuses.items()))}")


def test_the_description_covers_every_webhook_and_its_payload() -> None:
    """Every event type is a webhook (a signed POST with the Standard Webhooks headers), and
    the bodies questbot builds are what its schema says, with and without a credential."""
    document = openapi.document("https://badges.example", "Example")
    assert set(document["webhooks"]) == set(EVENT_TYPES)
    for name, schema in document["components"]["schemas"].items():
        if name.startswith("Webhook"):
            jsonschema.Draft202012Validator.check_schema(schema)
    for event_type in EVENT_TYPES:
        operation = document["webhooks"][event_type]["post"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    moment = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    award = AwardRecord("a1", "l1", "q1", "v1", "badge", "Basics", moment,
                        revoked_at=moment, revocation_reason="a mistake")
    credential = json.dumps({"type": ["VerifiableCredential", "OpenBadgeCredential"]})
    for event_type, detail in ((BADGE_AWARDED, {"quest_version": "v1"}),
                               (BADGE_REVOKED, {"reason": "a mistake"}),
                               (QUEST_COMPLETED, {"quest_version": "v1"}),
                               (LEARNER_JOINED, {"quest_version": "v1"})):
        with_award = event_type in (BADGE_AWARDED, BADGE_REVOKED)
        event = WebhookEvent("msg_1", event_type, "l1", "q1", "a1" if with_award else None,
                             moment, detail)
        for issued in (credential, None):
            body = payload.body(event, award if with_award else None, issued,
                                lambda a: {k: f"https://badges.example/{k}/{a}" for k in
                                           ("page", "assertion", "credential", "png")})
            validate_webhook_body(document, json.loads(body))
