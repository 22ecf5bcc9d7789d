"""A baked PNG means one thing: the verifier calls a badge valid only when what it verified
is byte for byte what was issued, and the 2.0 and 3.0 payloads describe one award."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from questbot.badges.bake import OB2_KEYWORD, OB3_KEYWORD, bake, unbake
from questbot.badges.verify import Verdict
from questbot.web.context import WEB
from tests.server import Server
from tests.test_unbake import MUTATIONS, Mutation, join, split


async def verdict_for(server: Server, png: bytes) -> Verdict:
    return await server.app[WEB].verifier.verify_bytes(png, datetime.now(UTC))


async def issued_png(server: Server, learner: str = "alice") -> tuple[str, bytes]:
    award_id = await server.grant_badge(learner)
    record = await server.services.badges.store.credential(award_id)
    assert record is not None
    return award_id, await server.services.badges.baked_png(record)


async def test_payloads_of_two_awards_in_one_image_are_not_valid(server: Server) -> None:
    _, alice = await issued_png(server, "alice")
    _, bob = await issued_png(server, "bob")
    mixed = bake(alice, {OB2_KEYWORD: unbake(bob)[OB2_KEYWORD]})
    verdict = await verdict_for(server, mixed)
    assert verdict.status == "invalid"
    assert "describe different awards" in verdict.summary


async def test_a_legacy_badge_naming_its_hosted_assertion_verifies_against_it(
        server: Server) -> None:
    award_id, png = await issued_png(server)
    urls = server.services.badges.urls
    beside_ob3 = bake(png, {OB2_KEYWORD: urls.assertion(award_id)})
    assert (await verdict_for(server, beside_ob3)).status == "valid"
    only_url = only_ob2(png, urls.assertion(award_id))
    verdict = await verdict_for(server, only_url)
    assert verdict.status == "valid", verdict.to_json()
    assert verdict.award_id == award_id
    assert any("hosted Open Badges 2.0 assertion" in c.detail for c in verdict.checks)

    await server.say("tina", "/revoke alice python-basics badge issued in error")
    assert (await verdict_for(server, only_url)).status == "revoked"
    verdict = await verdict_for(server, only_ob2(png, urls.assertion("no-such-badge")))
    assert verdict.status == "invalid" and "no badge at that address" in verdict.summary
    elsewhere = only_ob2(png, "https://badges.example.org/a/1")
    assert (await verdict_for(server, elsewhere)).status == "unknown_issuer"


def only_ob2(png: bytes, text: str) -> bytes:
    """The image with no 3.0 chunk and ``text`` as its 2.0 payload."""
    head, chunks, rest = split(png)
    kept = [c for c in chunks if c.keyword != OB3_KEYWORD.encode()]
    return bake(join(head, kept, rest), {OB2_KEYWORD: text})


@pytest.fixture
async def genuine(server: Server) -> tuple[Server, bytes, dict[str, str]]:
    _, png = await issued_png(server)
    return server, png, unbake(png)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutations=st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3),
       data=st.data())
async def test_a_mutated_badge_is_valid_only_with_the_issued_payloads(
        genuine: tuple[Server, bytes, dict[str, str]], mutations: list[Mutation],
        data: st.DataObject) -> None:
    server, png, issued = genuine
    for mutate in mutations:
        png = mutate(png, issued, data)
    verdict = await verdict_for(server, png)
    event(verdict.status)
    if verdict.status == "valid":
        assert unbake(png) == issued
    assert verdict.status in ("valid", "invalid", "tampered"), verdict.to_json()


def test_the_mutations_are_the_unbaking_tests_own() -> None:
    names: Any = {m.__name__ for m in MUTATIONS}
    assert {"duplicate", "restore_as", "flip_payload_byte", "break_crc"} <= names
