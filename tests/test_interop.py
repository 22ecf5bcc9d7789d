"""Independent tools accept what questbot issues: openbadges-bakery unbakes the PNG, 1EdTech's
validator core validates the hosted 2.0 assertion, and digitalbazaar's Data Integrity
libraries (Node, offline) verify the 3.0 credential and reject it after any change."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import aiohttp
import openbadges_bakery

from tests.paths import ROOT
from tests.server import Server

NODE_VERIFIER = ROOT / "tests" / "interop" / "node" / "verify.mjs"
OB2_VALIDATOR = ROOT / "tests" / "interop" / "ob2" / "validate.py"
OB2_PYTHON = Path(os.environ.get("QUESTBOT_OB2_PYTHON", ROOT / ".venv-ob2" / "bin" / "python"))


async def fetch(url: str, accept: str = "*/*") -> bytes:
    async with aiohttp.ClientSession() as http, \
            http.get(url, headers={"Accept": accept}) as response:
        assert response.status == 200, url
        return await response.read()


async def run(*command: str, stdin: bytes = b"") -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(stdin), timeout=120)
    assert process.returncode == 0, err.decode()[-2000:]
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def test_openbadges_bakery_unbakes_the_assertion(server: Server) -> None:
    award_id = await server.grant_badge()
    png = await fetch(f"{server.base}/badges/{award_id}/badge.png")
    assertion = json.loads(await fetch(f"{server.base}/ob2/assertions/{award_id}"))
    unbaked = openbadges_bakery.unbake(io.BytesIO(png))
    assert json.loads(unbaked) == assertion


async def test_1edtech_validator_core_accepts_the_hosted_assertion(server: Server) -> None:
    assert OB2_PYTHON.exists(), "run `make test` (it installs the validator's environment)"
    award_id = await server.grant_badge()
    for url in (f"{server.base}/ob2/assertions/{award_id}",
                f"{server.base}/badges/{award_id}/badge.png"):
        report = await run(str(OB2_PYTHON), str(OB2_VALIDATOR), url)
        assert report["valid"] is True, report
        assert report["errorCount"] == 0


async def test_1edtech_validator_core_rejects_a_missing_assertion(server: Server) -> None:
    report = await run(str(OB2_PYTHON), str(OB2_VALIDATOR),
                       f"{server.base}/ob2/assertions/not-a-badge")
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
    node = shutil.which("node")
    assert node is not None, "Node.js is needed for the interoperability check"
    assert (NODE_VERIFIER.parent / "node_modules").exists(), "run `make test` (npm ci)"
    award_id = await server.grant_badge()
    credential = json.loads(await fetch(f"{server.base}/ob3/credentials/{award_id}"))
    result = await run(node, str(NODE_VERIFIER), stdin=json.dumps(credential).encode())
    assert result == {"verified": True, "error": None}
    for field, forged in mutations(credential):
        result = await run(node, str(NODE_VERIFIER), stdin=json.dumps(forged).encode())
        assert result["verified"] is False, field
        assert "signature" in result["error"].lower(), (field, result)
