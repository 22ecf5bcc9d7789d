from __future__ import annotations

from questbot.storage import SqliteStore
from tests.helpers import Player


async def play_python_basics(alice: Player, tutor: Player) -> str:
    await alice.say("/join python-basics")
    for _ in range(3):
        await alice.post()
    await alice.say("/quiz")
    for answer in ("2", "def", "true", "ab"):
        await alice.say(answer)
    code = (await tutor.say("/code python-basics")).split("): ")[1].split("\n")[0]
    return await alice.say(f"/checkin {code}")


async def test_finishing_every_step_awards_the_quest_badge_once(alice: Player, tutor: Player,
                                                               store: SqliteStore) -> None:
    final = await play_python_basics(alice, tutor)
    assert "+100 XP (total 170)" in final  # 10 + 30 + 20 for the steps, 10 + 100 milestones
    assert "You finished Python Basics" in final
    [badge] = alice.badges()
    assert badge.badge_name == "Python Basics"
    view = await store.get_award(badge.award_id)
    assert view is not None
    evidence = view.award.evidence
    assert "score: 4/4" in evidence["Python basics quiz"]
    assert "messages: 3" in evidence["Say hello"]
    assert "checked in" in evidence["Come to a meetup"]
    assert view.award.quest_version  # which version of the quest file it was earned under
    listing = await alice.say("/badges")
    assert listing.count("🏅") == 2  # First Steps and Python Basics


async def test_a_milestone_without_a_badge_gives_xp_only(alice: Player, tutor: Player) -> None:
    code = (await tutor.say("/code git-workshop")).split("): ")[1].split("\n")[0]
    reply = await alice.say(f"/checkin {code}")
    assert "+20 XP" in reply
    assert alice.badges() == []
    assert "(Newcomer): 20 XP" in await alice.say("/progress")


async def test_joining_twice_and_unknown_quests(alice: Player) -> None:
    await alice.say("/join python-basics")
    assert "already on Python Basics" in await alice.say("/join python-basics")
    assert "no quest called 'nope'" in await alice.say("/join nope")
    assert "Usage: /join" in await alice.say("/join")
