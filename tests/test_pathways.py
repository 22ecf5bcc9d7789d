"""Pathways: their files are checked against the quests (unknown badges, circles, counts
no learner can reach, each at its file:line:column); their badge is awarded the moment the
last component is, exactly once whatever the order, also under concurrent awards on both
stores and redelivered events; a revoked component tells the admins and leaves the pathway
badge; ``/pathways`` shows the progress in the learner's language."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questbot.badges.classes import badge_class_info
from questbot.catalog import PATHWAY_BADGE, Catalog, load_catalog
from questbot.domain import ConversationRef, Event, Help, UserRef
from questbot.domain.changes import PutAward
from questbot.domain.progress import LearnerState, Snapshot
from questbot.engine import QuestEngine
from questbot.engine.pathways import award_pathways
from questbot.engine.progression import award_badge
from questbot.engine.work import Context, EngineSettings, Work
from questbot.i18n import ENGLISH
from questbot.ports import Store
from questbot.storage.postgres.store import PostgresStore
from questbot.storage.sql.snapshot import learner_id_of, load_learner
from questbot.storage.sql.store import SqlStore
from tests.conftest import ADMIN, POSTGRES_URL, TUTOR
from tests.helpers import FakeClock, Player
from tests.paths import QUESTS
from tests.pathway_files import pathway_yaml, quest_yaml, quests, write
from tests.test_catalogues import _sentences


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in load_catalog(folder).problems]


def at(path: Path, line: int, column: int) -> str:
    return f"{path}:{line}:{column}: "


# --- the files -------------------------------------------------------------------------
def test_the_sample_pathway_loads_with_its_groups() -> None:
    report = load_catalog(QUESTS)
    assert report.problems == []
    pathway = report.catalog.pathway("junior-python-developer")
    assert pathway is not None
    core, electives = pathway.groups
    assert (core.need, len(core.badges)) == (2, 2)
    assert (electives.need, len(electives.badges)) == (1, 3)
    assert pathway.spec.leads_to is not None
    assert pathway.spec.leads_to.url.startswith("http://data.europa.eu/esco/occupation/")
    assert pathway.spec.badge.level is not None and pathway.spec.badge.credit is not None


def test_an_unknown_badge_is_reported_where_it_is_named_with_a_suggestion(
        tmp_path: Path) -> None:
    quests(tmp_path, "alpha", "beta")
    path = write(tmp_path, "p.yaml", pathway_yaml("p", "  - of: [alpha, betta]"))
    [problem] = problems_of(tmp_path)
    assert problem.startswith(at(path, 9, 17) + "unknown badge 'betta'")
    assert "did you mean 'beta'?" in problem
    assert load_catalog(tmp_path).catalog.pathway("p") is None


def test_an_unknown_milestone_badge_names_the_quests_badges(tmp_path: Path) -> None:
    quests(tmp_path, "alpha")
    path = write(tmp_path, "p.yaml", pathway_yaml("p", "  - of:\n      - alpha/hlaf"))
    [problem] = problems_of(tmp_path)
    assert problem.startswith(at(path, 10, 9) + "unknown badge 'alpha/hlaf'")
    assert "did you mean 'half'?" in problem


def test_an_impossible_count_is_reported_at_its_group(tmp_path: Path) -> None:
    quests(tmp_path, "alpha", "beta")
    path = write(tmp_path, "p.yaml", pathway_yaml("p", "  - any: 3\n    of: [alpha, beta]"))
    [problem] = problems_of(tmp_path)
    assert problem.startswith(at(path, 10, 10) + "group 1 asks for 3 badges of only 2")


def test_a_badge_counted_twice_is_refused(tmp_path: Path) -> None:
    quests(tmp_path, "alpha", "beta")
    path = write(tmp_path, "p.yaml", pathway_yaml(
        "p", "  - of: [alpha]\n  - any: 1\n    of: [beta, alpha/complete]"))
    [problem] = problems_of(tmp_path)
    assert problem.startswith(at(path, 11, 16) + "badge 'alpha/complete' is named twice")


def test_pathways_built_from_each_other_in_a_circle_are_left_out(tmp_path: Path) -> None:
    quests(tmp_path, "alpha")
    first = write(tmp_path, "first.yaml", pathway_yaml("first", "  - of: [alpha, second]"))
    second = write(tmp_path, "second.yaml", pathway_yaml("second", "  - of: [first]"))
    write(tmp_path, "fine.yaml", pathway_yaml("fine", "  - of: [alpha]"))
    report = load_catalog(tmp_path)
    problems = sorted(str(p) for p in report.problems)
    assert problems[0].startswith(at(first, 9, 17) + "pathways are built from each other"
                                  " in a circle: first → second → first")
    assert problems[1].startswith(at(second, 9, 10) + "pathways are built from each other"
                                  " in a circle: second → first → second")
    assert list(report.catalog.pathways) == ["fine"]


def test_a_pathway_of_pathways_comes_after_its_parts(tmp_path: Path) -> None:
    quests(tmp_path, "alpha", "beta")
    write(tmp_path, "a-top.yaml", pathway_yaml("top", "  - of: [base, beta]"))
    write(tmp_path, "b-base.yaml", pathway_yaml("base", "  - of: [alpha]"))
    report = load_catalog(tmp_path)
    assert report.problems == []
    assert list(report.catalog.pathways) == ["base", "top"]


def test_a_pathway_whose_quest_failed_to_load_is_reported_not_crashed_on(
        tmp_path: Path) -> None:
    quests(tmp_path, "alpha")
    write(tmp_path, "broken.yaml", quest_yaml("broken").replace("count: 1", "count: -1"))
    path = write(tmp_path, "p.yaml", pathway_yaml("p", "  - of: [alpha, broken]"))
    write(tmp_path, "q.yaml", pathway_yaml("q", "  - of: [alpha]"))
    report = load_catalog(tmp_path)
    problems = [str(p) for p in report.problems]
    assert any(p.startswith(at(path, 9, 17) + "unknown badge 'broken'") for p in problems)
    assert any("fix it first" in p for p in problems)
    assert list(report.catalog.pathways) == ["q"]


def test_a_pathway_may_not_take_a_quests_id(tmp_path: Path) -> None:
    quests(tmp_path, "alpha")
    path = write(tmp_path, "p.yaml", pathway_yaml("alpha", "  - of: [alpha]"))
    [problem] = problems_of(tmp_path)
    assert problem.startswith(at(path, 3, 5) + "pathway id 'alpha' is already a quest's id")


@pytest.mark.parametrize(("field", "expected"), [
    ("level: {framework: SCQF, level: 13}", "SCQF has levels 1 to 12"),
    ("level: {framework: eqf, level: 9}", "EQF has levels 1 to 8"),
    ("level: {framework: ECTS, level: 2}", "ECTS is a credit scale and has no levels"),
    ("level: {framework: RQF, level: 3}", "framework 'RQF' needs a url"),
    ("credit: {points: 0, framework: SCQF}", "greater than 0"),
    ("credit: {points: 10, framework: NZQF}", "framework 'NZQF' needs a url"),
])
def test_credit_and_level_are_checked(tmp_path: Path, field: str, expected: str) -> None:
    path = write(tmp_path, "alpha.yaml", quest_yaml("alpha", extra=f"\n  {field}"))
    [problem] = problems_of(tmp_path)
    assert problem.startswith(f"{path}:8:"), problem
    assert expected in problem


def test_a_framework_of_its_own_is_named_with_its_url(tmp_path: Path) -> None:
    write(tmp_path, "alpha.yaml", quest_yaml("alpha", extra=(
        "\n  level: {framework: RQF, level: 3, url: 'https://www.gov.uk/what-different-"
        "qualification-levels-mean'}\n  credit: {points: 7.5, framework: ECTS}")))
    report = load_catalog(tmp_path)
    assert report.problems == []
    quest = report.catalog.get("alpha")
    assert quest is not None and quest.spec.badge.level is not None
    assert quest.spec.badge.level.framework_url.startswith("https://www.gov.uk/")


# --- the rule, over every order --------------------------------------------------------
RULE_QUESTS = ("a", "b", "c", "d", "e")


@pytest.fixture(scope="module")
def rule_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    folder = tmp_path_factory.mktemp("rule")
    quests(folder, *RULE_QUESTS)
    write(folder, "core.yaml", pathway_yaml(
        "core", "  - of: [a, b]\n  - title: Electives\n    any: 2\n    of: [c, d, e]"))
    write(folder, "capstone.yaml", pathway_yaml(
        "capstone", "  - of: [core]\n  - any: 1\n    of: [d/half, e/half]"))
    report = load_catalog(folder)
    assert report.problems == []
    return report.catalog


def _work(catalog: Catalog, learner: LearnerState) -> Work:
    ids = itertools.count()
    event = Event("e", UserRef("console", "x"), ConversationRef("console", "dm"), Help())
    context = Context(catalog, datetime(2026, 12, 3, tzinfo=UTC), lambda: f"id{next(ids)}",
                      EngineSettings())
    return Work(context, event, Snapshot(actor=learner))


BADGES = [(q, key) for q in RULE_QUESTS for key in ("badge", "half")]


@settings(max_examples=300, deadline=None)
@given(order=st.permutations(BADGES), count=st.integers(0, len(BADGES)))
def test_each_pathway_badge_comes_once_the_moment_its_rule_is_met(
        rule_catalog: Catalog, order: list[tuple[str, str]], count: int) -> None:
    learner = LearnerState("l1", "Lee")
    awarded_at: dict[str, int] = {}
    for index, (quest_id, key) in enumerate(order[:count]):
        work = _work(rule_catalog, learner)
        quest = rule_catalog.get(quest_id)
        assert quest is not None
        milestone = quest.milestone_for_badge(key)
        assert milestone is not None
        award_badge(work, learner, quest, milestone, evidence={}, awarded_by=None,
                    to_actor=True)
        for change in work.changes:
            if isinstance(change, PutAward) and change.award.badge_key == PATHWAY_BADGE:
                assert change.award.quest_id not in awarded_at, "awarded twice"
                awarded_at[change.award.quest_id] = index
    earned = [set(order[:i + 1]) for i in range(count)]

    def first(met: object) -> int | None:
        return next((i for i, held in enumerate(earned) if callable(met) and met(held)), None)

    def core(held: set[tuple[str, str]]) -> bool:
        return {("a", "badge"), ("b", "badge")} <= held and len(
            held & {("c", "badge"), ("d", "badge"), ("e", "badge")}) >= 2

    def capstone(held: set[tuple[str, str]]) -> bool:
        return core(held) and bool(held & {("d", "half"), ("e", "half")})

    assert awarded_at.get("core") == first(core)
    assert awarded_at.get("capstone") == first(capstone)
    for pathway_id in awarded_at:  # its evidence names the badges it was built from
        [award] = [a for a in learner.awards if a.quest_id == pathway_id]
        assert award.evidence and all(v.startswith("http://127.0.0.1:8080/badges/")
                                      for v in award.evidence.values())
    again = _work(rule_catalog, learner)
    award_pathways(again, learner, to_actor=True)
    assert again.changes == []  # nothing is awarded twice, even when asked again


# --- in play ---------------------------------------------------------------------------
async def grant(tutor: Player, learner: str, quest: str, event_id: str | None = None) -> str:
    return await tutor.say(f"/grant {learner} {quest} badge well done", event_id=event_id)


async def pathway_awards(store: Store, learner_ref: UserRef) -> list[str]:
    """The learner's pathway badges in force, as the store holds them."""
    assert isinstance(store, SqlStore)
    learner_id = await store.read(learner_id_of(learner_ref))
    learner = await store.read(load_learner(learner_id))
    assert learner is not None
    return [a.award_id for a in learner.awards
            if a.badge_key == PATHWAY_BADGE and not a.revoked]


async def test_the_last_component_awards_the_pathway_badge_and_a_redelivery_nothing(
        alice: Player, tutor: Player, store: Store) -> None:
    await alice.say("/start")
    await grant(tutor, "alice", "python-basics")
    await grant(tutor, "alice", "git-workshop")
    assert await pathway_awards(store, alice.user) == []
    reply = await grant(tutor, "alice", "portfolio", event_id="last-grant")
    again = await grant(tutor, "alice", "portfolio", event_id="last-grant")  # redelivered
    assert again == reply
    assert len(await pathway_awards(store, alice.user)) == 1
    await grant(tutor, "alice", "community-helper")  # a second elective: no second badge
    assert len(await pathway_awards(store, alice.user)) == 1
    text = await alice.say("/pathways")
    assert "🏅 You earned this pathway's badge" in text
    assert "Leads to the job role: Software developer (ESCO)" in text
    assert "/pathways/junior-python-developer" in text


async def test_badges_of_two_linked_accounts_complete_a_pathway_at_once(
        alice: Player, tutor: Player, engine: QuestEngine, store: Store) -> None:
    elsewhere = Player(engine, UserRef("console", "alice-phone"), "Alice")
    await alice.say("/start")
    await grant(tutor, "alice", "python-basics")
    await grant(tutor, "alice", "git-workshop")
    await elsewhere.say("/start")
    await grant(tutor, "alice-phone", "portfolio")
    code = (await alice.say("/link")).split("link code is ")[1].split(".")[0]
    reply = await elsewhere.say(f"/link {code}")
    assert "Linked!" in reply and "Junior Python developer" in reply
    assert len(await pathway_awards(store, alice.user)) == 1
    assert await pathway_awards(store, elsewhere.user) == await pathway_awards(store,
                                                                               alice.user)
    await grant(tutor, "alice", "community-helper")  # nothing more to complete
    assert len(await pathway_awards(store, alice.user)) == 1


async def test_pathways_shows_what_is_next_and_which_quest_gives_it(
        alice: Player, tutor: Player) -> None:
    await alice.say("/start")
    await grant(tutor, "alice", "python-basics")
    text = await alice.say("/pathways")
    assert "🧭 Junior Python developer: 1/3" in text
    assert "Core: every one of these (1/2)" in text
    assert "  ✓ Python Basics" in text
    assert "  • Git Essentials: earned in the quest Git Workshop (/join git-workshop)" in text
    assert "Electives: any 1 of these 3 (0/1)" in text


async def test_revoking_a_component_tells_the_admins_and_keeps_the_pathway_badge(
        alice: Player, tutor: Player, store: Store) -> None:
    await alice.say("/start")
    for quest in ("python-basics", "git-workshop", "portfolio"):
        await grant(tutor, "alice", quest)
    [pathway_award] = await pathway_awards(store, alice.user)
    await tutor.say("/revoke alice portfolio badge handed in someone else's work")
    assert await pathway_awards(store, alice.user) == [pathway_award]
    notices = [d.message.text for d in await store.pending_deliveries("console", 500)
               if d.recipient == ADMIN and hasattr(d.message, "text")]
    [notice] = [n for n in notices if "was revoked" in n]
    assert "Project Portfolio" in notice and "Alice" in notice and pathway_award in notice
    # a revocation the pathway survives (another elective is held) tells no one
    await grant(tutor, "alice", "portfolio")
    await grant(tutor, "alice", "community-helper")
    await tutor.say("/revoke alice portfolio badge again")
    later = [d.message.text for d in await store.pending_deliveries("console", 500)
             if d.recipient == ADMIN and hasattr(d.message, "text")]
    assert len([n for n in later if "was revoked" in n]) == 1


@pytest.mark.parametrize("language", ["fr", "gd"])
async def test_pathways_in_french_and_gaelic_reads_no_english(
        engine: QuestEngine, tutor: Player, language: str) -> None:
    player = Player(engine, UserRef("console", "amelie"), "Amélie", language=language)
    await player.say("/start")
    await grant(tutor, "amelie", "python-basics")
    await grant(tutor, "amelie", "git-workshop")
    text = await player.say("/pathways")
    await grant(tutor, "amelie", "weekly-helper")
    text += "\n" + await player.say("/pathways")
    english = _sentences(list(ENGLISH.values()))
    assert sorted(piece for piece in english if piece in text) == []
    title = {"fr": "Développeur Python junior", "gd": "Leasaiche Python òg"}[language]
    assert f"🧭 {title}" in text
    assert {"fr": "Tronc commun", "gd": "Bunait"}[language] in text


@pytest.mark.stores("sqlite", "postgres")
async def test_electives_granted_at_once_by_two_processes_give_one_pathway_badge(
        store: Store, catalog: Catalog, settings: EngineSettings, tmp_path: Path) -> None:
    clock = FakeClock()
    second: Store = store
    if isinstance(store, PostgresStore):  # a second process: a pool of its own
        second = PostgresStore(POSTGRES_URL, server_settings=store._server_settings)
        await second.open()
    try:
        engines = [QuestEngine(s, catalog, settings, clock=clock) for s in (store, second)]
        tutors = [Player(engine, TUTOR, "Tina") for engine in engines]
        for n in range(6):
            name = f"learner{n}"
            await Player(engines[0], UserRef("console", name), name).say("/start")
            await grant(tutors[0], name, "python-basics")
            await grant(tutors[1], name, "git-workshop")
            await asyncio.gather(grant(tutors[0], name, "portfolio"),
                                 grant(tutors[1], name, "community-helper"))
            assert len(await pathway_awards(store, UserRef("console", name))) == 1, name
    finally:
        if second is not store:
            await second.close()


async def test_a_pathway_added_later_is_awarded_on_pathways(
        store: Store, settings: EngineSettings, tmp_path: Path) -> None:
    folder = tmp_path / "quests"
    quests(folder, "alpha", "beta")
    before = load_catalog(folder).catalog
    clock = FakeClock()
    engine = QuestEngine(store, before, settings, clock=clock)
    tutor, lee = Player(engine, TUTOR, "Tina"), Player(engine, UserRef("console", "lee"), "Lee")
    await lee.say("/start")
    await grant(tutor, "lee", "alpha")
    await grant(tutor, "lee", "beta")
    assert "There are no pathways yet." in await lee.say("/pathways")
    write(folder, "p.yaml", pathway_yaml("p", "  - of: [alpha, beta]"))
    after = load_catalog(folder).catalog
    later = Player(QuestEngine(store, after, settings, clock=clock), lee.user, "Lee")
    text = await later.say("/pathways")
    assert "BADGE Pathway badge p" in text and "🏅 You earned this pathway's badge" in text
    assert len(await pathway_awards(store, lee.user)) == 1
    assert "BADGE" not in await later.say("/pathways")  # once


def test_a_milestone_badge_carries_its_own_credit_and_level(tmp_path: Path) -> None:
    text = quest_yaml("alpha", milestone="half").replace(
        "award: {name: alpha half}",
        "award: {name: alpha half, credit: {points: 5, framework: SCQF},"
        " level: {framework: EQF, level: 4}}")
    write(tmp_path, "alpha.yaml", text)
    quest = load_catalog(tmp_path).catalog.get("alpha")
    assert quest is not None
    milestone = quest.milestone_for_badge("half")
    assert milestone is not None
    info = badge_class_info(quest, milestone)
    assert info.credit is not None and info.credit["points"] == 5
    assert info.level is not None and (info.level["framework"], info.level["level"]) == (
        "EQF", 4)
