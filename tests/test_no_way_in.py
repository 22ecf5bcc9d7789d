"""No way in where one does not belong: a tutor cannot award themselves through any identity
they control, granting needs a learner the bot knows, and link and check-in codes resist
guessing by one account and by a thousand. Engine tests, on both stores."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from questbot.catalog import Catalog
from questbot.domain import UserRef, parse_text
from questbot.engine import EngineSettings, QuestEngine
from questbot.engine.codes import MIN_LENGTH, code_length
from questbot.engine.linking import ALPHABET, CODE_LENGTH, LOCATOR_LENGTH
from questbot.ports import Store
from questbot.storage import SqliteStore
from questbot.storage.sql.dialect import Dialect
from questbot.storage.sql.migrations import MIGRATIONS
from questbot.storage.sqlite.migrations import migrate
from tests.conftest import TUTOR
from tests.helpers import FakeClock, Player

LINK_CODE = re.compile(r"link code is ([A-Z0-9]{4}-[A-Z0-9]{6})\.")


def link_code(reply: str) -> str:
    found = LINK_CODE.search(reply)
    assert found, reply
    return found.group(1)


def checkin_code(reply: str) -> str:
    return reply.split("): ")[1].split("\n", maxsplit=1)[0]


def other_code(code: str) -> str:
    """A code of the same shape and first characters, with a different secret."""
    secret = code[LOCATOR_LENGTH + 1:]
    changed = ALPHABET[(ALPHABET.index(secret[0]) + 1) % len(ALPHABET)] + secret[1:]
    return code[:LOCATOR_LENGTH + 1] + changed


def player(engine: QuestEngine, who: str, name: str | None = None) -> Player:
    return Player(engine, UserRef.parse(who), name or who)


# --- a tutor cannot award themselves ---------------------------------------------------------
async def test_a_tutor_cannot_grant_to_an_account_linked_to_them(engine: QuestEngine,
                                                                 tutor: Player) -> None:
    other = player(engine, "telegram:77", "Tina on Telegram")
    code = link_code(await tutor.say("/link"))
    assert "Linked!" in await other.say(f"/link {code}")
    for target in ("telegram:77", "console:tina"):
        reply = await tutor.say(f"/grant {target} python-basics badge I deserve it")
        assert "yourself" in reply
    # and from the other account, which is the same tutor now
    assert "yourself" in await other.say("/grant console:tina python-basics badge me")
    assert "No badges yet" in await tutor.say("/badges")


async def test_an_account_granted_by_a_tutor_cannot_be_linked_to_them(
        engine: QuestEngine, tutor: Player) -> None:
    """Grant to a second account first, link it afterwards: refused, both ways round."""
    alt = player(engine, "telegram:88", "Not Tina")
    await alt.say("/start")
    assert "Awarded" in await tutor.say("/grant telegram:88 python-basics badge well done")
    code = link_code(await tutor.say("/link"))
    assert "cannot be joined" in await alt.say(f"/link {code}")
    code = link_code(await alt.say("/link"))
    assert "cannot be joined" in await tutor.say(f"/link {code}")
    assert "No badges yet" in await tutor.say("/badges")
    # a learner the tutor never granted anything links as before
    friend = player(engine, "console:fred", "Fred")
    fred_tg = player(engine, "telegram:99", "Fred")
    assert "Linked!" in await fred_tg.say(f"/link {link_code(await friend.say('/link'))}")


async def test_a_tutor_cannot_grant_to_an_address_they_registered(engine: QuestEngine,
                                                                  tutor: Player) -> None:
    assert "tina@example.org" in await tutor.say("/email  Tina@Example.ORG ")
    for spelled in ("email:tina@example.org", "email:TINA@example.org", "EMAIL:Tina@Example.Org"):
        reply = await tutor.say(f"/grant {spelled} python-basics badge it is me")
        assert "tina@example.org is an address you registered" in reply, reply
    # switching the address off for a moment does not make it someone else's
    assert "anonymous" in await tutor.say("/email off")
    assert "address you registered" in await tutor.say(
        "/grant email:tina@example.org python-basics badge now?")
    # nor does a second account that names the tutor's address
    alt = player(engine, "console:tina2", "Tina Two")
    await alt.say("/email tina@EXAMPLE.org")
    assert "address you registered" in await tutor.say("/grant tina2 python-basics badge me")
    # someone else's address is fine, and is stored in one form
    assert "Awarded" in await tutor.say("/grant email:Bo@Example.org python-basics badge ok")
    assert "already holds" in await tutor.say("/grant email:bo@example.ORG python-basics badge x")


async def test_addresses_are_stored_and_hashed_in_one_form(engine: QuestEngine, tutor: Player,
                                                           alice: Player, store: Store) -> None:
    await alice.say("/email   Alice.Smith@Example.ORG")
    assert '"email": "alice.smith@example.org"' in await alice.say("/mydata")
    assert "Awarded" in await tutor.say("/grant alice python-basics badge well done")
    assert "Awarded" in await tutor.say("/grant email:Carol@Example.org python-basics badge ok")
    awards = await store.awards_without_credentials()
    emails = set()
    for award in awards:
        recipient, _ = await store.prepare_credential(award.award_id, award.learner_id)
        emails.add(recipient.email)
    assert emails == {"alice.smith@example.org", "carol@example.org"}  # what badges hash


async def test_granting_to_an_unknown_learner_creates_nobody(engine: QuestEngine, tutor: Player,
                                                            admin: Player) -> None:
    reply = await tutor.say("/grant telegram:424242 python-basics badge typo")
    assert "I do not know telegram:424242" in reply
    assert "I do not know" in await tutor.say("/revoke telegram:424242 python-basics badge x")
    stranger = player(engine, "telegram:424242", "Stranger")
    assert "No badges yet" in await stranger.say("/badges")
    await stranger.say("/start")
    assert "Awarded" in await tutor.say("/grant telegram:424242 python-basics badge now ok")
    # admins (the operators named in the settings, and the command line) may name a class
    # list of accounts the bot has not met yet
    assert "Awarded" in await admin.say("/grant telegram:5 python-basics badge on the list")
    assert "is now a tutor" in await admin.say("/tutor telegram:6")


async def test_a_reply_vouches_for_a_learner_the_bot_has_not_met(engine: QuestEngine,
                                                                 tutor: Player) -> None:
    command = parse_text("/grant python-basics badge helped", "console",
                         reply_to=UserRef("console", "newcomer"), reply_to_name="Newcomer")
    assert "Awarded the Python Basics badge to Newcomer" in await tutor.send(command)


async def test_old_addresses_are_normalised_by_the_migration(
        tmp_path: Path, catalog: Catalog, settings: EngineSettings) -> None:
    path = tmp_path / "old.sqlite3"
    mine = next(i for i, m in enumerate(MIGRATIONS)
                if any("email_claims" in s for s in m.statements(Dialect.SQLITE)))
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, upto=mine)
    conn.execute("INSERT INTO learners (learner_id, email, created_at) VALUES"
                 " ('t', ' Tina@Example.ORG', '2026-01-01T00:00:00+00:00'),"
                 " ('e', 'Eve@X.org', '2026-01-01T00:00:00+00:00')")
    conn.execute("INSERT INTO accounts VALUES ('console', 'tina', 't'),"
                 " ('email', 'Eve@X.org', 'e')")
    conn.close()
    store = SqliteStore(path)
    await store.open()
    try:
        tina = Player(QuestEngine(store, catalog, settings), TUTOR, "Tina")
        assert "address you registered" in await tina.say(
            "/grant email:tina@example.org python-basics badge me")
        assert "Awarded" in await tina.say("/grant email:eve@x.org python-basics badge ok")
        assert "already holds" in await tina.say("/grant email:EVE@x.org python-basics badge x")
    finally:
        await store.close()


# --- link codes -------------------------------------------------------------------------------
async def test_link_codes_have_the_stated_shape(engine: QuestEngine, alice: Player) -> None:
    code = link_code(await alice.say("/link"))
    plain = code.replace("-", "")
    assert len(plain) == CODE_LENGTH == 10 and set(plain) <= set(ALPHABET) and len(ALPHABET) == 32
    # typed in pieces, in lower case, with or without the dash: the same code
    other = player(engine, "telegram:1", "Al")
    assert "Linked!" in await other.say(f"/link {plain[:3].lower()} {plain[3:].lower()}")


async def test_one_account_has_five_wrong_link_codes_per_ten_minutes(
        engine: QuestEngine, alice: Player, clock: FakeClock) -> None:
    code = link_code(await alice.say("/link"))
    guesser = player(engine, "telegram:666", "Mallory")
    for n in range(5):
        reply = await guesser.say(f"/link {ALPHABET[n] * 4}-{ALPHABET[n] * 6}")
        assert "unknown or has expired" in reply
    assert "Too many wrong link codes" in await guesser.say(f"/link {code}")  # even the right one
    clock.advance(minutes=11)
    assert "unknown or has expired" in await guesser.say(f"/link {code}")  # expired meanwhile


async def test_a_link_code_locks_after_five_wrong_tries_by_anyone(engine: QuestEngine,
                                                                  alice: Player) -> None:
    code = link_code(await alice.say("/link"))
    for n in range(5):  # five accounts, one try each: under every per-account limit
        guesser = player(engine, f"telegram:{700 + n}", f"Guesser {n}")
        assert "unknown or has expired" in await guesser.say(f"/link {other_code(code)}")
    owner_elsewhere = player(engine, "discord:1", "Alice")
    assert "no longer works" in await owner_elsewhere.say(f"/link {code}")
    fresh = link_code(await alice.say("/link"))  # a new code, a new count
    assert "Linked!" in await owner_elsewhere.say(f"/link {fresh}")


async def test_a_new_link_code_replaces_the_old_one(engine: QuestEngine, alice: Player) -> None:
    first = link_code(await alice.say("/link"))
    second = link_code(await alice.say("/link"))
    other = player(engine, "telegram:2", "Al")
    assert "unknown or has expired" in await other.say(f"/link {first}")
    assert "Linked!" in await other.say(f"/link {second}")


# --- check-in codes ---------------------------------------------------------------------------
@pytest.fixture
def strict(store: Store, catalog: Catalog, settings: EngineSettings,
           clock: FakeClock) -> QuestEngine:
    """Sessions lock after six wrong codes, so a test needs only a few guessers."""
    return QuestEngine(store, catalog, replace(settings, max_failed_per_session=6), clock=clock)


async def test_a_session_locks_after_wrong_codes_from_many_learners(strict: QuestEngine) -> None:
    tina = Player(strict, TUTOR, "Tina")
    code = checkin_code(await tina.say("/code git-workshop"))
    wrong = str((int(code) + 1) % 10**6).zfill(6)
    for n in range(3):  # three accounts, two wrong codes each: under the per-learner limit
        guesser = player(strict, f"console:g{n}", f"G{n}")
        for _ in range(2):
            assert "not valid" in await guesser.say(f"/checkin {wrong}")
    alice = player(strict, "console:alice", "Alice")
    assert "its code is locked" in await alice.say(f"/checkin {code}")
    reply = await tina.say("/code git-workshop")
    assert "locked after 6 wrong tries" in reply
    fresh = checkin_code(reply)
    assert "Step done: Check in at the workshop" in await alice.say(f"/checkin {fresh}")


async def test_guesses_at_a_closed_session_count_too(strict: QuestEngine,
                                                     clock: FakeClock) -> None:
    """Otherwise "closed" would tell a guesser, before the window opens, that a code is right."""
    tina = Player(strict, TUTOR, "Tina")
    code = checkin_code(await tina.say("/code git-workshop"))
    clock.advance(days=365 * 10)  # long after the window
    wrong = [guess for guess in (f"{n:06d}" for n in range(10)) if guess != code][:6]
    for n, guess in enumerate(wrong):
        assert "not valid" in await player(strict, f"console:h{n}", "H").say(f"/checkin {guess}")
    assert "its code is locked" in await player(strict, "console:z", "Z").say(f"/checkin {code}")


def test_check_in_codes_have_six_digits_at_least() -> None:
    assert MIN_LENGTH == 6
    assert [code_length(n) for n in (4, 5, 6, 8, 10)] == [6, 6, 6, 8, 10]
