from __future__ import annotations

from pathlib import Path

from questbot.catalog import load_catalog
from questbot.domain import BadgeAwarded, Text, UserRef
from questbot.engine import EngineSettings, QuestEngine
from questbot.storage import SqliteStore
from tests.conftest import ROOT, TUTOR
from tests.helpers import FakeClock, Player

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
    await alice.say("/start")
    assert "Usage: /grant" in await tutor.say("/grant alice community-helper recognised")
    reply = await tutor.say("/grant alice community-helper nope because")
    assert "neither a step nor a badge" in reply and "recognised" in reply
    assert "no quest called" in await tutor.say("/grant alice nope recognised because")


async def test_tutor_grants_a_badge_directly_and_revokes_it(alice: Player,
                                                            tutor: Player) -> None:
    await alice.say("/start")
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
    await alice.post("I was at the workshop")
    reply = await tutor.say("/grant git-workshop workshop came late", reply_to=ALICE)
    assert "Granted Check in at the workshop" in reply


async def test_admin_makes_a_tutor_who_can_then_grant(admin: Player, alice: Player,
                                                      bob: Player) -> None:
    await bob.say("/start")
    await alice.say("/start")
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
    await Player(engine, ALICE, "Alice").say("/start")
    assert "Awarded the Kudos badge" in await tutor.say("/grant alice kudos badge helped Bo")
    assert "Awarded the Kudos badge" in await tutor.say("/grant alice kudos badge helped Cy")
    listing = await Player(engine, ALICE, "Alice").say("/badges")
    assert listing.count("Kudos") == 2


async def test_linking_two_platforms_gives_one_set_of_progress_and_badges(
        engine: QuestEngine, tutor: Player, clock: FakeClock) -> None:
    on_console = Player(engine, ALICE, "Alice")
    on_telegram = Player(engine, UserRef("telegram", "4242"), "Alice T")
    await on_console.say("/join python-basics")
    await on_console.post()
    await on_telegram.say("/join python-basics")
    await on_telegram.post()
    await on_telegram.post()
    await tutor.say("/grant telegram:4242 community-helper badge helped on Telegram")
    reply = await on_console.say("/link")
    code = reply.split("link code is ")[1].split(".")[0]
    assert "telegram" not in reply
    assert "unknown or has expired" in await on_telegram.say("/link WRONG123")
    reply = await on_telegram.say(f"/link {code.lower()}")
    assert "Linked!" in reply and "console:alice" in reply and "telegram:4242" in reply
    progress = await on_console.say("/progress")
    assert "2/3 messages" in progress  # the larger count of the two
    assert "Community Helper" in await on_console.say("/badges")
    assert "Community Helper" in await on_telegram.say("/badges")  # one learner now
    assert "Step done: Say hello" in await on_telegram.post()  # the third, from either account
    assert "unknown or has expired" in await on_telegram.say(f"/link {code}")  # used once
    late = await on_console.say("/link")
    clock.advance(minutes=11)
    late_code = late.split("link code is ")[1].split(".")[0]
    other = Player(engine, UserRef("discord", "77"), "Al")
    assert "unknown or has expired" in await other.say(f"/link {late_code}")
