"""Claim codes on both real databases: a badge emailed to an address is written with its
email row in the award's transaction, and its code joins it to exactly one chat account even
when several people type it at once."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from questbot.catalog import Catalog
from questbot.domain import BadgeAwarded, UserRef
from questbot.engine import EngineSettings, QuestEngine
from questbot.ports import Store
from tests.helpers import FakeClock, Player

pytestmark = pytest.mark.stores("sqlite", "postgres")


@pytest.fixture
def mail_engine(store: Store, catalog: Catalog, settings: EngineSettings,
                clock: FakeClock) -> QuestEngine:
    return QuestEngine(store, catalog, dataclasses.replace(settings, email_enabled=True),
                       clock=clock)


async def emailed(store: Store) -> list[BadgeAwarded]:
    return [d.message for d in await store.pending_deliveries("email", 50)
            if isinstance(d.message, BadgeAwarded)]


async def test_a_claim_code_joins_one_account_when_many_type_it_at_once(
        mail_engine: QuestEngine, store: Store) -> None:
    tutor = Player(mail_engine, UserRef("console", "tina"), "Tina")
    await tutor.say("/grant email:kim@example.org python-basics badge finished offline")
    [badge] = await emailed(store)
    assert badge.claim_code and badge.url.endswith(badge.award_id)
    claimers = [Player(mail_engine, UserRef("console", f"c{n}"), f"C{n}") for n in range(6)]
    replies = await asyncio.gather(*(p.say(f"/claim {badge.claim_code}") for p in claimers))
    done = [p for p, reply in zip(claimers, replies, strict=True) if reply.startswith("Done")]
    assert len(done) == 1, replies
    assert all("already" in r for r in replies if not r.startswith("Done"))
    holders = [p for p in claimers if badge.award_id in await p.say("/badges")]
    assert holders == done


async def test_no_email_is_queued_when_questbot_sends_none(
        engine: QuestEngine, store: Store) -> None:
    tutor = Player(engine, UserRef("console", "tina"), "Tina")
    assert "Python" in await tutor.say("/grant email:kim@example.org python-basics badge done")
    assert await store.pending_deliveries("email", 50) == []
    assert "unknown" in await Player(engine, UserRef("console", "kim")).say("/claim ABCD-EFGHJK")
