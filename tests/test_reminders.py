"""Reminders: one per quest left halfway, after the community's time without progress, in
the learner's language, naming the quest and the next step; never twice (restarts, two
engines at once), waiting for quiet hours to end, never for /reminders off. The scan reads
due rows through an index."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from questbot.engine import EngineSettings, QuestEngine
from questbot.ports import Store
from questbot.storage import SqliteStore
from questbot.storage.sql.dialect import Dialect
from questbot.storage.sql.nudges import DUE_REMINDERS, DUE_STREAK_NOTES
from tests.game import Game, at, game_catalog

COMMUNITY = """\
time_zone: Europe/London
reminders: {after: 3d}
quiet_hours: {from: "21:00", to: "08:00"}
"""
REMINDER = ("⏰ You are halfway through Two Steps. Next step: Second post. Type /progress"
            " halfway to see where you are (/reminders off: no more reminders).")


async def halfway(game: Game, moment: str = "2026-12-01T10:00:00") -> None:
    game.clock.current = at(moment)
    await game.alice.say("/join halfway")
    game.alice.channel = "one"
    assert "First post" in await game.alice.post("my first post")


@pytest.mark.stores("sqlite", "postgres")
async def test_one_reminder_after_the_configured_time_and_never_again(
        store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, COMMUNITY), at("2026-12-01T10:00:00"))
    await halfway(game)
    assert await game.nudges_at("2026-12-04T09:59:59") == []
    assert await game.nudges_at("2026-12-04T10:00:00") == [REMINDER]
    assert await game.nudges_at("2026-12-05T10:00:00") == []
    # A restart: a new engine over the same database finds nothing to send.
    restarted = QuestEngine(store, game.engine.catalog, EngineSettings(), clock=game.clock)
    game.clock.advance(days=30)
    assert await restarted.send_nudges(store) == 0
    assert await game.outbox() == []


@pytest.mark.stores("sqlite", "postgres")
async def test_two_engines_scanning_at_once_send_each_reminder_once(
        store: Store, tmp_path: Path) -> None:
    catalog = game_catalog(tmp_path, COMMUNITY)
    games = [Game(store, catalog, at("2026-12-01T10:00:00"), name) for name in
             ("alice", "bea", "cai", "dee", "eve", "fin")]
    for game in games:
        await halfway(game)
    engines = [QuestEngine(store, catalog, EngineSettings(), clock=games[0].clock)
               for _ in range(3)]
    games[0].clock.current = at("2026-12-05T10:00:00")

    async def scan(engine: QuestEngine) -> None:
        while await engine.send_nudges(store, limit=2) >= 2:
            pass

    await asyncio.gather(*(scan(e) for e in engines))
    assert sorted(await games[0].outbox()) == [REMINDER] * 6
    assert await games[0].outbox() == []


async def test_progress_moves_the_reminder_later_and_finishing_drops_it(
        store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, COMMUNITY), at("2026-12-01T10:00:00"))
    await game.alice.say("/join daily")
    await game.step_at("2026-12-01T10:00:00")
    await game.step_at("2026-12-03T10:00:00")
    assert await game.nudges_at("2026-12-04T10:00:00") == []  # three days after the first
    assert len(await game.nudges_at("2026-12-06T10:00:00")) == 1
    await halfway(game, "2026-12-06T11:00:00")
    game.alice.channel = "two"
    game.clock.current = at("2026-12-07T11:00:00")
    assert "Step done: Second post" in await game.alice.post("my second post")
    assert await game.nudges_at("2026-12-20T10:00:00") == []  # finished: nothing to remind


async def test_a_reminder_due_in_quiet_hours_waits_until_they_end(
        store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, COMMUNITY), at("2026-12-01T22:30:00"))
    await halfway(game, "2026-12-01T22:30:00")
    assert await game.nudges_at("2026-12-04T22:30:00") == []  # 22:30 in London: quiet
    assert await game.nudges_at("2026-12-05T07:59:00") == []
    assert await game.nudges_at("2026-12-05T08:00:00") == [REMINDER]
    assert await game.nudges_at("2026-12-06T08:00:00") == []


async def test_quiet_hours_are_the_communitys_local_time(store: Store, tmp_path: Path) -> None:
    # In Tonga (+13:00), 20:00 UTC is 09:00 the next morning: not quiet.
    community = COMMUNITY.replace("Europe/London", "Pacific/Tongatapu")
    game = Game(store, game_catalog(tmp_path, community), at("2026-12-01T20:00:00"))
    await halfway(game, "2026-12-01T20:00:00")
    assert await game.nudges_at("2026-12-04T20:00:00") == [REMINDER]


async def test_reminders_off_means_none_and_on_brings_them_back(
        store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, COMMUNITY), at("2026-12-01T10:00:00"))
    assert "Reminders off" in await game.alice.say("/reminders off")
    await halfway(game)
    assert await game.nudges_at("2026-12-04T10:00:00") == []
    assert "Reminders on" in await game.alice.say("/reminders on")
    await game.alice.say("/join daily")
    await game.step_at("2026-12-04T11:00:00")
    assert len(await game.nudges_at("2026-12-07T11:00:00")) == 1
    assert "Usage: /reminders on|off" in await game.alice.say("/reminders maybe")


async def test_the_reminder_is_in_the_learners_language(store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, COMMUNITY), at("2026-12-01T10:00:00"))
    await game.alice.say("/language fr")
    await halfway(game)
    (text,) = await game.nudges_at("2026-12-04T10:00:00")
    assert text.startswith("⏰ Vous êtes à mi-chemin de Two Steps. Prochaine étape : Second")


async def test_without_reminders_in_the_community_file_none_are_kept(
        store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, "time_zone: UTC\n"), at("2026-12-01T10:00:00"))
    await halfway(game)
    assert await game.nudges_at("2027-01-01T10:00:00") == []


async def test_the_scans_read_due_rows_through_their_indexes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "q.sqlite3")
    await store.open()
    await store.close()
    conn = sqlite3.connect(tmp_path / "q.sqlite3")
    plans = {}
    for name, text in (("reminders", DUE_REMINDERS), ("streaks", DUE_STREAK_NOTES)):
        plans[name] = " ".join(str(row[3]) for row in conn.execute(
            "EXPLAIN QUERY PLAN " + Dialect.SQLITE.render(text), ("now", 50)))
    conn.close()
    assert "USING INDEX reminders_due" in plans["reminders"]
    assert "USING INDEX learners_streak_warnings" in plans["streaks"]
    for plan in plans.values():
        assert "SCAN" not in plan.replace("SCAN reminders USING INDEX", "").replace(
            "SCAN learners USING INDEX", "") and "TEMP B-TREE" not in plan
