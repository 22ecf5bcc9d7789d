"""Streaks: days (or weeks) in a row with a step done, in the community's time zone, across
midnight, time zones and daylight-saving changes; the message when one grows (once per
period), /progress, and the note when one is about to break (once, never in quiet hours)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questbot.domain import ConversationRef, Event
from questbot.domain.messages import PostMessage
from questbot.domain.streaks import (
    Period,
    Streak,
    live_current,
    period_end,
    period_start,
    record_activity,
)
from questbot.ports import Store
from tests.game import Game, at, game_catalog
from tests.helpers import render

LONDON = ZoneInfo("Europe/London")
TONGA = ZoneInfo("Pacific/Tongatapu")  # +13:00 all year
ZONES = ["UTC", "Europe/London", "Pacific/Tongatapu", "America/Toronto", "Pacific/Kiritimati",
         "America/St_Johns", "Australia/Lord_Howe", "Pacific/Pago_Pago"]


def fold(moments: list[datetime], zone: ZoneInfo, period: Period) -> Streak:
    streak = Streak()
    for moment in moments:
        streak, _ = record_activity(streak, moment, zone, period)
    return streak


# --- the arithmetic --------------------------------------------------------------------------

def test_a_day_ends_at_local_midnight_not_utc_midnight() -> None:
    # 23:59 and 00:01 in Tonga (+13:00) are two days, though both are 1 December in UTC.
    first, second = at("2026-12-01T10:59:00"), at("2026-12-01T11:01:00")
    assert fold([first, second], TONGA, "day") == Streak(2, 2, "day:2026-12-02")
    assert fold([first, second], ZoneInfo("UTC"), "day").current == 1


@pytest.mark.parametrize(("before", "after"), [
    ("2026-03-28T23:30:00+00:00", "2026-03-29T00:30:00+00:00"),  # into the 23-hour day
    ("2026-03-29T23:30:00+01:00", "2026-03-30T00:30:00+01:00"),  # out of it
    ("2026-10-24T23:30:00+01:00", "2026-10-25T00:30:00+01:00"),  # into the 25-hour day
    ("2026-10-25T23:30:00+00:00", "2026-10-26T00:30:00+00:00"),  # out of it
])
def test_days_in_a_row_across_londons_clock_changes(before: str, after: str) -> None:
    assert fold([at(before), at(after)], LONDON, "day").current == 2


def test_londons_short_and_long_days_have_their_true_length() -> None:
    assert period_end(date(2026, 3, 29), LONDON, "day") - datetime(
        2026, 3, 29, tzinfo=LONDON).astimezone(UTC) == timedelta(hours=23)
    assert period_end(date(2026, 10, 25), LONDON, "day") - datetime(
        2026, 10, 25, tzinfo=LONDON).astimezone(UTC) == timedelta(hours=25)
    # The last hour of the long day is still that day, the first of the next is not.
    assert period_start(at("2026-10-25T23:59:00+00:00"), LONDON, "day") == date(2026, 10, 25)
    assert period_start(at("2026-10-26T00:00:00+00:00"), LONDON, "day") == date(2026, 10, 26)


def test_weeks_run_monday_to_sunday_in_the_zone() -> None:
    sunday_night = at("2026-12-06T23:00:00+00:00")  # Sunday in London, Monday in Tonga
    assert period_start(sunday_night, LONDON, "week") == date(2026, 11, 30)
    assert period_start(sunday_night, TONGA, "week") == date(2026, 12, 7)
    weeks = [at("2026-11-30T09:00:00"), at("2026-12-06T22:00:00"), at("2026-12-07T09:00:00"),
             at("2026-12-21T09:00:00")]
    assert fold(weeks[:3], LONDON, "week") == Streak(2, 2, "week:2026-12-07")
    assert fold(weeks, LONDON, "week") == Streak(1, 2, "week:2026-12-21")  # a week missed


def test_the_best_streak_stays_after_a_break_and_the_current_one_shows_broken() -> None:
    days = [at(f"2026-12-0{d}T12:00:00") for d in (1, 2, 3, 6)]
    streak = fold(days, LONDON, "day")
    assert (streak.current, streak.best) == (1, 3)
    three = fold(days[:3], LONDON, "day")
    assert live_current(three, at("2026-12-04T23:00:00"), LONDON, "day") == 3  # still today
    assert live_current(three, at("2026-12-05T00:00:00"), LONDON, "day") == 0


def test_a_streak_grows_once_per_period() -> None:
    streak, grew = record_activity(Streak(), at("2026-12-01T09:00:00"), LONDON, "day")
    assert not grew
    streak, grew = record_activity(streak, at("2026-12-02T09:00:00"), LONDON, "day")
    assert grew and streak.current == 2
    again, grew = record_activity(streak, at("2026-12-02T20:00:00"), LONDON, "day")
    assert not grew and again == streak


def _brute_force(moments: list[datetime], zone: ZoneInfo, period: Period) -> tuple[int, int]:
    """Count runs of consecutive periods by listing local dates, no arithmetic shared."""
    days = sorted({m.astimezone(zone).date() for m in moments})
    if period == "week":
        days = sorted({d - timedelta(days=d.weekday()) for d in days})
    gap = 7 if period == "week" else 1
    best = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and (day - previous).days == gap else 1
        best, previous = max(best, run), day
    return run, best


@settings(max_examples=200, deadline=None)
@given(offsets=st.lists(st.integers(0, 60 * 24 * 120), min_size=1, max_size=40),
       zone=st.sampled_from(ZONES), period=st.sampled_from(["day", "week"]))
def test_the_streak_equals_a_brute_force_count(offsets: list[int], zone: str,
                                               period: Period) -> None:
    # Any activity minutes over four months that cross both of 2026's clock changes.
    start = datetime(2026, 2, 20, tzinfo=UTC)
    moments = [start + timedelta(minutes=m) for m in sorted(offsets)]
    streak = fold(moments, ZoneInfo(zone), period)
    assert (streak.current, streak.best) == _brute_force(moments, ZoneInfo(zone), period)


# --- in play --------------------------------------------------------------------------------

COMMUNITY = """\
time_zone: Europe/London
streaks: {period: day, warn_before: 4h}
quiet_hours: {from: "21:00", to: "08:00"}
"""


@pytest.mark.stores("sqlite", "postgres")
async def test_a_growing_streak_is_told_once_a_day_and_shown_in_progress(
        store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, COMMUNITY), at("2026-03-27T09:00:00"))
    await game.alice.say("/join daily")
    assert "in a row" not in await game.step_at("2026-03-27T09:00:00")
    grew = await game.step_at("2026-03-28T23:30:00+00:00")
    assert "🔥 2 days in a row with a step done! (best: 2)" in grew
    assert "in a row" not in await game.step_at("2026-03-28T23:50:00+00:00")  # same day
    # 00:30 UTC on the day the clocks go forward is 01:30 BST on the 29th: the third day.
    assert "🔥 3 days in a row" in await game.step_at("2026-03-29T00:30:00+00:00")
    assert "🔥 Streak: 3 days (best: 3)" in await game.alice.say("/progress")
    game.clock.current = at("2026-03-31T00:00:00+01:00")  # the 30th passed without a step
    assert "🔥 Streak: 0 days (best: 3)" in await game.alice.say("/progress")
    assert "in a row" not in await game.step_at("2026-03-31T10:00:00+01:00")
    assert "🔥 Streak: 1 day (best: 3)" in await game.alice.say("/progress")


async def test_a_weekly_streak_counts_weeks(store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, "streaks: {period: week}\n"),
                at("2026-11-30T09:00:00"))
    await game.alice.say("/join daily")
    await game.step_at("2026-11-30T09:00:00")
    assert "in a row" not in await game.step_at("2026-12-06T22:00:00")
    assert "🔥 2 weeks in a row" in await game.step_at("2026-12-07T09:00:00")
    assert "🔥 Streak: 2 weeks (best: 2)" in await game.alice.say("/progress")


async def test_the_time_zone_of_the_place_counts_and_private_chats_use_the_home_one(
        store: Store, tmp_path: Path) -> None:
    # Tonga's days: 10:59 and 11:01 UTC are 23:59 and 00:01 there.
    game = Game(store, game_catalog(tmp_path, "time_zone: Pacific/Tongatapu\n"
                                              "streaks: {period: day}\n"),
                at("2026-12-01T10:59:00"))
    await game.alice.say("/join daily")
    await game.step_at("2026-12-01T10:59:00")
    assert "🔥 2 days in a row" in await game.step_at("2026-12-01T11:01:00")
    # In private, /progress reads the community where Alice last took part.
    game.clock.current = at("2026-12-02T10:59:00")  # 23:59 on the 2nd in Tonga: still on
    assert "🔥 Streak: 2 days" in await game.alice.say("/progress")
    game.clock.current = at("2026-12-03T11:00:00")  # the 3rd ended there without a step
    assert "🔥 Streak: 0 days (best: 2)" in await game.alice.say("/progress")


async def test_without_streaks_in_the_community_file_there_are_none(
        store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, ""), at("2026-12-01T09:00:00"))
    await game.alice.say("/join daily")
    await game.step_at("2026-12-01T09:00:00")
    assert "in a row" not in await game.step_at("2026-12-02T09:00:00")
    assert "Streak" not in await game.alice.say("/progress")


@pytest.mark.stores("sqlite", "postgres")
async def test_the_about_to_break_note_comes_once_in_the_last_hours(
        store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, COMMUNITY), at("2026-12-01T09:00:00"))
    await game.alice.say("/join daily")
    await game.step_at("2026-12-01T09:00:00")
    await game.step_at("2026-12-02T09:00:00")
    assert await game.nudges_at("2026-12-03T19:59:00") == []
    assert await game.nudges_at("2026-12-03T20:00:00") == [
        "🔥 Your 2-day streak ends at midnight: one step today keeps it going."]
    assert await game.nudges_at("2026-12-03T20:30:00") == []  # once
    await game.step_at("2026-12-03T20:45:00")
    assert await game.nudges_at("2026-12-04T19:00:00") == []
    assert await game.nudges_at("2026-12-04T20:00:00") == [
        "🔥 Your 3-day streak ends at midnight: one step today keeps it going."]


async def test_a_learner_with_a_step_done_today_or_a_streak_of_one_gets_no_note(
        store: Store, tmp_path: Path) -> None:
    game = Game(store, game_catalog(tmp_path, COMMUNITY), at("2026-12-01T09:00:00"))
    await game.alice.say("/join daily")
    await game.step_at("2026-12-01T09:00:00")
    assert await game.nudges_at("2026-12-02T20:00:00") == []  # a streak of 1
    await game.step_at("2026-12-02T21:00:00")
    await game.step_at("2026-12-03T10:00:00")  # done today already
    assert await game.nudges_at("2026-12-03T20:30:00") == []


async def test_the_note_waits_for_quiet_hours_to_end_or_is_dropped_if_too_late(
        store: Store, tmp_path: Path) -> None:
    community = COMMUNITY.replace("warn_before: 4h", "warn_before: 8h").replace(
        '"21:00", to: "08:00"', '"15:00", to: "18:00"')
    game = Game(store, game_catalog(tmp_path, community), at("2026-12-01T09:00:00"))
    await game.alice.say("/join daily")
    await game.step_at("2026-12-01T09:00:00")
    await game.step_at("2026-12-02T09:00:00")
    assert await game.nudges_at("2026-12-03T16:00:00") == []  # due, but quiet until 18:00
    assert await game.nudges_at("2026-12-03T17:59:00") == []
    assert len(await game.nudges_at("2026-12-03T18:00:00")) == 1
    assert await game.nudges_at("2026-12-03T18:30:00") == []
    # Quiet from 15:00 to the day's end: no note at all that day.
    late = Game(store, game_catalog(tmp_path / "late", community.replace(
        '"15:00", to: "18:00"', '"15:00", to: "08:00"')), at("2026-12-01T09:00:00"), "bea")
    await late.alice.say("/join daily")
    await late.step_at("2026-12-01T09:00:00")
    await late.step_at("2026-12-02T09:00:00")
    assert await late.nudges_at("2026-12-03T16:00:00") == []
    assert await late.nudges_at("2026-12-04T08:30:00") == []


async def test_a_learner_in_two_communities_counts_each_step_in_its_places_zone(
        store: Store, tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "pacific.yaml").write_text(
        "schema_version: 1\nkind: community\nid: pacific\nplaces: [console:tonga]\n"
        "time_zone: Pacific/Tongatapu\nstreaks: {period: day}\n", encoding="utf-8")
    game = Game(store, game_catalog(tmp_path, COMMUNITY), at("2026-12-01T11:01:00"))
    await game.alice.say("/join daily")

    async def step(moment: str, community: str | None) -> str:
        game.clock.current = at(moment)
        game._step += 1
        channel = f"c{game._step}"
        event = Event(f"x{game._step}", game.alice.user,
                      ConversationRef("console", channel, channel, False, community=community),
                      PostMessage(f"step {game._step}"), "Alice")
        return render(await game.engine.handle(event))

    assert "in a row" not in await step("2026-12-01T11:01:00", "tonga")  # the 2nd in Tonga
    assert "in a row" not in await step("2026-12-02T09:00:00", None)  # the 2nd in London
    assert "🔥 2 days in a row" in await step("2026-12-03T09:00:00", None)
    # In private, the home community (the last public place: London) counts.
    game.clock.current = at("2026-12-04T23:30:00")  # 23:30 in London, the 5th in Tonga
    assert "🔥 Streak: 2 days" in await game.alice.say("/progress")
