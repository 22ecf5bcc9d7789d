"""A learner's whole record as one CLR 2.0 ClrCredential, built from real issued badges on
SQLite and PostgreSQL: the badges inside exactly as issued, their achievements, the
pathway's isParentOf/isChildOf associations, no platform id; questbot's /verify checks the
record and every badge inside it, and says which one is revoked or changed."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from questbot.badges.clr import MAX_RECORD_BADGES
from questbot.badges.learner_record import RecordTooLarge
from questbot.domain import BadgeAwarded
from tests.paths import ROOT
from tests.postgres_schema import own_schema
from tests.requirements import POSTGRES_URL
from tests.server import Server, running_server
from tests.test_badge_server import post_verify
from tests.test_interop import credential_of

OB3_SCHEMA = json.loads((ROOT / "tests" / "data" /
                         "ob_v3p0_achievementcredential_schema.json").read_text())
CLR_CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
COMPONENTS = ("python-basics", "git-workshop", "portfolio")
PATHWAY = "junior-python-developer"


@pytest.fixture(params=["sqlite", "postgres"])
async def any_store_server(request: pytest.FixtureRequest, tmp_path: Path
                           ) -> AsyncIterator[Server]:
    if request.param == "sqlite":
        async with running_server(tmp_path) as server:
            yield server
        return
    async with own_schema("clr") as schema, running_server(
            tmp_path, database_url=f"{POSTGRES_URL}?search_path={schema}") as server:
        yield server


async def earn(server: Server, learner: str, *quests: str) -> dict[str, str]:
    """Tutor grants; the award ids of every badge they gave (a pathway's too), by quest."""
    await server.say(learner, "/start")
    for quest in quests:
        await server.say("tina", f"/grant {learner} {quest} badge finished the course")
    found = [d.message for d in await server.deliveries() if isinstance(d.message, BadgeAwarded)]
    await server.services.badges.issue_missing()
    ids = {}
    for message in found:
        record = await server.services.store.credential(message.award_id)
        assert record is not None
        ids[record.award.quest_id] = message.award_id
    return ids


async def learner_of(server: Server, award_id: str) -> str:
    record = await server.services.store.credential(award_id)
    assert record is not None
    return record.award.learner_id


def achievement_id(credential: dict[str, Any]) -> str:
    return str(credential["credentialSubject"]["achievement"]["id"])


def associations(record: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(a["associationType"], a["sourceId"], a["targetId"])
            for a in record["credentialSubject"]["association"]}


async def test_a_record_holds_the_badges_as_issued_and_says_what_makes_the_pathway(
        any_store_server: Server) -> None:
    server = any_store_server
    ids = await earn(server, "alice", *COMPONENTS)
    assert set(ids) == {*COMPONENTS, PATHWAY}
    learner = await learner_of(server, ids[PATHWAY])
    record = await server.services.badges.record(learner, list(ids.values()))
    assert record is not None

    assert record["@context"] == CLR_CONTEXTS
    assert record["type"] == ["VerifiableCredential", "ClrCredential"]
    issued = {quest: await credential_of(server, award) for quest, award in ids.items()}
    assert record["issuer"] == issued[PATHWAY]["issuer"]
    subject = record["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    # the badges inside are the very documents issued, in the order asked for
    assert subject["verifiableCredential"] == [issued[q] for q in ids]
    for credential in subject["verifiableCredential"]:
        jsonschema.Draft201909Validator(OB3_SCHEMA).validate(credential)
    assert [a["id"] for a in subject["achievement"]] == \
        [achievement_id(issued[q]) for q in ids]
    pathway = achievement_id(issued[PATHWAY])
    parts = {achievement_id(issued[q]) for q in COMPONENTS}
    assert associations(record) == {("isParentOf", pathway, p) for p in parts} | \
        {("isChildOf", p, pathway) for p in parts}
    assert all(a["type"] == "Association" for a in subject["association"])

    # the learner is a salted hash of their opaque recipient URL, nothing else
    recipient, _ = await server.services.store.prepare_credential(ids[PATHWAY], learner)
    identifier = subject["identifier"][0]
    identity = f"{server.base}/recipients/{recipient.token}"
    digest = hashlib.sha256((identity + identifier["salt"]).encode()).hexdigest()
    assert identifier["identityHash"] == f"sha256${digest}"
    assert identifier["identityType"] == "identifier" and identifier["hashed"] is True
    text = json.dumps(record)
    assert "console" not in text and "alice" not in text.lower() and learner not in text
    assert recipient.token not in text

    proof = record["proof"][0]
    assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", "eddsa-rdfc-2022")
    assert proof["verificationMethod"] == issued[PATHWAY]["proof"][0]["verificationMethod"]
    status, verdict = await post_verify(server, text.encode())
    assert (status, verdict["status"], verdict["record"]) == (200, "valid", True), verdict
    assert [part["status"] for part in verdict["credentials"]] == ["valid"] * len(ids)
    assert verdict["summary"].startswith("The learner record is authentic")


async def test_revoked_badges_and_other_learners_badges_are_left_out(server: Server) -> None:
    alice = await earn(server, "alice", *COMPONENTS)
    bob = await earn(server, "bob", "python-basics")
    learner = await learner_of(server, alice["python-basics"])
    await server.say("tina", "/revoke alice git-workshop badge awarded in error")
    asked = [*alice.values(), bob["python-basics"], "no-such-award"]
    record = await server.services.badges.record(learner, asked)
    assert record is not None
    held = record["credentialSubject"]["verifiableCredential"]
    assert [c["id"] for c in held] == [(await credential_of(server, alice[q]))["id"]
                                       for q in ("python-basics", "portfolio", PATHWAY)]
    git = achievement_id(await credential_of(server, alice["git-workshop"]))
    assert git not in json.dumps(record["credentialSubject"]["association"])
    assert len(record["credentialSubject"]["association"]) == 4

    french = await server.services.badges.record(learner, [alice["portfolio"]], "fr")
    assert french is not None and french["name"].startswith("Dossier d'apprentissage")
    assert record["name"].startswith("Learner record from")

    assert await server.services.badges.record(learner, [alice["git-workshop"]]) is None
    assert await server.services.badges.record(learner, [bob["python-basics"]]) is None
    assert await server.services.badges.record(learner, []) is None
    with pytest.raises(RecordTooLarge):
        await server.services.badges.record(
            learner, [f"a{n}" for n in range(MAX_RECORD_BADGES + 1)])


async def test_the_verifier_says_which_badge_inside_a_record_is_revoked_or_changed(
        server: Server) -> None:
    ids = await earn(server, "alice", *COMPONENTS)
    learner = await learner_of(server, ids[PATHWAY])
    record = await server.services.badges.record(learner, list(ids.values()))
    assert record is not None

    changed = copy.deepcopy(record)
    changed["credentialSubject"]["association"][0]["associationType"] = "isPeerOf"
    _, verdict = await post_verify(server, json.dumps(changed).encode())
    assert verdict["status"] == "tampered"
    assert "signature" in verdict["summary"]

    removed = copy.deepcopy(record)
    del removed["credentialSubject"]["verifiableCredential"][1]
    _, verdict = await post_verify(server, json.dumps(removed).encode())
    assert verdict["status"] == "tampered"

    inner = copy.deepcopy(record)
    inner["credentialSubject"]["verifiableCredential"][0]["name"] = "Advanced Python"
    _, verdict = await post_verify(server, json.dumps(inner).encode())
    assert verdict["status"] == "tampered"
    assert verdict["credentials"][0]["status"] == "tampered"
    assert [p["status"] for p in verdict["credentials"][1:]] == ["valid"] * 3

    await server.say("tina", "/revoke alice portfolio badge awarded in error")
    status, verdict = await post_verify(server, json.dumps(record).encode())
    assert (status, verdict["status"]) == (200, "revoked")
    assert [p["status"] for p in verdict["credentials"]] == \
        ["revoked" if quest == "portfolio" else "valid" for quest in ids]
    failed = [c["detail"] for c in verdict["checks"] if not c["passed"]]
    assert failed == [f"The badge “{verdict['credentials'][2]['badge']}” inside the record is"
                      f" revoked: {verdict['credentials'][2]['summary']}"], failed
    assert any(c["name"] == "signature" and c["passed"] for c in verdict["checks"])

    status, page = await post_verify(server, json.dumps(record).encode(), accept="text/html")
    assert status == 200 and "inside the record is revoked" in page
