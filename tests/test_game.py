"""The game: XP per step and milestone in a ledger, levels and the level-up message, the daily
participation cap in the community's time zone, leaderboards (ranks, ties, opt-in names),
seasons closed once with their winners told, and the community file's new fields."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questbot.app.seasons import close_seasons
from questbot.catalog import Catalog, load_catalog
from questbot.catalog.game import Levels
from questbot.domain import ConversationRef, Event, UserRef
from questbot.domain.messages import Delivery, PostMessage, Text
from questbot.domain.seasons import SeasonKind, day_of, season_days, season_of
from questbot.engine import EngineSettings, QuestEngine
from questbot.engine.leaderboards import season_name
from questbot.engine.views import progress_bar
from questbot.ports import BoardQuery, Store
from questbot.storage import SqliteStore
from questbot.storage.sql import leaderboard
from questbot.storage.sql.dialect import Dialect
from questbot.storage.sql.program import Program, Row, sql
from questbot.storage.sql.store import SqlStore
from questbot.storage.sqlite.migrations import migrate
from tests.helpers import FakeClock, Player, render

TUTOR = UserRef("console", "tina")
ZONES = ["UTC", "Europe/London", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Sao_Paulo"]

QUEST = """\
schema_version: 1
id: game
title: {en: The game, fr: Le jeu, gd: An geama}
badge: {name: Player, description: Played the game, criteria: Play}
steps:
  - {id: p1, kind: participation, action: message, count: 1, channel: a, xp: 30}
  - {id: p2, kind: participation, action: message, count: 1, channel: b, xp: 30}
  - {id: p3, kind: participation, action: message, count: 1, channel: c, xp: 30}
  - {id: p4, kind: participation, action: message, count: 1, channel: d, xp: 30}
  - {id: meetup, kind: submission, xp: 40}
  - {id: talk, kind: submission, xp: 100}
milestones:
  - {id: met, after: [meetup], xp: 25}
"""

COMMUNITY = """\
schema_version: 1
kind: community
id: club
name: The Club
time_zone: Europe/London
levels:
  thresholds: [50, 100, 200]
  names:
    - {en: Seed, fr: Graine, gd: Sìol}
    - {en: Sprout, fr: Pousse, gd: Fàs}
    - {en: Tree, fr: Arbre, gd: Craobh}
    - {en: Forest, fr: Forêt, gd: Coille}
leaderboard: {seasons: weekly, winners: 2}
anti_farming: {daily_participation_xp: 50}
"""

GUILD = """\
schema_version: 1
kind: community
id: guild
name: The Guild
places: [console:guild]
leaderboard: {seasons: monthly}
"""


def _folder(tmp_path: Path, community: str = COMMUNITY, *extra: str) -> Path:
    folder = tmp_path / "quests"
    folder.mkdir(exist_ok=True)
    (folder / "game.yaml").write_text(QUEST, encoding="utf-8")
    (folder / "community.yaml").write_text(textwrap.dedent(community), encoding="utf-8")
    for index, text in enumerate(extra):
        (folder / f"extra{index}.yaml").write_text(text, encoding="utf-8")
    return folder


def _catalog(tmp_path: Path, community: str = COMMUNITY, *extra: str) -> Catalog:
    report = load_catalog(_folder(tmp_path, community, *extra))
    assert report.problems == []
    return report.catalog


def _engine(store: Store, catalog: Catalog, clock: FakeClock) -> QuestEngine:
    settings = EngineSettings(tutors=frozenset({TUTOR}))
    return QuestEngine(store, catalog, settings, clock=clock)


def _rows(text: str, *params: object) -> Program[list[Row]]:
    return (yield sql(text, *params)).rows


async def _read(store: Store, program: Program[list[Row]]) -> list[Row]:
    assert isinstance(store, SqlStore)
    return await store.read(program)


async def _post(player: Player, channel: str, event_id: str | None = None) -> str:
    player.channel = channel
    return await player.post("hello there", event_id=event_id)


async def _grant(tutor: Player, learner: str, step: str) -> str:
    return await tutor.say(f"/grant console:{learner} game {step} well done")


# XP per step and per milestone, in the ledger ----------------------------------------------

@pytest.mark.stores("sqlite", "postgres")
async def test_steps_and_milestones_give_their_xp_in_one_ledger_and_progress_shows_it(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    engine = _engine(store, _catalog(tmp_path), clock)
    alice, tutor = Player(engine, UserRef("console", "alice"), "Alice"), Player(engine, TUTOR)
    await alice.say("/join game")
    assert "+30 XP (total 30)" in await _post(alice, "a")
    await alice.say("/start")
    await _grant(tutor, "alice", "meetup")  # 40 for the step, 25 for the milestone
    ledger = await _read(store, _rows(
        "SELECT community_id, amount, source, quest_id, item_id FROM xp_ledger"
        " WHERE learner_id = (SELECT learner_id FROM accounts WHERE platform_user_id = $1)"
        " ORDER BY entry_id", "alice"))
    assert [tuple(r) for r in ledger] == [("club", 30, "step", "game", "p1"),
                                          ("club", 40, "step", "game", "meetup"),
                                          ("club", 25, "milestone", "game", "met")]
    shown = await alice.say("/progress")
    assert "Level 2 (Sprout): 95 XP" in shown
    assert progress_bar(45, 50) + " 5 XP to level 3" in shown
    totals = await _read(store, _rows("SELECT period, xp FROM xp_totals ORDER BY period"))
    assert sorted(tuple(r) for r in totals) == [("2026-W49", 95), ("all", 95)]


async def test_a_redelivered_event_gives_no_second_xp_and_no_second_level_up(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    engine = _engine(store, _catalog(tmp_path), clock)
    alice, tutor = Player(engine, UserRef("console", "alice"), "Alice"), Player(engine, TUTOR)
    await alice.say("/join game")
    first = await tutor.say("/grant console:alice game talk well done", event_id="grant-1")
    again = await tutor.say("/grant console:alice game talk well done", event_id="grant-1")
    assert again == first
    told = [render([d.message]) for d in await store.pending_deliveries("console", 100)]
    assert "\n".join(told).count("+100 XP (total 100)") == 1
    assert "\n".join(told).count("You reached Level 3 (Tree)!") == 1
    assert "Level 3 (Tree): 100 XP" in await alice.say("/progress")


def test_level_thresholds_from_a_curve_or_a_list() -> None:
    curve = Levels.model_validate({"curve": {"first": 100, "growth": 1.5}})
    assert curve.starts[:5] == (0, 100, 250, 475, 813)
    assert [curve.level(xp) for xp in (0, 99, 100, 249, 250, 475)] == [1, 1, 2, 2, 3, 4]
    listed = Levels.model_validate({"thresholds": [10, 30]})
    assert [listed.level(xp) for xp in (0, 9, 10, 29, 30, 10**6)] == [1, 1, 2, 2, 3, 3]
    assert listed.bounds(2) == (10, 30) and listed.bounds(3) == (30, None)
    assert Levels.model_validate({}).starts == curve.starts


def test_the_progress_bar_fills_in_tenths() -> None:
    assert progress_bar(0, 50) == "[░░░░░░░░░░] 0%"
    assert progress_bar(25, 50) == "[█████░░░░░] 50%"
    assert progress_bar(50, 50) == "[██████████] 100%"


async def test_levels_level_up_once_each_and_the_top_level_says_so(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    engine = _engine(store, _catalog(tmp_path), clock)
    alice, tutor = Player(engine, UserRef("console", "alice"), "Alice"), Player(engine, TUTOR)
    await alice.say("/join game")
    said = [await _post(alice, "a")]  # 30: level 1
    said.append(await _post(alice, "b"))  # 50 (the cap keeps 10 back): level 2
    said.append(await _post(alice, "b"))  # nothing more to do there
    await _grant(tutor, "alice", "talk")  # 150: level 3
    await _grant(tutor, "alice", "meetup")  # 215: level 4, the top
    told = "\n".join(render([d.message]) for d in await store.pending_deliveries("console"))
    text = "\n".join(said) + "\n" + told
    assert text.count("You reached") == 3
    for label in ("Level 2 (Sprout)", "Level 3 (Tree)", "Level 4 (Forest)"):
        assert text.count(f"You reached {label}!") == 1
    assert "Level 4 (Forest): 215 XP, the highest level" in await alice.say("/progress")


# The daily cap on participation XP ---------------------------------------------------------

async def test_the_daily_cap_counts_days_in_the_community_zone_across_a_dst_change(
        store: Store, tmp_path: Path) -> None:
    # Europe/London leaves summer time on 25 October 2026 at 01:00 UTC: that day lasts 25 h.
    clock = FakeClock(datetime(2026, 10, 24, 22, 30, tzinfo=UTC))  # 23:30 BST, 24 October
    engine = _engine(store, _catalog(tmp_path), clock)
    alice = Player(engine, UserRef("console", "alice"), "Alice")
    await alice.say("/join game")
    assert "+30 XP" in await _post(alice, "a")
    full = await _post(alice, "b")
    assert "+20 XP (total 50)" in full and full.count("That is all the XP") == 1
    clock.current = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # 00:30 BST: the 25th
    assert day_of(clock.current, _catalog(tmp_path).default_community.zone) == "2026-10-25"
    again = await _post(alice, "c")
    assert "+30 XP (total 80)" in again and "That is all" not in again
    clock.current = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # 23:30 GMT: still the 25th
    late = await _post(alice, "d")
    assert "+20 XP (total 100)" in late and "That is all the XP" in late


async def test_a_capped_gain_is_recorded_as_nothing_and_the_notice_comes_once_a_day(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    engine = _engine(store, _catalog(tmp_path), clock)
    alice = Player(engine, UserRef("console", "alice"), "Alice", language="fr")
    await alice.say("/join game")
    replies = [await _post(alice, channel) for channel in ("a", "b", "c")]
    assert "+30 XP" in replies[0] and "+20 XP" in replies[1]
    assert "XP" not in replies[2].replace("(total", "")  # the third gives nothing today
    assert sum(r.count("C’est tout l’XP") for r in replies) == 1
    held = await _read(store, _rows("SELECT amount, held_back FROM xp_ledger ORDER BY entry_id"))
    assert [tuple(r) for r in held] == [(30, 0), (20, 10), (0, 30)]


async def test_tutor_grants_and_milestones_are_not_taking_part_and_not_capped(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    engine = _engine(store, _catalog(tmp_path), clock)
    alice, tutor = Player(engine, UserRef("console", "alice"), "Alice"), Player(engine, TUTOR)
    await alice.say("/join game")
    await _grant(tutor, "alice", "talk")
    await _grant(tutor, "alice", "meetup")
    assert "165 XP" in await alice.say("/progress")
    for step in ("p1", "p2", "p3"):  # participation steps, but granted: 90 XP, not 50
        await _grant(tutor, "alice", step)
    assert "255 XP" in await alice.say("/progress")


# Which community a gain counts for ---------------------------------------------------------

async def test_a_private_gain_counts_for_the_last_public_community_else_the_default(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    catalog = _catalog(tmp_path, COMMUNITY, GUILD)
    engine = _engine(store, catalog, clock)
    alice, tutor = Player(engine, UserRef("console", "alice"), "Alice"), Player(engine, TUTOR)
    carol = Player(engine, UserRef("console", "carol"), "Carol")
    await alice.say("/join game")
    await carol.say("/join game")
    await engine.handle(Event("in-guild", alice.user, ConversationRef(
        "console", "g1", "x", private=False, community="guild"), PostMessage("hi"), "Alice"))
    await _grant(tutor, "alice", "talk")  # granted in a private chat: alice's guild
    await _grant(tutor, "carol", "talk")  # carol was never in public: the default, club
    totals = await _read(store, _rows(
        "SELECT a.platform_user_id, t.community_id FROM xp_totals t JOIN accounts a"
        " ON a.learner_id = t.learner_id WHERE t.period = 'all' ORDER BY 1"))
    assert [tuple(r) for r in totals] == [("alice", "guild"), ("carol", "club")]
    assert "The Guild" in await alice.say("/leaderboard")
    assert "The Club" in await carol.say("/leaderboard")


# Leaderboards: ranks, ties, names only for those who opted in -----------------------------

async def _three_learners(engine: QuestEngine) -> tuple[Player, Player, Player]:
    alice = Player(engine, UserRef("console", "alice"), "Alice")
    bob = Player(engine, UserRef("console", "bob"), "Bobbity")
    carol = Player(engine, UserRef("console", "carol"), "Carol")
    tutor = Player(engine, TUTOR)
    for player in (alice, bob, carol):
        await player.say("/join game")
    await _grant(tutor, "alice", "talk")
    await _grant(tutor, "bob", "talk")
    await _post(carol, "a")
    return alice, bob, carol


@pytest.mark.stores("sqlite", "postgres")
async def test_ties_share_a_rank_and_everyone_sees_their_own(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    engine = _engine(store, _catalog(tmp_path), clock)
    _alice, bob, carol = await _three_learners(engine)
    board = await carol.say("/leaderboard all")
    assert "1. anonymous: 100 XP" in board
    assert board.count("1. anonymous: 100 XP") == 2
    assert "3. anonymous: 30 XP" in board
    assert "You: rank 3, 30 XP" in board
    assert "You: rank 1, 100 XP" in await bob.say("/leaderboard")
    stranger = Player(engine, UserRef("console", "dora"), "Dora")
    assert "You have no XP here yet." in await stranger.say("/leaderboard season")


@pytest.mark.parametrize("language", ["en", "fr", "gd"])
async def test_only_learners_who_opted_in_are_named_in_every_language(
        store: Store, tmp_path: Path, clock: FakeClock, language: str) -> None:
    engine = _engine(store, _catalog(tmp_path), clock)
    alice, bob, carol = await _three_learners(engine)
    await alice.say("/leaderboard optin")
    await bob.say("/leaderboard optin")
    await bob.say("/leaderboard optout")
    carol.language = language
    board = await carol.say("/leaderboard")
    assert "Alice" in board
    assert "Bobbity" not in board and "Carol" not in board
    anonymous = {"en": "anonymous", "fr": "anonyme", "gd": "gun ainm"}[language]
    assert re.search(f"^1[.] {anonymous} ?: 100 XP$", board, re.MULTILINE)
    assert "/leaderboard optin" in board  # carol is told how to be named


# Seasons: reset at the boundary, archived, winners told once -------------------------------

@pytest.mark.stores("sqlite", "postgres")
async def test_a_season_closes_once_with_its_standings_archived_and_winners_told(
        store: Store, tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 6, 23, 30, tzinfo=UTC))  # Sunday 23:30 in London
    catalog = _catalog(tmp_path)
    engine = _engine(store, catalog, clock)
    alice, _bob, _carol = await _three_learners(engine)
    await store.pending_deliveries("console", 100)
    await store.mark_delivered([d.delivery_id for d in
                                await store.pending_deliveries("console", 100)])
    assert season_of("weekly", clock.current, catalog.default_community.zone) == "2026-W49"
    clock.current = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)  # Monday: week 50
    assert "You have no XP here yet." in await alice.say("/leaderboard")  # the new season
    assert "You: rank 1, 100 XP" in await alice.say("/leaderboard all")
    # two runs at once (two processes, or a task and a restart) close it once
    runs = await asyncio.gather(close_seasons(store, catalog, clock.now()),
                                close_seasons(store, catalog, clock.now()))
    assert sorted(runs, key=len) == [[], [("club", "2026-W49")]]
    assert await close_seasons(store, catalog, clock.now()) == []
    told = await store.pending_deliveries("console", 100)
    won = sorted((d.recipient.user_id, d.message.text) for d in told
                 if isinstance(d.message, Text)
                 and "Season Nov 30\u2009–\u2009Dec 6, 2026 of" in d.message.text)
    assert [who for who, _ in won] == ["alice", "bob"]  # the tied winners; carol came third
    assert all("rank 1 with 100 XP" in text for _, text in won)
    archived = await _read(store, _rows(
        "SELECT a.platform_user_id, s.rank, s.xp FROM season_standings s JOIN accounts a"
        " ON a.learner_id = s.learner_id WHERE s.season = $1 ORDER BY 2, 1", "2026-W49"))
    assert [tuple(r) for r in archived] == [("alice", 1, 100), ("bob", 1, 100),
                                            ("carol", 3, 30)]
    left = await _read(store, _rows("SELECT count(*) FROM xp_totals WHERE period = $1",
                                  "2026-W49"))
    assert left[0][0] == 0


# Babel puts thin spaces round the dash
@pytest.mark.parametrize(("key", "language", "label"), [
    ("2026-12", "en", "December 2026"), ("2026-12", "fr", "décembre 2026"),
    ("2026-12", "gd", "An Dùbhlachd 2026"), ("2026-W49", "fr", "30 nov.\u2009–\u20096 déc. 2026"),
    ("2026-W53", "en", "Dec 28, 2026\u2009–\u2009Jan 3, 2027"), ("all", "en", "all")])
def test_a_season_is_named_in_the_readers_language(key: str, language: str,
                                                    label: str) -> None:
    assert season_name(key, language) == label


@settings(max_examples=200, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 1),
                           timezones=st.just(UTC)),
       kind=st.sampled_from(["weekly", "monthly"]), zone=st.sampled_from(ZONES))
def test_every_season_spans_the_days_it_holds(moment: datetime, kind: SeasonKind,
                                              zone: str) -> None:
    key = season_of(kind, moment, ZoneInfo(zone))
    assert key is not None
    days = season_days(key)
    assert days is not None
    first, last = days
    assert first <= moment.astimezone(ZoneInfo(zone)).date() <= last
    assert (last - first).days == 6 if kind == "weekly" else 27 <= (last - first).days <= 30
    assert season_name(key, "en") != key


async def test_forgetting_a_learner_removes_their_xp_from_every_board(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    engine = _engine(store, _catalog(tmp_path), clock)
    alice, _bob, carol = await _three_learners(engine)
    await alice.say("/forget confirm")
    assert "You: rank 2, 30 XP" in await carol.say("/leaderboard all")


# The community file's new fields -----------------------------------------------------------

@pytest.mark.parametrize(("replace", "found", "where"), [
    ("thresholds: [50, 100, 200]", "thresholds: [50, 40]", (7, 3)),
    ("leaderboard: {seasons: weekly, winners: 2}", "leaderboard: {seasons: daily}", (13, 24)),
    ("anti_farming: {daily_participation_xp: 50}", "anti_farming: {daily_xp: 50}", (14, 16)),
])
def test_mistakes_in_the_game_fields_name_their_line_and_column(
        tmp_path: Path, replace: str, found: str, where: tuple[int, int]) -> None:
    folder = _folder(tmp_path, COMMUNITY.replace(replace, found))
    problems = load_catalog(folder).problems
    assert problems, found
    assert [(p.line, p.column) for p in problems][:1] == [where], problems
    assert problems[0].path.endswith("community.yaml")


def test_the_leaderboard_reads_go_through_the_standings_index(tmp_path: Path) -> None:
    async def create() -> None:
        store = SqliteStore(tmp_path / "plan.sqlite3")
        await store.open()
        await store.close()
    asyncio.run(create())
    conn = sqlite3.connect(tmp_path / "plan.sqlite3")
    try:
        for text, params in ((leaderboard.TOP, ("c", "all", 10)),
                             (leaderboard.ABOVE, ("c", "all", 5)),
                             (leaderboard.SEASON_BEFORE, ("c", "2026-12")),
                             (leaderboard.SEASON_AFTER, ("c", "2026-12", "all")),
                             (leaderboard.DROP, ("c", "2026-12"))):
            plan = " ".join(str(row[3]) for row in conn.execute(
                "EXPLAIN QUERY PLAN " + Dialect.SQLITE.render(text), params))
            assert "xp_standings" in plan, plan
            assert "SCAN" not in plan and "TEMP B-TREE" not in plan, plan
    finally:
        conn.close()


@pytest.mark.stores("postgres")
async def test_postgresql_reads_the_top_and_a_high_rank_from_the_standings_index(
        store: Store) -> None:
    assert isinstance(store, SqlStore)

    def seed() -> Program[None]:
        yield sql("INSERT INTO xp_totals (learner_id, community_id, period, xp)"
                  " SELECT 'l' || i, 'c', p, 5 * (1 + (i * 7919) % 2000)"
                  " FROM generate_series(1, 20000) i, (VALUES ('all'), ('2026-12')) v(p)")
        yield sql("INSERT INTO learners (learner_id, created_at)"
                  " SELECT 'l' || i, '2026-12-01' FROM generate_series(1, 20000) i")
        yield sql("ANALYZE xp_totals")
        yield sql("ANALYZE learners")

    await store.write(seed())
    for text, params in ((leaderboard.TOP, ("c", "2026-12", 10)),
                         (leaderboard.ABOVE, ("c", "2026-12", 9900)),
                         (leaderboard.SEASON_BEFORE, ("c", "2026-12"))):
        rows = await _read(store, _rows("EXPLAIN " + Dialect.POSTGRES.render(text), *params))
        plan = " ".join(str(r[0]) for r in rows)
        assert "xp_standings" in plan, plan
        assert "Seq Scan on xp_totals" not in plan, plan


async def test_linked_accounts_add_up_their_xp_and_keep_one_standing(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    engine = _engine(store, _catalog(tmp_path), clock)
    alice, tutor = Player(engine, UserRef("console", "alice"), "Alice"), Player(engine, TUTOR)
    elsewhere = Player(engine, UserRef("telegram", "77"), "Alice T")
    await alice.say("/join game")
    await elsewhere.say("/join game")
    await _grant(tutor, "alice", "talk")
    await tutor.say("/grant telegram:77 game meetup well done")
    code = (await alice.say("/link")).split("code is ")[1].split(".")[0]
    await elsewhere.say(f"/link {code}")
    board = await alice.say("/leaderboard all")
    assert "1. anonymous: 165 XP" in board and "You: rank 1, 165 XP" in board
    assert board.count("anonymous:") == 1


async def test_level_names_and_winners_messages_are_in_the_learners_language(
        store: Store, tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 12, 6, 12, 0, tzinfo=UTC))
    catalog = _catalog(tmp_path)
    engine = _engine(store, catalog, clock)
    amelie = Player(engine, UserRef("console", "amelie"), "Amélie", language="gd")
    await amelie.say("/language fr")
    await amelie.say("/join game")
    assert "Vous atteignez le Niveau 3 (Arbre)" in "\n".join(
        render([d.message]) for d in await _granted(engine, store, "amelie", "talk"))
    assert "Niveau 3 (Arbre) : 100 XP" in await amelie.say("/progress")
    clock.current = datetime(2026, 12, 14, 12, 0, tzinfo=UTC)
    await close_seasons(store, catalog, clock.now())
    told = [render([d.message]) for d in await store.pending_deliveries("console", 100)]
    won = "La saison 30 nov.\u2009–\u20096 déc. 2026 de The Club est terminée"
    assert any(won in text and "rang 1" in text
               for text in told)


async def _granted(engine: QuestEngine, store: Store, learner: str, step: str
                   ) -> list[Delivery]:
    await _grant(Player(engine, TUTOR), learner, step)
    pending = await store.pending_deliveries("console", 100)
    await store.mark_delivered([d.delivery_id for d in pending])
    return pending


def test_a_curve_and_thresholds_together_are_one_mistake_at_levels(tmp_path: Path) -> None:
    both = COMMUNITY.replace("  thresholds: [50, 100, 200]",
                             "  thresholds: [50, 100, 200]\n  curve: {first: 10}")
    (problem,) = load_catalog(_folder(tmp_path, both)).problems
    assert (problem.line, problem.column) == (7, 3)
    assert "either curve or thresholds" in problem.message


async def test_milestone_xp_from_before_the_ledger_counts_for_the_default_community(
        tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, upto=9)
    conn.execute("INSERT INTO learners (learner_id, display_name, created_at)"
                 " VALUES ('old', 'Old', '2026-01-01T00:00:00+00:00')")
    conn.execute("INSERT INTO accounts VALUES ('console', 'old', 'old')")
    conn.execute("INSERT INTO milestones VALUES ('old', 'q', 'm1', 30, '2026-01-02'),"
                 " ('old', 'q', 'm2', 12, '2026-01-03'), ('old', 'q', 'm3', 0, '2026-01-04')")
    conn.close()
    store = SqliteStore(path)
    await store.open()
    try:
        board = await store.leaderboard(BoardQuery("default", "all", 10,
                                                   UserRef("console", "old")))
        assert board.me is not None and (board.me.rank, board.me.xp) == (1, 42)
        ledger = await _read(store, _rows("SELECT amount, item_id FROM xp_ledger ORDER BY 2"))
        assert [tuple(r) for r in ledger] == [(30, "m1"), (12, "m2")]
        engine = _engine(store, Catalog(), clock)
        shown = await Player(engine, UserRef("console", "old"), "Old").say("/progress")
        assert shown  # the learner loads with their XP
    finally:
        await store.close()


@pytest.mark.stores("sqlite", "postgres")
async def test_a_community_without_seasons_keeps_all_time_standings_only(
        store: Store, tmp_path: Path, clock: FakeClock) -> None:
    catalog = _catalog(tmp_path, COMMUNITY.replace("seasons: weekly", "seasons: none"))
    engine = _engine(store, catalog, clock)
    await _three_learners(engine)
    totals = await _read(store, _rows("SELECT DISTINCT period FROM xp_totals"))
    assert [tuple(r) for r in totals] == [("all",)]
    alice = Player(engine, UserRef("console", "alice"), "Alice")
    assert "The Club: all time" in await alice.say("/leaderboard")
    assert await close_seasons(store, catalog, clock.now()) == []
