"""The wallet's chat commands through the engine, on both real databases: a link shown
once and kept as a hash, rotation, hidden badges, /record, and what /forget and /link do
with them."""

from __future__ import annotations

import re

import pytest

from questbot.domain import UserRef
from questbot.domain.sign_in import token_hash
from questbot.engine import QuestEngine
from questbot.ports import Store
from questbot.storage.sql.program import Program, sql
from questbot.storage.sql.store import SqlStore
from tests.helpers import FakeClock, Player

pytestmark = pytest.mark.stores("sqlite", "postgres")
LINK = re.compile(r"http://127\.0\.0\.1:8080/wallet/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])")


def token_in(reply: str) -> str:
    found = LINK.search(reply)
    assert found, reply
    return found.group(1)


def count_hidden(learner_id: str) -> Program[int]:
    return int((yield sql("SELECT count(*) FROM wallet_hidden WHERE learner_id = $1",
                          learner_id)).value())


async def two_badges(alice: Player, tutor: Player, clock: FakeClock) -> None:
    await alice.say("/start")
    await tutor.say("/grant console:alice python-basics badge finished the course")
    clock.advance(seconds=1)  # the wallet lists badges by when they came
    await tutor.say("/grant console:alice git-workshop badge came to the workshop")


async def test_the_wallet_link_is_shown_once_and_kept_as_a_hash(
        store: Store, alice: Player, tutor: Player, clock: FakeClock) -> None:
    await two_badges(alice, tutor, clock)
    first = await alice.say("/wallet", event_id="wallet-1")
    token = token_in(first)
    assert "1. Python Basics" in first and "2. Git Essentials" in first
    holder = await store.wallet(token_hash(token))
    assert holder is not None
    assert [b.badge_name for b in holder.badges] == ["Python Basics", "Git Essentials"]
    assert holder.account == UserRef("console", "alice")
    assert await store.wallet(token) is None  # looked up by its hash only
    # the token was never written down: not in the store, not in the recorded reply
    again = await alice.say("/wallet", event_id="wallet-1")  # redelivered
    assert token not in again and LINK.search(again) is None
    assert await store.wallet(token_hash(token)) is not None  # and nothing changed
    later = await alice.say("/wallet")
    assert LINK.search(later) is None and "/wallet rotate" in later
    assert await store.wallet(token_hash(token)) is not None


async def test_rotating_makes_a_new_link_and_the_old_one_stops_working(
        store: Store, alice: Player, tutor: Player, clock: FakeClock) -> None:
    await two_badges(alice, tutor, clock)
    old = token_in(await alice.say("/wallet"))
    reply = await alice.say("/wallet rotate")
    new = token_in(reply)
    assert new != old and "old one no longer works" in reply
    assert await store.wallet(token_hash(old)) is None
    assert await store.wallet(token_hash(new)) is not None


async def test_the_wallet_link_is_never_shown_in_a_group(alice: Player) -> None:
    reply = await alice.post("/wallet")
    assert LINK.search(reply) is None and "private chat" in reply
    assert LINK.search(await alice.post("/record")) is None


async def test_a_badge_hidden_and_shown_again(store: Store, alice: Player, tutor: Player,
                                              clock: FakeClock) -> None:
    await two_badges(alice, tutor, clock)
    token = token_in(await alice.say("/wallet"))
    reply = await alice.say("/wallet hide 2")
    assert "Git Essentials is hidden" in reply and "/wallet show 2" in reply
    holder = await store.wallet(token_hash(token))
    assert holder is not None
    assert [b.badge_name for b in holder.shown] == ["Python Basics"]
    assert re.search(r"2\. Git Essentials \([^)]*\), hidden", await alice.say("/wallet"))
    assert "hidden already" in await alice.say("/wallet hide 2")
    assert "back on your wallet" in await alice.say(f"/wallet show {holder.badges[1].award_id}")
    holder = await store.wallet(token_hash(token))
    assert holder is not None and len(holder.shown) == 2
    assert "no badge 7" in await alice.say("/wallet hide 7")
    assert "Usage: /wallet" in await alice.say("/wallet hide")
    assert "Usage: /wallet" in await alice.say("/wallet 2")


async def test_record_gives_the_records_link_once(store: Store, alice: Player, tutor: Player,
                                                  clock: FakeClock) -> None:
    await two_badges(alice, tutor, clock)
    reply = await alice.say("/record")
    token = token_in(reply)
    assert f"/wallet/{token}/record.json" in reply
    assert await store.wallet(token_hash(token)) is not None
    assert LINK.search(await alice.say("/record")) is None
    assert LINK.search(await alice.say("/wallet")) is None  # the same wallet: made already


async def test_forget_deletes_the_wallet_and_what_it_hid(
        store: Store, alice: Player, tutor: Player, clock: FakeClock) -> None:
    assert isinstance(store, SqlStore)
    await two_badges(alice, tutor, clock)
    token = token_in(await alice.say("/wallet"))
    await alice.say("/wallet hide 1")
    holder = await store.wallet(token_hash(token))
    assert holder is not None
    assert await store.read(count_hidden(holder.learner_id)) == 1
    await alice.say("/forget confirm")
    assert await store.wallet(token_hash(token)) is None
    assert await store.read(count_hidden(holder.learner_id)) == 0


async def test_linking_keeps_hidden_badges_and_a_wallet_link(
        store: Store, engine: QuestEngine, alice: Player, tutor: Player,
        clock: FakeClock) -> None:
    await two_badges(alice, tutor, clock)
    token = token_in(await alice.say("/wallet"))
    await alice.say("/wallet hide 2")
    on_discord = Player(engine, UserRef("discord", "800000000000000501"), "Alice")
    code = (await on_discord.say("/link")).split("link code is ")[1].split(".")[0]
    assert "Linked!" in await alice.say(f"/link {code}")  # alice's learner moves into it
    holder = await store.wallet(token_hash(token))
    assert holder is not None  # the kept learner had no link: it takes alice's
    assert [b.hidden for b in holder.badges] == [False, True]
    assert "hidden" in await on_discord.say("/wallet")
    # a learner that had a link of its own keeps it, and the other's stops working
    bob = Player(engine, UserRef("console", "bob"), "Bob")
    bob_token = token_in(await bob.say("/wallet"))
    code = (await on_discord.say("/link")).split("link code is ")[1].split(".")[0]
    assert "Linked!" in await bob.say(f"/link {code}")
    assert await store.wallet(token_hash(token)) is not None
    assert await store.wallet(token_hash(bob_token)) is None
