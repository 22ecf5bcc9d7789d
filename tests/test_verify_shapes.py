"""Any credential, any shape: a verdict or a 4xx, never a 5xx; and the verdict agrees with
an independent reference (PyLD + PyNaCl) on every generated credential."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from questbot.badges.canonical import canonical_nquads
from questbot.badges.identity import IssuerIdentity
from questbot.badges.keys import Keyring, load_or_create_keyring
from questbot.badges.model import Urls
from questbot.badges.multikey import decode_signature, did_key, verification_method
from questbot.badges.proof import hash_data, sign
from questbot.badges.proof_pool import ProofChecker
from questbot.badges.verify import Verdict, Verifier
from tests.server import Server, running_server

KEY = SigningKey(b"\x05" * 32)
PUBLIC = bytes(KEY.verify_key)
DID = did_key(PUBLIC)
METHOD = verification_method(PUBLIC)
SIGNED_AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def unsigned() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:6a9c1b2e-0d4f-4e0b-9d55-3f1b1a3b9e01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Another Academy"},
        "validFrom": "2026-01-15T10:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://academy.example/achievements/teamwork",
                            "type": ["Achievement"], "name": "Teamwork",
                            "description": "Works well in a team.",
                            "criteria": {"narrative": "Nominated by peers."}}},
    }


def signed(document: dict[str, Any]) -> dict[str, Any]:
    return sign(document, KEY, METHOD, SIGNED_AT)


def allowed_shapes() -> Iterator[tuple[str, dict[str, Any]]]:
    base = unsigned()
    yield "as issued by most", base
    issuer_string = copy.deepcopy(base)
    issuer_string["issuer"] = DID
    yield "issuer as a URL string", issuer_string
    subject_array = copy.deepcopy(base)
    subject_array["credentialSubject"] = [base["credentialSubject"]]
    yield "credentialSubject as an array", subject_array
    two_subjects = copy.deepcopy(base)
    two_subjects["credentialSubject"] = [{"id": "did:example:learner"},
                                         base["credentialSubject"]]
    yield "two subjects, one with the achievement", two_subjects
    achievement = copy.deepcopy(base)
    achievement["type"] = ["VerifiableCredential", "AchievementCredential"]
    yield "AchievementCredential", achievement
    minimal = copy.deepcopy(base)
    del minimal["id"], minimal["name"], minimal["issuer"]["name"]
    yield "optional fields absent", minimal
    expiring = copy.deepcopy(base)
    expiring["validUntil"] = "2030-01-01T00:00:00Z"
    yield "with validUntil", expiring


@pytest.fixture
async def offline_server(tmp_path: Path) -> Any:
    async with running_server(tmp_path, verify_online=False) as server:
        yield server


async def post(server: Server, body: bytes) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.post(
            f"{server.base}/verify", data=io.BytesIO(body),
            headers={"Accept": "application/json", "Content-Type": "application/json"}
    ) as response:
        text = await response.read()
        assert b"Traceback" not in text
        return response.status, json.loads(text)


async def test_every_allowed_shape_verifies(offline_server: Server) -> None:
    for name, document in allowed_shapes():
        credential = signed(document)
        status, verdict = await post(offline_server, json.dumps(credential).encode())
        assert (status, verdict["status"]) == (200, "valid"), (name, verdict)
        assert verdict["issuerId"] == DID and verdict["thisServer"] is False, name
        single_proof = {**credential, "proof": credential["proof"][0]}
        status, verdict = await post(offline_server, json.dumps(single_proof).encode())
        assert verdict["status"] == "valid", (name, "proof as an object")


def hostile() -> Iterator[tuple[str, bytes]]:
    good = signed(unsigned())

    def edit(path: tuple[Any, ...], value: Any) -> bytes:
        document = copy.deepcopy(good)
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return json.dumps(document).encode()

    for path, values in (
            (("issuer",), [42, [], {}, {"id": 5}, None, {"id": ""}]),
            (("credentialSubject",), ["x", [], [1], {"achievement": "x"}, {}]),
            (("type",), [5, [1, 2], "VerifiableCredential", []]),
            (("@context",), ["x", [], {}, [5], None]),
            (("proof",), ["x", [1], [{}], [{"verificationMethod": 5}],
                          [{"verificationMethod": "did:key:z" + "1" * 200_000}],
                          [good["proof"][0]] * 50]),
            (("proof", 0, "proofValue"), [5, "z" + "1" * 500_000, "", None]),
            (("validFrom",), [5, "yesterday", "2026-13-45T00:00:00Z", [], None]),
            (("credentialSubject", "achievement", "name"), [{"@value": 5}, [], 1e308]),
            (("credentialSubject", "achievement", "tag"), [["t"] * 100_000]),
            (("issuer", "id"), ["did:web:" + "a" * 1000, "https://10.0.0.1/key",
                                "did:web:localhost", "ftp://example.org/key"]),
    ):
        for value in values:
            yield f"{'/'.join(map(str, path))}={str(value)[:30]}", edit(path, value)
    yield "deep arrays", b"[" * 100_000 + b"]" * 100_000
    yield "deep objects", b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    nested = good
    for _ in range(60):
        nested = {"credentialSubject": nested}
    yield "deep inside", json.dumps({**good, "evidence": nested}).encode()
    yield "a list", b"[1, 2, 3]"
    yield "a string", b'"openbadge"'
    yield "null", b"null"
    yield "not UTF-8", b'{"name": "\xff\xfe"}'
    yield "duplicate keys", json.dumps(good).encode()[:-1] + b', "issuer": 5}'


async def test_hostile_shapes_get_a_verdict_or_a_4xx_never_a_5xx(
        offline_server: Server) -> None:
    for name, body in hostile():
        status, verdict = await post(offline_server, body)
        assert 200 <= status < 500, name
        assert verdict["status"] != "valid", name
        assert verdict["summary"], name


# --- the verdict against an independent reference ---------------------------------------

def reference_valid(document: Any) -> bool:
    """PyLD + PyNaCl, written out here: is this a credential our test key signed?"""
    if not isinstance(document, dict):
        return False
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if len(proofs) != 1 or not isinstance(proofs[0], dict) or issuer_id != DID:
        return False
    proof = proofs[0]
    if proof.get("verificationMethod") != METHOD or proof.get("type") != "DataIntegrityProof" \
            or proof.get("cryptosuite") != "eddsa-rdfc-2022" \
            or proof.get("proofPurpose") != "assertionMethod":
        return False
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document.get("@context")
    unsecured_doc = {k: v for k, v in document.items() if k != "proof"}
    try:
        data = hash_data(config, unsecured_doc, canonical_nquads)
        KEY.verify_key.verify(data, decode_signature(str(proof["proofValue"])))
    except Exception:
        return False
    return True


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12)
    | st.sampled_from([DID, METHOD, "OpenBadgeCredential", "Achievement", "Profile",
                       "2026-01-15T10:00:00Z", "https://example.org/x"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["id", "type", "name", "narrative", "x"]), children,
                      max_size=3), max_leaves=6)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def mutate(draw: st.DrawFn, document: Any, changes: int, added: list[str]) -> None:
    """``changes`` edits anywhere in ``document``: a value replaced, deleted, wrapped in a
    list or lengthened, or a key of ``added`` put in."""
    for _ in range(changes):
        where = draw(st.sampled_from(paths(document)))
        parent: Any = document
        for key in where[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "wrap", "add", "text"]))
        last = where[-1]
        if action == "replace":
            parent[last] = draw(json_values)
        elif action == "delete":
            del parent[last]
        elif action == "wrap":
            parent[last] = [parent[last]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(added))] = draw(json_values)
        elif isinstance(parent[last], str):
            parent[last] = parent[last] + draw(st.text(min_size=1, max_size=3))


@st.composite
def credentials(draw: st.DrawFn) -> Any:
    document: Any = signed(unsigned())
    mutate(draw, document, draw(st.integers(0, 3)), ["extra", "id", "type", "name"])
    if draw(st.booleans()) and isinstance(document, dict):
        # a valid credential of another shape: re-signed by the test key, if PyLD can
        with contextlib.suppress(Exception):
            document = signed({k: v for k, v in document.items() if k != "proof"})
    return document


@pytest.fixture(scope="module")
def pooled_verifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Verifier]:
    keyring: Keyring = load_or_create_keyring(tmp_path_factory.mktemp("keys"))

    async def no_record(_: str) -> None:
        return None

    checker = ProofChecker(timeout=20)
    yield Verifier.offline(lambda: keyring, IssuerIdentity(Urls("http://127.0.0.1:9"), None),
                           no_record, checker)
    checker.close()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(document=credentials())
def test_the_verdict_agrees_with_the_reference(pooled_verifier: Verifier,
                                               document: Any) -> None:
    body = json.dumps(document).encode()
    verdict: Verdict = asyncio.run(pooled_verifier.verify_bytes(body, NOW))
    expected = reference_valid(document)
    signature_ok = any(c.name == "signature" and c.passed for c in verdict.checks)
    event(verdict.status)
    if verdict.status == "valid" or signature_ok:
        assert expected, verdict.to_json()
    if expected:
        # a genuine signature is never called tampered; it is valid unless the credential's
        # shape is not an Open Badge (a re-signed credential may no longer be one)
        assert verdict.status != "tampered", verdict.to_json()
        assert signature_ok or verdict.status == "invalid", verdict.to_json()
    if verdict.status == "tampered":
        assert not expected


# --- nothing else waits while a large credential is checked -------------------------------

def credential_at_the_size_limit() -> bytes:
    document = unsigned()
    document["evidence"] = [{"type": ["Evidence"], "name": f"Evidence {n}",
                             "narrative": "x" * 2_000} for n in range(950)]
    credential = {**document, "proof": [{"type": "DataIntegrityProof",
                                         "cryptosuite": "eddsa-rdfc-2022",
                                         "created": "2026-01-15T10:00:00Z",
                                         "verificationMethod": METHOD,
                                         "proofPurpose": "assertionMethod",
                                         "proofValue": "z" + "2" * 87}]}
    body = json.dumps(credential).encode()
    assert 1.8 * 1024 * 1024 < len(body) < 2 * 1024 * 1024
    return body


async def test_others_are_answered_while_a_large_credential_is_verified(
        offline_server: Server) -> None:
    body = credential_at_the_size_limit()
    await offline_server.say("alice", "/join python-basics")
    started = time.perf_counter()
    verifying = asyncio.create_task(post(offline_server, body))
    health: list[float] = []
    chat: list[float] = []
    async with aiohttp.ClientSession() as http:
        while not verifying.done():
            began = time.perf_counter()
            async with http.get(f"{offline_server.base}/healthz") as response:
                assert response.status == 200
            health.append(time.perf_counter() - began)
            began = time.perf_counter()
            await offline_server.say("alice", "/progress python-basics")
            chat.append(time.perf_counter() - began)
            await asyncio.sleep(0.02)
    status, verdict = await verifying
    took = time.perf_counter() - started
    assert status == 200 and verdict["status"] == "tampered"
    assert len(health) >= 3, "the verification was too quick to observe"
    # Were the loop blocked while the credential is read, one answer would wait for most of
    # it: each must come in a small share of the verification's own time (so a slow machine
    # is judged by its own pace, not by a fixed time).
    assert max(health) < took / 4, (health, took)
    assert max(chat) < took / 4, (chat, took)


@pytest.mark.parametrize(("headers", "body"), [
    ({"Content-Type": "multipart/form-data"}, b"--x\r\n"),
    ({"Content-Type": "multipart/form-data; boundary=zz"}, b"garbage"),
    ({"Content-Type": "multipart/form-data; boundary=zz"},
     b'--zz\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc'),
    ({"Content-Type": "multipart/mixed; boundary=zz"}, b"--zz--\r\n"),
    ({"Content-Type": "application/json; charset=bogus"}, b"{}"),
    ({"Content-Encoding": "gzip"}, b"not gzip at all"),
    ({"Content-Encoding": "deflate"}, b"\x78\x9c" + b"\x00" * 40),
    ({"Accept": "application/json;q=oops, */*;q=2"}, b'{"type": "Assertion"}'),
])
async def test_malformed_requests_get_a_4xx_or_a_verdict(
        offline_server: Server, headers: dict[str, str], body: bytes) -> None:
    async with aiohttp.ClientSession() as http, http.post(
            f"{offline_server.base}/verify", data=body, headers=headers) as response:
        text = await response.text()
    assert response.status < 500, (headers, response.status, text[:200])
    assert "Traceback" not in text
    assert ">Valid<" not in text and '"status": "valid"' not in text
