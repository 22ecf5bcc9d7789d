from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers import FakeClock, Player


def code_in(reply: str) -> str:
    return reply.split("): ")[1].split("\n", maxsplit=1)[0]


async def test_check_in_with_the_tutors_code_completes_the_step(alice: Player,
                                                                tutor: Player) -> None:
    code = code_in(await tutor.say("/code git-workshop"))
    reply = await alice.say(f"/checkin {code}")
    assert "You are now on Git Workshop" in reply  # checking in joins the quest
    assert "Step done: Check in at the workshop" in reply
    assert "already checked in" in await alice.say(f"/checkin {code}")


async def test_a_wrong_code_is_refused_and_guessing_is_limited(alice: Player,
                                                               tutor: Player) -> None:
    code = code_in(await tutor.say("/code git-workshop"))
    wrong = str((int(code) + 1) % 10**6).zfill(6)
    for _ in range(5):
        assert "not valid" in await alice.say(f"/checkin {wrong}")
    assert "Too many wrong codes" in await alice.say(f"/checkin {code}")


async def test_a_rotating_code_stops_working(alice: Player, bob: Player, tutor: Player,
                                             clock: FakeClock) -> None:
    code = code_in(await tutor.say("/code python-basics meetup"))
    clock.advance(minutes=6)  # one rotation later the old code is still accepted
    assert "Step done" in await alice.say(f"/checkin {code}")
    clock.advance(minutes=5)
    assert "not valid" in await bob.say(f"/checkin {code}")
    fresh = code_in(await tutor.say("/code python-basics"))
    assert "Step done" in await bob.say(f"/checkin {fresh}")


async def test_check_in_only_inside_the_window(alice: Player, tutor: Player,
                                               clock: FakeClock) -> None:
    code = code_in(await tutor.say("/code git-workshop"))
    clock.current = datetime(2031, 1, 5, tzinfo=UTC)
    assert "Check-in for Check in at the workshop is open from" in \
        await alice.say(f"/checkin {code}")


async def test_learners_cannot_issue_codes(alice: Player) -> None:
    assert "Only tutors" in await alice.say("/code git-workshop")


async def test_tutor_marks_someone_present_by_hand(alice: Player, tutor: Player) -> None:
    await alice.say("/start")
    reply = await tutor.say("/grant console:alice git-workshop workshop was there, phone died")
    assert "Granted Check in at the workshop to" in reply
    assert "✓ Check in at the workshop" in await alice.say("/progress")
