"""Credentials from other issuers: 1EdTech's signed example (its key named by an https URL),
the same achievement re-issued as a did:key credential, and edited copies."""

from __future__ import annotations

import copy
import json
import socket
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import trustme
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from nacl.signing import SigningKey

from questbot.app.cli import main
from questbot.badges.fetch import DocumentFetcher
from questbot.badges.identity import IssuerIdentity
from questbot.badges.key_resolver import KeyResolver
from questbot.badges.keys import load_or_create_keyring
from questbot.badges.model import Urls
from questbot.badges.multikey import did_key, verification_method
from questbot.badges.proof import sign
from questbot.badges.proof_pool import ProofChecker
from questbot.badges.status_check import StatusChecker
from questbot.badges.verify import Verdict, Verifier
from tests.paths import ROOT
from tests.server import free_port, running_server

VECTOR = json.loads((ROOT / "tests" / "data" / "eddsa-rdfc-2022-test-vector.json").read_text())
ISSUER_URL = VECTOR["unsigned_credential"]["issuer"]["id"]
METHOD = VECTOR["proof_options"]["verificationMethod"]
KEY = SigningKey(bytes.fromhex(VECTOR["key_seed_hex"]))


def signed_vector() -> dict[str, Any]:
    """1EdTech's example exactly as they signed it."""
    proof = {**VECTOR["proof_options"], "proofValue": VECTOR["expected"]["proofValue"]}
    return {**VECTOR["unsigned_credential"], "proof": [proof]}


def reissued_as_did_key() -> dict[str, Any]:
    unsigned = copy.deepcopy(VECTOR["unsigned_credential"])
    public = bytes(KEY.verify_key)
    unsigned["issuer"]["id"] = did_key(public)
    created = datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)
    return sign(unsigned, KEY, verification_method(public), created)


def controller_document() -> dict[str, Any]:
    return {"@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": ISSUER_URL, "type": ["Profile"], "name": "Example Corp",
            "verificationMethod": [{"id": METHOD, "type": "Multikey", "controller": ISSUER_URL,
                                    "publicKeyMultibase": VECTOR["public_key_multibase"]}],
            "assertionMethod": [METHOD]}


class ToLoopback(AbstractResolver):
    """DNS for the test: every name is 127.0.0.1 at the local TLS server's port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        self.asked.append(host)
        return [{"hostname": host, "host": "127.0.0.1", "port": self.port,
                 "family": socket.AF_INET, "proto": 0, "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        pass


@pytest.fixture
async def example_edu() -> AsyncIterator[tuple[ToLoopback, ssl.SSLContext]]:
    """example.edu's key document, served over real TLS on 127.0.0.1."""
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("example.edu").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)

    async def issuer(_: web.Request) -> web.Response:
        return web.json_response(controller_document())

    app = web.Application()
    app.router.add_get("/issuers/565049", issuer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=server_context).start()
    try:
        yield ToLoopback(port), client_context
    finally:
        await runner.cleanup()


def verifier(tmp_path: Path, fetcher: DocumentFetcher) -> Verifier:
    keyring = load_or_create_keyring(tmp_path / "keys")

    async def no_record(_: str) -> None:
        return None

    resolver = KeyResolver(fetcher)
    proofs = ProofChecker(timeout=10)
    return Verifier(lambda: keyring, IssuerIdentity(Urls("http://127.0.0.1:9"), None),
                    no_record, proofs, resolver, StatusChecker(fetcher, resolver, proofs))


async def check(which: Verifier, credential: dict[str, Any]) -> Verdict:
    return await which.verify_bytes(json.dumps(credential).encode(), datetime.now(UTC))


async def test_the_1edtech_example_verifies_with_its_issuers_key_over_https(
        tmp_path: Path, example_edu: tuple[ToLoopback, ssl.SSLContext]) -> None:
    dns, tls = example_edu
    fetcher = DocumentFetcher(allow_loopback=True, resolver=dns, ssl_context=tls)
    which = verifier(tmp_path, fetcher)
    try:
        verdict = await check(which, signed_vector())
        assert verdict.status == "valid", verdict.to_json()
        assert verdict.issuer_id == ISSUER_URL and not verdict.this_server
        assert "not by this server" in verdict.summary
        assert dns.asked == ["example.edu"]

        edited = signed_vector()
        edited["credentialSubject"]["achievement"]["name"] = "Leadership"
        verdict = await check(which, edited)
        assert verdict.status == "tampered"
        assert "changed after it was signed" in verdict.summary
        assert dns.asked == ["example.edu"]  # the key document came from the cache
    finally:
        await which.close()


async def test_a_key_document_on_a_private_address_is_never_fetched(
        tmp_path: Path, example_edu: tuple[ToLoopback, ssl.SSLContext]) -> None:
    dns, tls = example_edu
    which = verifier(tmp_path, DocumentFetcher(allow_loopback=False, resolver=dns,
                                               ssl_context=tls))
    try:
        verdict = await check(which, signed_vector())
        assert verdict.status == "unverifiable"
        assert "Cannot check the issuer's key" in verdict.summary
        assert "private or local" in verdict.summary
    finally:
        await which.close()


async def test_offline_the_example_is_unverifiable_not_tampered(tmp_path: Path) -> None:
    async with running_server(tmp_path, verify_online=False) as server:
        status, verdict = await post(server.base, signed_vector())
    assert status == 200
    assert verdict["status"] == "unverifiable"
    assert verdict["summary"].startswith("Cannot check the issuer's key")
    assert verdict["issuerId"] == ISSUER_URL and verdict["thisServer"] is False


async def test_reissued_as_did_key_it_verifies_offline_as_another_issuers(
        tmp_path: Path) -> None:
    credential = reissued_as_did_key()
    async with running_server(tmp_path, verify_online=False) as server:
        status, verdict = await post(server.base, credential)
        assert (status, verdict["status"], verdict["thisServer"]) == (200, "valid", False)
        assert verdict["issuerId"] == credential["issuer"]["id"]
        edited = copy.deepcopy(credential)
        edited["validFrom"] = "2011-01-01T00:00:00Z"
        status, verdict = await post(server.base, edited)
        assert verdict["status"] == "tampered"


def test_the_cli_exit_status_tells_another_issuer_from_this_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(ROOT / "quests"))
    monkeypatch.setenv("QUESTBOT_VERIFY_ONLINE", "false")
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps(reissued_as_did_key()))
    assert main(["verify", str(foreign)]) == 3
    assert "not by this server" in capsys.readouterr().out
    vector = tmp_path / "vector.json"
    vector.write_text(json.dumps(signed_vector()))
    assert main(["verify", str(vector)]) == 4
    assert "UNVERIFIABLE" in capsys.readouterr().out
    edited = reissued_as_did_key()
    edited["name"] = "Forged"
    vector.write_text(json.dumps(edited))
    assert main(["verify", str(vector)]) == 1


async def post(base: str, document: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.post(
            f"{base}/verify", data=json.dumps(document).encode(),
            headers={"Accept": "application/json",
                     "Content-Type": "application/json"}) as response:
        return response.status, json.loads(await response.read())


async def test_the_verify_page_names_another_issuer_and_an_unverifiable_key(
        tmp_path: Path) -> None:
    async with running_server(tmp_path, verify_online=False) as server:
        for credential, label in ((reissued_as_did_key(), "Valid"),
                                  (signed_vector(), "Cannot check the issuer")):
            form = aiohttp.FormData()
            form.add_field("file", json.dumps(credential).encode(), filename="badge.json",
                           content_type="application/json")
            async with aiohttp.ClientSession() as http, http.post(
                    f"{server.base}/verify", data=form,
                    headers={"Accept": "text/html"}) as response:
                page = await response.text()
            assert response.status == 200
            assert label in page
            assert "(not this server)" in page
            assert credential["issuer"]["id"] in page
