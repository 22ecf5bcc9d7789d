"""Learner records sent to wear the verifier out: records are checked one at a time, so a
record of slow badges holds back other records (turned away with a 429 after a short wait),
never the badges others upload alone."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import aiohttp
import pytest

from questbot.badges import verify
from questbot.badges.clr import MAX_RECORD_BADGES, RecordedBadge, clr_credential
from questbot.badges.model import Recipient
from tests.server import Server
from tests.test_learner_record import COMPONENTS, PATHWAY, earn, learner_of
from tests.test_verify_record_shapes import GOOD, ISSUER
from tests.test_verify_shapes import (
    DID,
    METHOD,
    SIGNED_AT,
    offline_server,
    post,
    signed,
    unsigned,
)

__all__ = ["offline_server"]  # the fixture this module uses

STRANGER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def slow_badge(nodes: int = 6) -> dict[str, Any]:
    """A small badge whose canonicalization is slow: blank nodes all linked to each other,
    which URDNA2015 can tell apart only by trying their orders (about 0.5 s for 6 here)."""
    document = unsigned()
    document["@context"] = [*document["@context"],
                            {"link": {"@id": "https://academy.example/link", "@type": "@id"}}]
    names = [f"_:n{i}" for i in range(nodes)]
    document["credentialSubject"]["link"] = [
        {"id": name, "link": [other for other in names if other != name]} for name in names]
    proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
             "verificationMethod": METHOD, "proofPurpose": "assertionMethod",
             "proofValue": "z1"}
    return {**document, "proof": [proof] * verify.MAX_PROOFS}


def slow_record() -> dict[str, Any]:
    """As many slow badges as a record holds, under a proof that costs nothing to refuse
    (a stranger's key for our test issuer), so all the work is in the badges."""
    badges = [RecordedBadge(f"slow{n}", slow_badge()) for n in range(MAX_RECORD_BADGES)]
    document = clr_credential(badges, {}, Recipient("learner@academy.example", True, "s4lt"),
                              record_id="urn:uuid:6a9c1b2e-0d4f-4e0b-9d55-3f1b1a3b9e98",
                              name="Record", issuer=ISSUER, issuer_did=DID,
                              valid_from=SIGNED_AT)
    document["proof"] = [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                          "verificationMethod": f"{STRANGER}#{STRANGER[8:]}",
                          "proofPurpose": "assertionMethod", "proofValue": "z1"}]
    return document


async def post_page(server: Server, body: bytes) -> tuple[int, str, str | None]:
    async with aiohttp.ClientSession() as http, http.post(
            f"{server.base}/verify", data=io.BytesIO(body),
            headers={"Accept": "text/html", "Content-Type": "application/json"}) as response:
        return response.status, await response.text(), response.headers.get("Retry-After")


async def test_a_record_of_slow_badges_holds_back_other_records_not_single_badges(
        offline_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify, "RECORD_DEADLINE", 5.0)
    monkeypatch.setattr(verify, "RECORD_WAIT", 0.2)
    checking = asyncio.Event()
    check_record = verify.Verifier._check_record

    async def signalled(self: verify.Verifier, *args: Any) -> None:
        checking.set()
        await check_record(self, *args)

    monkeypatch.setattr(verify.Verifier, "_check_record", signalled)
    server = offline_server
    slow = asyncio.create_task(post(server, json.dumps(slow_record()).encode()))
    await checking.wait()  # the slow record is being checked

    status, verdict = await post(server, json.dumps(GOOD).encode())
    assert status == 429, verdict
    assert verdict["status"] == "unverifiable"
    assert "other learner records" in verdict["summary"]
    status, page, retry = await post_page(server, json.dumps(GOOD).encode())
    assert status == 429 and retry is not None and "other learner records" in page

    status, verdict = await post(server, json.dumps(signed(unsigned())).encode())
    assert (status, verdict["status"]) == (200, "valid"), verdict  # a badge alone is not held

    status, verdict = await slow
    assert (status, verdict["status"]) == (422, "invalid")
    assert any("could not all be checked within 5 seconds" in c["detail"]
               for c in verdict["checks"]), verdict
    status, verdict = await post(server, json.dumps(GOOD).encode())
    assert (status, verdict["status"]) == (200, "valid"), verdict


async def test_a_strangers_record_of_our_badges_says_whose_record_it_is(
        server: Server) -> None:
    ids = await earn(server, "alice", *COMPONENTS)
    record = await server.services.badges.record(await learner_of(server, ids[PATHWAY]),
                                                 list(ids.values()))
    assert record is not None
    # our genuine badges under our issuer's name, in a record a stranger signed as itself
    repacked = {k: v for k, v in record.items() if k != "proof"}
    repacked["issuer"] = {**repacked["issuer"], "id": DID}
    status, verdict = await post(server, json.dumps(signed(repacked)).encode())
    assert (status, verdict["status"], verdict["thisServer"]) == (200, "valid", False)
    assert [part["thisServer"] for part in verdict["credentials"]] == [True] * len(ids)
    assert DID in verdict["summary"] and "not by this server" in verdict["summary"]
