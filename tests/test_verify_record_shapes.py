"""Any learner record, any shape: a verdict or a 4xx, never a 5xx, never "valid" unless the
record and every badge in it are genuine (an independent reference, PyLD + PyNaCl, says)."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from questbot.badges.clr import MAX_RECORD_BADGES, RecordedBadge, clr_credential
from questbot.badges.model import IssuerProfile, Recipient
from questbot.badges.verify import Verifier
from tests.server import Server
from tests.test_verify_shapes import (
    DID,
    METHOD,
    NOW,
    SIGNED_AT,
    mutate,
    offline_server,
    pooled_verifier,
    post,
    reference_valid,
    signed,
    unsigned,
)

__all__ = ["offline_server", "pooled_verifier"]  # fixtures this module uses

ISSUER = IssuerProfile("Another Academy", "https://academy.example", "hello@academy.example")


def badge(name: str) -> RecordedBadge:
    document = unsigned()
    document["id"] = f"urn:uuid:00000000-0000-4000-8000-{len(name):012d}"
    document["name"] = name
    achievement = document["credentialSubject"]["achievement"]
    achievement["id"] = f"https://academy.example/achievements/{name.lower()}"
    achievement["name"] = name
    return RecordedBadge(f"{name.lower()}.badge", signed(document))


def record(names: tuple[str, ...] = ("Teamwork", "Leadership", "Mentor")) -> dict[str, Any]:
    badges = [badge(name) for name in names]
    parts = {badges[-1].class_id: [b.class_id for b in badges[:-1]]}
    document = clr_credential(badges, parts, Recipient("learner@academy.example", True, "s4lt"),
                              record_id="urn:uuid:6a9c1b2e-0d4f-4e0b-9d55-3f1b1a3b9e99",
                              name="Record", issuer=ISSUER, issuer_did=DID,
                              valid_from=SIGNED_AT)
    return signed(document)


GOOD = record()


def record_valid(document: Any) -> bool:
    """The reference: the record's proof is our test key's, and so is each badge's."""
    if not reference_valid(document):
        return False
    subject = document.get("credentialSubject")
    inside = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    return isinstance(inside, list) and bool(inside) and all(map(reference_valid, inside))


def hostile() -> Iterator[tuple[str, bytes]]:
    def edit(path: tuple[Any, ...], value: Any) -> bytes:
        document = copy.deepcopy(GOOD)
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return json.dumps(document).encode()

    subject = ("credentialSubject",)
    for path, values in (
            (subject, ["x", [], [1], {}, [GOOD["credentialSubject"]] * 2,
                       {"type": "AchievementSubject"}]),
            ((*subject, "type"), [5, [], ["AchievementSubject"], None]),
            ((*subject, "verifiableCredential"),
             [[], "x", [5], [None], {}, [GOOD], [[]], [GOOD["credentialSubject"]],
              [badge("One").credential] * (MAX_RECORD_BADGES + 1)]),
            ((*subject, "verifiableCredential", 0, "proof"), [[], "x", [{}], None]),
            ((*subject, "verifiableCredential", 0, "type"), [["VerifiableCredential"], 5]),
            ((*subject, "achievement"), ["x", [5], [[]], {"id": 5}]),
            ((*subject, "association"),
             ["x", [5], [{}], [{"associationType": 5, "sourceId": "a", "targetId": "b"}],
              [{"type": "Association", "associationType": "isParentOf", "sourceId": [],
                "targetId": {}}]]),
            ((*subject, "identifier"), ["x", [5], [{"identityHash": 5}]]),
            (("type",), [["VerifiableCredential", "ClrCredential", 5], "ClrCredential",
                         ["ClrCredential"]]),
            (("@context",), [GOOD["@context"][:1], ["https://www.w3.org/ns/credentials/v2",
                                                    "https://example.org/clr"],
                             GOOD["@context"][::-1], "ClrCredential"]),
            (("proof",), [[], "x", [{}], [GOOD["proof"][0]] * 50]),
            (("validFrom",), ["yesterday", 5]),
            (("issuer",), [5, {}, {"id": "did:web:localhost"}]),
    ):
        for value in values:
            yield f"{'/'.join(map(str, path))}={str(value)[:30]}", edit(path, value)
    # shapes JSON-LD reads the same but CLR 2.0's schema does not allow, re-signed
    unsigned_record = {k: v for k, v in copy.deepcopy(GOOD).items() if k != "proof"}
    clr_subject = unsigned_record["credentialSubject"]
    one = {**clr_subject, "verifiableCredential": clr_subject["verifiableCredential"][0]}
    yield "one credential, not an array", json.dumps(signed(
        {**unsigned_record, "credentialSubject": one})).encode()
    yield "the subject in an array", json.dumps(signed(
        {**unsigned_record, "credentialSubject": [clr_subject]})).encode()
    nested = copy.deepcopy(GOOD)
    nested["credentialSubject"]["verifiableCredential"] = [copy.deepcopy(GOOD)]
    yield "a record inside a record", json.dumps(signed(
        {k: v for k, v in nested.items() if k != "proof"})).encode()


async def test_a_genuine_foreign_record_is_valid_and_each_badge_is_checked(
        offline_server: Server) -> None:
    assert record_valid(GOOD) and GOOD["proof"][0]["verificationMethod"] == METHOD
    status, verdict = await post(offline_server, json.dumps(GOOD).encode())
    assert (status, verdict["status"], verdict["record"]) == (200, "valid", True), verdict
    assert verdict["issuerId"] == DID and verdict["thisServer"] is False
    assert [p["badge"] for p in verdict["credentials"]] == ["Teamwork", "Leadership", "Mentor"]


async def test_hostile_records_get_a_verdict_or_a_4xx_never_a_5xx(
        offline_server: Server) -> None:
    for name, body in hostile():
        status, verdict = await post(offline_server, body)
        assert 200 <= status < 500, name
        assert verdict["status"] != "valid", (name, verdict)
        assert verdict["summary"], name


@st.composite
def records(draw: st.DrawFn) -> Any:
    document: Any = copy.deepcopy(GOOD)
    mutate(draw, document, draw(st.integers(1, 3)), ["extra", "id", "type", "proof"])
    if draw(st.booleans()) and isinstance(document, dict):
        try:  # a record of another shape, re-signed by the test key, if PyLD can
            document = signed({k: v for k, v in document.items() if k != "proof"})
        except Exception as exc:  # whatever PyLD raises: keep it unsigned
            event(f"could not re-sign: {type(exc).__name__}")
    return document


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(document=records())
def test_a_record_is_valid_only_when_it_and_every_badge_in_it_are_genuine(
        pooled_verifier: Verifier, document: Any) -> None:
    verdict = asyncio.run(pooled_verifier.verify_bytes(json.dumps(document).encode(), NOW))
    event(verdict.status)
    assert verdict.summary
    if verdict.status == "valid":
        assert record_valid(document), verdict.to_json()
    if verdict.record and any(p.status == "tampered" for p in verdict.credentials):
        assert verdict.status in ("tampered", "invalid"), verdict.to_json()

