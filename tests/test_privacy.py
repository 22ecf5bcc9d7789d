"""A learner sees everything questbot keeps about them, and can have it deleted."""

from __future__ import annotations

import json

import pytest

from questbot.ports import Store
from tests.helpers import Player

pytestmark = pytest.mark.stores("sqlite", "postgres")  # a store-contract module


async def test_mydata_shows_everything_kept(alice: Player, tutor: Player) -> None:
    await alice.say("/email alice@example.org")
    await alice.say("/join python-basics")
    await alice.post()
    await tutor.say("/grant alice community-helper badge helped everyone")
    reply = await alice.say("/mydata")
    data = json.loads(reply.split("\n", 1)[1])
    assert data["accounts"] == ["console:alice"]
    assert data["email"] == "alice@example.org"
    assert "python-basics" in data["quests"]
    assert any(s["step"] == "say-hello" and s["count"] == 1 for s in data["steps"])
    assert [b["badge"] for b in data["badges"]] == ["Community Helper"]


async def test_forget_deletes_progress_but_badges_stay_valid(
        alice: Player, tutor: Player, store: Store) -> None:
    await alice.say("/showname on")
    await alice.say("/join python-basics")
    await alice.post()
    await tutor.say("/grant alice community-helper badge helped everyone")
    [award] = [d.message for d in await store.pending_deliveries("console")
               if type(d.message).__name__ == "BadgeAwarded"]
    assert "Type /forget confirm" in await alice.say("/forget")
    assert "1/3 messages" in await alice.say("/progress")  # nothing happened yet
    assert "progress and personal data are deleted" in await alice.say("/forget confirm")
    assert "not joined any quest" in await alice.say("/progress")
    assert "No badges yet" in await alice.say("/badges")  # a new, empty learner
    view = await store.get_award(award.award_id)  # type: ignore[union-attr]
    assert view is not None
    assert not view.award.revoked
    assert view.display_name is None  # the name is gone from the badge's record
