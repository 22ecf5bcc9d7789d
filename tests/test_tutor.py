from __future__ import annotations

from pathlib import Path

from questbot.catalog import load_catalog
from questbot.domain import BadgeAwarded, Text, UserRef
from questbot.engine import EngineSettings, QuestEngine
from questbot.storage import SqliteStore
from tests.conftest import ROOT, TUTOR
from tests.helpers import Player

ALICE = UserRef("console", "alice")


async def test_learners_cannot_use_tutor_or_admin_commands(alice: Player, bob: Player,
                                                           store: SqliteStore) -> None:
    await bob.say("/join community-helper")
    assert "Only tutors" in await alice.say("/grant console:bob community-helper recognised x")
    assert "Only tutors" in await alice.say("/revoke console:bob community-helper badge x")
    assert "Only admins" in await alice.say("/tutor console:alice")
    assert "Only admins" in await alice.say("/reload")
    assert "🔒 Recognised" in await bob.say("/progress")  # nothing changed for bob
    assert await store.pending_deliveries("console") == []


async def test_a_tutors_grant_reaches_the_learner_through_the_outbox(
        alice: Player, tutor: Player, store: SqliteStore) -> None:
    await alice.say("/join community-helper")
    alice.channel = "help"
    await alice.post()
    await alice.post()
    for _ in range(5):
        await alice.react()
    reply = await tutor.say("/grant alice community-helper recognised answered 12 questions")
    assert "Granted Recognised by a tutor to Alice" in reply
    deliveries = await store.pending_deliveries("console")
    assert all(d.recipient == ALICE for d in deliveries)
    texts = [d.message.text for d in deliveries if isinstance(d.message, Text)]
    assert any("Tina granted you Recognised by a tutor" in t and "answered 12 questions" in t
               for t in texts)
    badges = [d.message for d in deliveries if isinstance(d.message, BadgeAwarded)]
    assert [b.badge_name for b in badges] == ["Community Helper"]
    await store.mark_delivered([d.delivery_id for d in deliveries])
    assert await store.pending_deliveries("console") == []
    listing = await alice.say("/badges")
    assert "Community Helper" in listing and badges[0].url in listing


async def test_grant_needs_a_reason_and_a_real_item(alice: Player, tutor: Player) -> None:
    assert "Usage: /grant" in await tutor.say("/grant alice community-helper recognised")
    reply = await tutor.say("/grant alice community-helper nope because")
    assert "neither a step nor a badge" in reply and "recognised" in reply
    assert "no quest called" in await tutor.say("/grant alice nope recognised because")


async def test_tutor_grants_a_badge_directly_and_revokes_it(alice: Player,
                                                            tutor: Player) -> None:
    reply = await tutor.say("/grant alice python-basics badge passed the course elsewhere")
    assert "Awarded the Python Basics badge to" in reply
    assert "already holds" in await tutor.say("/grant alice python-basics badge again")
    reply = await tutor.say("/revoke alice python-basics badge awarded by mistake")
    assert "Revoked the Python Basics badge" in reply
    assert "revoked: awarded by mistake" in await alice.say("/badges")
    assert "holds no live" in await tutor.say("/revoke alice python-basics badge twice")


async def test_tutors_cannot_grant_to_themselves(tutor: Player) -> None:
    assert "yourself" in await tutor.say("/grant console:tina python-basics badge me")


async def test_grant_by_replying_to_a_message(alice: Player, tutor: Player) -> None:
    reply = await tutor.say("/grant git-workshop workshop came late", reply_to=ALICE)
    assert "Granted Check in at the workshop" in reply


async def test_admin_makes_a_tutor_who_can_then_grant(admin: Player, alice: Player,
                                                      bob: Player) -> None:
    assert "Only tutors" in await alice.say("/grant bob python-basics say-hello chatty")
    assert "is now a tutor" in await admin.say("/tutor alice")
    assert "Granted Say hello" in await alice.say("/grant bob python-basics say-hello chatty")
    assert "/grant" in await alice.say("/help")
    assert "no longer a tutor" in await admin.say("/tutor alice remove")
    assert "Only tutors" in await alice.say("/grant bob python-basics quiz-1 nice")


async def test_a_repeatable_badge_can_be_awarded_again(tmp_path: Path, store: SqliteStore,
                                                       settings: EngineSettings) -> None:
    catalog = load_catalog(ROOT / "tests" / "data" / "quests").catalog
    engine = QuestEngine(store, catalog, settings)
    tutor = Player(engine, TUTOR, "Tina")
    assert "Awarded the Kudos badge" in await tutor.say("/grant alice kudos badge helped Bo")
    assert "Awarded the Kudos badge" in await tutor.say("/grant alice kudos badge helped Cy")
    listing = await Player(engine, ALICE, "Alice").say("/badges")
    assert listing.count("Kudos") == 2
