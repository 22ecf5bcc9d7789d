"""Independent tools accept what questbot issues: openbadges-bakery unbakes the PNG, 1EdTech's
validator core validates the hosted 2.0 assertion, and digitalbazaar's Data Integrity
libraries (Node; contexts offline, status lists and did:web from the test server only) verify
the 3.0 credential with its revocation status and reject it after any change.

The helpers here are shared with test_rotation_interop.py."""

from __future__ import annotations

import asyncio
import io
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import openbadges_bakery

from questbot.badges.proof import sign
from questbot.domain import BadgeAwarded
from tests.paths import ROOT
from tests.requirements import need, need_node
from tests.server import Server, running_server

NODE_VERIFIER = ROOT / "tests" / "interop" / "node" / "verify.mjs"
OB2_VALIDATOR = ROOT / "tests" / "interop" / "ob2" / "validate.py"
OB2_PYTHON = Path(os.environ.get("QUESTBOT_OB2_PYTHON", ROOT / ".venv-ob2" / "bin" / "python"))


async def fetch(url: str, accept: str = "*/*") -> bytes:
    async with aiohttp.ClientSession() as http, \
            http.get(url, headers={"Accept": accept}) as response:
        assert response.status == 200, url
        return await response.read()


async def fetch_json(url: str) -> Any:
    return json.loads(await fetch(url, "application/json"))


async def run(*command: str, stdin: bytes = b"",
              env: dict[str, str] | None = None) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, **(env or {})})
    out, err = await asyncio.wait_for(process.communicate(stdin), timeout=120)
    assert process.returncode == 0, err.decode()[-2000:]
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def node() -> str:
    return need_node(NODE_VERIFIER.parent)


async def node_verdict(credential: dict[str, Any], server: Server | None) -> dict[str, Any]:
    """digitalbazaar's verdict, status checks on; ``server`` is the one origin it may fetch
    from (its did:web document and status lists), None for fully offline."""
    env = {"QB_DIDWEB_BASE": server.base if server else ""}
    return await run(node(), str(NODE_VERIFIER), stdin=json.dumps(credential).encode(), env=env)


async def ob2_report(url: str) -> dict[str, Any]:
    need(OB2_PYTHON.exists(), "1EdTech's Open Badges 2.0 validator is not installed: run "
         "`make test` (it installs the validator's environment)")
    return await run(str(OB2_PYTHON), str(OB2_VALIDATOR), url)


async def credential_of(server: Server, award_id: str) -> dict[str, Any]:
    credential: dict[str, Any] = await fetch_json(f"{server.base}/ob3/credentials/{award_id}")
    return credential


async def test_openbadges_bakery_unbakes_the_assertion(server: Server) -> None:
    award_id = await server.grant_badge()
    png = await fetch(f"{server.base}/badges/{award_id}/badge.png")
    assertion = json.loads(await fetch(f"{server.base}/ob2/assertions/{award_id}"))
    unbaked = openbadges_bakery.unbake(io.BytesIO(png))
    assert json.loads(unbaked) == assertion


async def test_1edtech_validator_core_accepts_the_hosted_assertion(server: Server) -> None:
    award_id = await server.grant_badge()
    for url in (f"{server.base}/ob2/assertions/{award_id}",
                f"{server.base}/badges/{award_id}/badge.png"):
        report = await ob2_report(url)
        assert report["valid"] is True, report
        assert report["errorCount"] == 0


async def test_1edtech_validator_core_rejects_a_missing_assertion(server: Server) -> None:
    report = await ob2_report(f"{server.base}/ob2/assertions/not-a-badge")
    assert report["valid"] is False


def mutations(credential: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """One changed copy per field a forger might touch."""
    changed = []
    for path in (("name",), ("validFrom",), ("issuer", "name"),
                 ("credentialSubject", "achievement", "name"),
                 ("credentialSubject", "achievement", "criteria", "narrative"),
                 ("credentialSubject", "identifier", 0, "identityHash"),
                 ("evidence", 0, "narrative"), ("credentialStatus", "statusListIndex")):
        copy = json.loads(json.dumps(credential))
        target: Any = copy
        for key in path[:-1]:
            target = target[key]
        original = target[path[-1]]
        target[path[-1]] = ("2020-01-01T00:00:00Z" if path == ("validFrom",)
                            else str(int(original) + 1) if path[-1] == "statusListIndex"
                            else original + " (edited)")
        changed.append(("/".join(map(str, path)), copy))
    return changed


async def test_an_independent_data_integrity_verifier_accepts_and_then_rejects(
        server: Server) -> None:
    award_id = await server.grant_badge()
    credential = await credential_of(server, award_id)
    assert await node_verdict(credential, server) == {"verified": True, "error": None}
    forgeries = mutations(credential)
    results = await asyncio.gather(*(node_verdict(forged, server) for _, forged in forgeries))
    for (field, _), result in zip(forgeries, results, strict=True):
        assert result["verified"] is False, field
        assert "signature" in result["error"].lower(), (field, result)


async def test_the_status_list_is_fetched_from_the_server_only(server: Server) -> None:
    """Status checks are on: without the server to fetch the list from, no verdict of valid."""
    credential = await credential_of(server, await server.grant_badge())
    result = await node_verdict(credential, None)
    assert result["verified"] is False
    assert "BitstringStatusListCredential" in result["error"], result
    assert "offline" in result["error"], result


async def test_a_credential_without_a_status_verifies_with_status_checks_on(
        server: Server) -> None:
    """The same verifier accepts a credential that names no status list (nothing to check)."""
    credential = await credential_of(server, await server.grant_badge())
    del credential["credentialStatus"]
    key = server.services.badges.keyring.active
    assert key.signing_key is not None
    proof = credential["proof"][0]
    signed = sign(credential, key.signing_key, proof["verificationMethod"],
                  datetime.fromisoformat(proof["created"]))
    assert await node_verdict(signed, None) == {"verified": True, "error": None}


async def test_a_did_web_issuer_is_resolved_from_the_server_only(tmp_path: Path) -> None:
    async with running_server(tmp_path, issuer_did="web") as server:
        credential = await credential_of(server, await server.grant_badge())
        assert credential["issuer"]["id"].startswith("did:web:127.0.0.1%3A")
        assert await node_verdict(credential, server) == {"verified": True, "error": None}
        offline = await node_verdict(credential, None)
    assert offline["verified"] is False
    assert "offline" in offline["error"] and "signature" not in offline["error"].lower(), offline


async def test_a_learner_record_and_each_badge_in_it_verify_independently(
        server: Server) -> None:
    """The CLR 2.0 record verifies as a whole, each badge inside verifies alone (status
    checks on), and a changed association or a removed badge breaks the record's proof."""
    await server.say("alice", "/start")
    for quest in ("python-basics", "git-workshop", "portfolio"):
        await server.say("tina", f"/grant alice {quest} badge finished the course")
    award_ids = [d.message.award_id for d in await server.deliveries()
                 if isinstance(d.message, BadgeAwarded)]
    assert len(award_ids) == 4  # three badges and the pathway's
    await server.services.badges.issue_missing()
    first = await server.services.store.credential(award_ids[0])
    assert first is not None
    record = await server.services.badges.record(first.award.learner_id, award_ids)
    assert record is not None
    inside = record["credentialSubject"]["verifiableCredential"]
    assert len(inside) == 4
    assert await node_verdict(record, server) == {"verified": True, "error": None}
    results = await asyncio.gather(*(node_verdict(c, server) for c in inside))
    assert results == [{"verified": True, "error": None}] * 4

    association = json.loads(json.dumps(record))
    association["credentialSubject"]["association"][0]["targetId"] = \
        association["credentialSubject"]["association"][2]["targetId"]
    fewer = json.loads(json.dumps(record))
    del fewer["credentialSubject"]["verifiableCredential"][0]
    relabelled = json.loads(json.dumps(record))
    relabelled["credentialSubject"]["association"][0]["associationType"] = "isPeerOf"
    for forged in (association, fewer, relabelled):
        result = await node_verdict(forged, server)
        assert result["verified"] is False
        assert "signature" in result["error"].lower(), result
