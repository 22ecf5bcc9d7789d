"""Rules that make quests interesting: any N of M steps, prerequisites between quests,
opening and closing dates, and repeatable quests with a cooldown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from questbot.catalog import Catalog, QuestFile, load_catalog
from questbot.catalog.quest import Quest
from questbot.domain.ids import UserRef
from questbot.engine.engine import QuestEngine
from tests.helpers import FakeClock, Player

OPENS = "2026-12-10T09:00:00+01:00"  # 08:00 UTC
CLOSES = "2026-12-20T18:00:00+01:00"  # 17:00 UTC


def quest(quest_id: str, steps: tuple[str, ...] = ("a",), *, repeatable_badge: bool = False,
          **extra: Any) -> dict[str, Any]:
    return {"schema_version": 1, "id": quest_id, "title": f"Quest {quest_id}",
            "badge": {"name": f"Badge {quest_id}", "description": "A badge.",
                      "criteria": "Did it.", "repeatable": repeatable_badge},
            "steps": [{"id": s, "kind": "participation", "title": f"Step {s}",
                       "action": "grant"} for s in steps], **extra}


QUESTS = [
    quest("trio", ("a", "b", "c"), complete_when={"any": 2, "of": ["a", "b", "c"]},
          milestones=[{"id": "first", "after": {"any": 1, "of": ["a", "b"]}, "xp": 10}]),
    quest("basics"),
    quest("advanced", requires_quests=["basics"]),
    quest("meetup", opens=OPENS, closes=CLOSES),
    {**quest("evening", opens=OPENS, closes=CLOSES), "steps": [
        {"id": "talk", "kind": "participation", "title": "Talk", "count": 1},
        {"id": "check", "kind": "quiz", "title": "Check", "pass_mark": 1, "questions": [
            {"text": "Pick b", "choices": ["a", "b"], "answer": "b"},
            {"text": "Pick a", "choices": ["a", "b"], "answer": "a"}]},
        {"id": "shown", "kind": "participation", "title": "Shown", "action": "grant"}]},
    quest("weekly", repeatable={"cooldown": "7d"}),
    quest("weekly-star", repeatable={"cooldown": "7d"}, repeatable_badge=True),
]


def write(folder: Path, *specs: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        (folder / f"{spec['id']}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    write(tmp_path / "quests", *QUESTS)
    report = load_catalog(tmp_path / "quests")
    assert report.problems == []
    return report.catalog


async def grant(tutor: Player, quest_id: str, step: str) -> str:
    return await tutor.say(f"/grant console:alice {quest_id} {step} well done")


async def badge_count(player: Player) -> int:
    return (await player.say("/badges")).count("🏅")


# Any N of M ---------------------------------------------------------------------------------

@given(st.data())
def test_any_n_of_m_is_met_at_the_nth_step_and_not_before(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 8))
    need = data.draw(st.integers(1, size))
    steps = [f"s{n}" for n in range(size)]
    spec = QuestFile.model_validate(quest("demo", tuple(steps),
                                          complete_when={"any": need, "of": steps}))
    built = Quest(spec=spec, version="v", source=Path("demo.yaml"))
    order = data.draw(st.permutations(steps))
    done: set[str] = set()
    for count, step in enumerate(order, start=1):
        done.add(step)
        assert built.completion.met(done) == (count >= need)
    [badge] = built.milestones  # the quest's badge comes with its completion rule
    assert badge.rule == built.completion


async def test_a_quest_of_two_of_three_completes_at_two(alice: Player, tutor: Player) -> None:
    await alice.say("/join trio")
    await grant(tutor, "trio", "c")
    assert await badge_count(alice) == 0
    await grant(tutor, "trio", "a")
    assert await badge_count(alice) == 1
    await grant(tutor, "trio", "b")  # a third step gives no second badge
    assert await badge_count(alice) == 1
    # the any-1-of-[a, b] milestone, once
    assert "(Newcomer): 10 XP" in await alice.say("/progress")


@pytest.mark.parametrize(("rule", "expected"), [
    ({"any": 2, "of": ["a", "nope"]}, "complete_when names step 'nope', which does not exist"),
    ({"any": 3, "of": ["a", "b"]}, "complete_when asks for 3 steps of only 2"),
    ({"any": 0, "of": ["a", "b"]}, "complete_when.any: expected greater than or equal to 1"),
    ({"any": 4}, "complete_when asks for 4 steps of only 3"),
])
def test_a_wrong_any_rule_is_located(tmp_path: Path, rule: dict[str, Any],
                                     expected: str) -> None:
    write(tmp_path, quest("bad", ("a", "b", "c"), complete_when=rule))
    [problem] = load_catalog(tmp_path).problems
    lines = (tmp_path / "bad.yaml").read_text().splitlines()
    assert expected in problem.message and problem.hint
    assert problem.path == str(tmp_path / "bad.yaml")
    assert lines[problem.line - 1].strip().startswith(("- ", "any", "complete_when", "of"))


def test_a_milestone_after_any_names_known_steps(tmp_path: Path) -> None:
    write(tmp_path, quest("bad", ("a", "b"), milestones=[
        {"after": {"any": 1, "of": ["a", "c"]}, "xp": 5}]))
    [problem] = load_catalog(tmp_path).problems
    assert "milestone names step 'c'" in str(problem)
    assert problem.hint == "did you mean 'a'?" or problem.hint is not None


# Prerequisites ------------------------------------------------------------------------------

async def test_a_locked_quest_says_which_to_finish_and_unlocks(alice: Player,
                                                               tutor: Player) -> None:
    assert "🔒 Finish Quest basics first" in await alice.say("/quests")
    assert "Quest advanced is locked: finish Quest basics first" in await alice.say(
        "/join advanced")
    await alice.say("/join basics")
    await grant(tutor, "basics", "a")
    assert "🔒" not in await alice.say("/quests")
    assert "You joined Quest advanced" in await alice.say("/join advanced")


async def test_the_locked_message_is_translated(engine: QuestEngine) -> None:
    amelie = Player(engine, UserRef("console", "amelie"), "Amélie", language="fr")
    assert "terminez d'abord Quest basics" in await amelie.say("/join advanced")
    mairi = Player(engine, UserRef("console", "mairi"), "Màiri", language="gd")
    assert "crìochnaich Quest basics an toiseach" in await mairi.say("/join advanced")


def test_unknown_and_circular_prerequisites_are_problems_of_their_files(tmp_path: Path
                                                                      ) -> None:
    write(tmp_path, quest("one", requires_quests=["two"]), quest("two", requires_quests=["one"]),
          quest("lonely", requires_quests=["basic"]), quest("basics"),
          quest("after", requires_quests=["one"]))
    report = load_catalog(tmp_path)
    assert sorted(q.id for q in report.catalog) == ["basics"]
    by_file = {Path(p.path).stem: p for p in report.problems}
    assert "quests require each other in a circle: one → two → one" in by_file["one"].message
    assert "circle: two → one → two" in by_file["two"].message
    assert "requires unknown quest 'basic'" in by_file["lonely"].message
    assert by_file["lonely"].hint == "did you mean 'basics'?"
    assert "requires quest 'one', which was left out" in by_file["after"].message
    for name, problem in by_file.items():
        line = (tmp_path / f"{name}.yaml").read_text().splitlines()[problem.line - 1]
        assert line[problem.column - 1:].startswith(("one", "two", "basic")), str(problem)


def test_a_quest_requiring_itself_is_refused(tmp_path: Path) -> None:
    write(tmp_path, quest("self", requires_quests=["self"]))
    [problem] = load_catalog(tmp_path).problems
    assert "quest 'self' requires itself" in str(problem)


# Opening and closing dates ------------------------------------------------------------------

OPENS_UTC = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
CLOSES_UTC = datetime(2026, 12, 20, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(("moment", "refusal"), [
    (OPENS_UTC - timedelta(seconds=1), "opens on"),
    (OPENS_UTC, None),
    (OPENS_UTC + timedelta(seconds=1), None),
    (CLOSES_UTC - timedelta(seconds=1), None),
    (CLOSES_UTC, None),
    (CLOSES_UTC + timedelta(seconds=1), "closed on"),
])
async def test_a_quest_opens_and_closes_at_its_dates(alice: Player, clock: FakeClock,
                                                    moment: datetime,
                                                    refusal: str | None) -> None:
    clock.current = moment
    reply = await alice.say("/join meetup")
    if refusal is None:
        assert "You joined Quest meetup" in reply
    else:
        assert refusal in reply and "You joined" not in reply


async def test_no_step_of_a_closed_quest_counts_but_a_tutors_grant(
        alice: Player, tutor: Player, clock: FakeClock) -> None:
    clock.current = OPENS_UTC
    assert "You joined Quest evening" in await alice.say("/join evening")
    assert "Pick b" in await alice.say("/quiz evening check")
    assert "Pick a" in await alice.say("b")
    clock.current = CLOSES_UTC + timedelta(seconds=1)
    assert "Quest evening closed on" in await alice.say("a")  # begun before, not finished after
    await alice.post("hello everyone")
    assert "Quest evening closed on" in await alice.say("/quiz evening check")
    assert "○ Talk: 0/1 message" in await alice.say("/progress")
    await grant(tutor, "evening", "shown")
    assert "✓ Shown" in await alice.say("/progress")
    clock.current = CLOSES_UTC  # inclusive: the last second still counts
    await alice.post("hello again")
    assert "✓ Talk" in await alice.say("/progress")


async def test_dates_are_shown_in_the_quests_own_time_zone(alice: Player) -> None:
    reply = await alice.say("/join meetup")
    assert "Quest meetup opens on Dec 10, 2026 9:00 AM +01:00" in reply.replace("\u202f", " ")
    listing = (await alice.say("/quests")).replace("\u202f", " ")
    assert "Opens on Dec 10, 2026 9:00 AM +01:00" in listing
    assert "Closes on Dec 20, 2026 6:00 PM +01:00" in listing


def test_a_quest_closing_before_it_opens_is_refused(tmp_path: Path) -> None:
    write(tmp_path, quest("odd", opens=CLOSES, closes=OPENS))
    [problem] = load_catalog(tmp_path).problems
    assert "the quest closes before it opens" in str(problem)
    assert (tmp_path / "odd.yaml").read_text().splitlines()[problem.line - 1].startswith(
        "closes")


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-12-10T09:00:00", "the time needs a time zone"),
    ("2100-01-01T00:00:00Z", "expected a time between 1970 and 2099"),
])
def test_quest_dates_need_a_zone_and_a_plausible_year(tmp_path: Path, value: str,
                                                      expected: str) -> None:
    write(tmp_path, quest("odd", opens=value))
    [problem] = load_catalog(tmp_path).problems
    assert expected in str(problem) and problem.hint


# Repeatable quests --------------------------------------------------------------------------

@pytest.mark.parametrize(("quest_id", "badges"), [("weekly", 1), ("weekly-star", 2)])
async def test_a_repeatable_quest_waits_for_its_cooldown(alice: Player, tutor: Player,
                                                         clock: FakeClock, quest_id: str,
                                                         badges: int) -> None:
    await alice.say(f"/join {quest_id}")
    assert "already on" in await alice.say(f"/join {quest_id}")  # not finished yet
    await grant(tutor, quest_id, "a")
    assert await badge_count(alice) == 1
    clock.advance(days=7, seconds=-1)
    assert "start it again from" in await alice.say(f"/join {quest_id}")
    clock.advance(seconds=1)
    assert "A new round of Quest" in await alice.say(f"/join {quest_id}")
    assert "0%" in await alice.say(f"/progress {quest_id}")
    assert "already on" in await alice.say(f"/join {quest_id}")  # the new round is open
    await grant(tutor, quest_id, "a")
    assert await badge_count(alice) == badges


async def test_a_quest_that_is_not_repeatable_stays_finished(alice: Player, tutor: Player,
                                                            clock: FakeClock) -> None:
    await alice.say("/join basics")
    await grant(tutor, "basics", "a")
    clock.advance(days=400)
    assert "already on Quest basics" in await alice.say("/join basics")


async def test_a_new_round_keeps_the_prerequisite_finished(alice: Player, tutor: Player,
                                                          clock: FakeClock,
                                                          tmp_path: Path) -> None:
    await alice.say("/join weekly-star")
    await grant(tutor, "weekly-star", "a")
    clock.advance(days=8)
    await alice.say("/join weekly-star")
    report = load_catalog(tmp_path / "quests")
    weekly = report.catalog.get("weekly-star")
    assert weekly is not None and weekly.spec.repeatable is not None
    assert weekly.spec.repeatable.cooldown == 7 * 86400
