"""The dashboard's reads on both real databases: the figures a conversation leaves, sign-in
links used once, quiz answers moved by /link and deleted by /forget."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from questbot.domain.progress import Role
from questbot.domain.sign_in import token_hash
from questbot.ports import Store
from questbot.ports.dashboard import AwardFilter
from tests.helpers import FakeClock, Player

pytestmark = pytest.mark.stores("sqlite", "postgres")
TOKEN = re.compile(r"/dashboard/sign-in/([A-Za-z0-9_-]+)")


async def test_the_figures_of_a_small_community(store: Store, alice: Player, bob: Player,
                                                tutor: Player, clock: FakeClock) -> None:
    start = clock.now()
    await alice.say("/join python-basics")
    clock.advance(seconds=1)  # joiners are listed in the order they joined
    await bob.say("/join python-basics")
    await alice.say("/quiz")
    await alice.press("3")  # wrong
    await alice.say("lambda")  # wrong
    await bob.say("/quiz")
    await bob.press("2")  # right
    await tutor.say("/grant console:alice python-basics say-hello helped")
    await tutor.say("/grant console:alice python-basics badge finished")
    await tutor.say("/revoke console:alice python-basics badge by mistake")

    progress = await store.quest_progress("python-basics", 10)
    assert progress.joined == 2 and [j.name for j in progress.joiners] == ["Alice", "Bob"]
    assert progress.step_counts == {"say-hello": 1}
    counts = await store.answer_counts("python-basics", "quiz-1", 10)
    totals = {(c.question, c.correct): c.count for c in counts if c.answer is None}
    assert totals == {(0, False): 1, (0, True): 1, (1, False): 1}
    assert {(c.question, c.answer) for c in counts if c.answer} == {(0, "3"), (1, "lambda")}

    period = AwardFilter(start - timedelta(days=1), start + timedelta(days=1))
    made = await store.awards(period, 10)
    assert {a.badge_key for a in made} >= {"badge"}
    assert [a.revocation_reason for a in await store.revocations(period, 10)] == ["by mistake"]
    only = AwardFilter(period.since, period.until, "python-basics", "nothing-such")
    assert await store.awards(only, 10) == []
    assert [a.quest_id for a in await store.awards(
        AwardFilter(period.since, period.until, badge_key="badge"), 10)] == ["python-basics"]

    people = await store.learners(10)
    assert {p.name for p in people} == {"Alice", "Bob", "Tina"}
    older = await store.learners(10, before=people[0].created_at)
    assert len(older) <= len(people)
    alice_id = progress.joiners[0].learner_id
    detail = await store.learner_detail(alice_id)
    assert detail is not None and [str(a) for a in detail.learner.accounts] == ["console:alice"]
    assert [q for q, _ in detail.enrolments] == ["python-basics"]
    assert {s.step_id for s in detail.steps} >= {"say-hello", "quiz-1"}
    assert await store.learner_detail("nobody") is None

    await alice.say("/forget confirm")
    counts = await store.answer_counts("python-basics", "quiz-1", 10)
    assert [c.answer for c in counts if c.answer] == []
    assert await store.staff_role(alice_id) == (Role.LEARNER, ())


async def test_a_sign_in_link_works_once_until_it_expires(store: Store, tutor: Player,
                                                          clock: FakeClock) -> None:
    reply = await tutor.say("/dashboard")
    found = TOKEN.search(reply)
    assert found, reply
    hashed = token_hash(found.group(1))
    assert await store.redeem_sign_in(hashed, clock.now() + timedelta(minutes=11)) is None
    signed = await store.redeem_sign_in(hashed, clock.now())
    assert signed is not None and str(signed.account) == "console:tina"
    assert signed.role is Role.TUTOR and signed.platform_role is Role.LEARNER
    assert await store.redeem_sign_in(hashed, clock.now()) is None
    role = await store.staff_role(signed.learner_id)
    assert role is not None and [str(a) for a in role[1]] == ["console:tina"]
