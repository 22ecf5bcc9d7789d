"""Rows as both stores return them, read into domain values. Nested rows (a learner's accounts,
steps, awards) arrive as JSON text, built by the same statement in either dialect."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from questbot.domain.ids import UserRef
from questbot.domain.progress import (
    AwardRecord,
    DayCount,
    Enrolment,
    LearnerState,
    PendingSubmission,
    Play,
    RecentMessage,
    Role,
    StepState,
)
from questbot.domain.streaks import Streak
from questbot.storage.serial import (
    dump_json,
    load_json,
    load_quiz,
    load_times,
    need_ts,
    parse_ts,
    ts,
)

AWARD_FIELDS = ("award_id", "learner_id", "quest_id", "quest_version", "badge_key",
                "badge_name", "awarded_at", "evidence", "awarded_by", "revoked_at",
                "revocation_reason")
AWARD_COLUMNS = ", ".join(AWARD_FIELDS)
AWARD_COLUMNS_OF_A = ", ".join(f"a.{name}" for name in AWARD_FIELDS)


def learner_from_row(row: Sequence[Any] | None) -> LearnerState | None:
    if row is None:
        return None
    (learner_id, name, role, quiz, failed, email, show_name, accounts, enrolments, steps,
     milestones, awards, failed_links, language, on_leaderboard, home, today, totals,
     *play) = row
    learner = LearnerState(learner_id, name, Role(role), quiz=load_quiz(quiz),
                           failed_checkins=load_times(failed), email=email,
                           show_name=bool(show_name), failed_links=load_times(failed_links),
                           language=language, on_leaderboard=bool(on_leaderboard),
                           home_community=home,
                           participation_today=load_days(today), play=play_from_columns(play))
    learner.xp_by_community = {community: int(xp) for community, xp in load_json(totals)}
    learner.accounts = [UserRef(p, u) for p, u in load_json(accounts)]
    for quest_id, version, joined in load_json(enrolments):
        learner.enrolments[quest_id] = Enrolment(quest_id, version, need_ts(joined))
    for quest_id, step_id, count, completed, evidence, last in load_json(steps):
        learner.steps[(quest_id, step_id)] = StepState(
            quest_id, step_id, count, parse_ts(completed), evidence, parse_ts(last))
    for quest_id, milestone_id, xp in load_json(milestones):
        learner.milestones[(quest_id, milestone_id)] = xp
    learner.awards = [award_from_row(r) for r in load_json(awards)]
    return learner


def award_from_row(row: Sequence[Any]) -> AwardRecord:
    """An award from its columns; evidence arrives as JSON text or, nested, already parsed."""
    (award_id, learner_id, quest_id, version, key, name, at, evidence, by, revoked_at,
     reason) = row
    if isinstance(evidence, str):
        evidence = load_json(evidence)
    return AwardRecord(award_id, learner_id, quest_id, version, key, name, need_ts(at),
                       evidence, by, parse_ts(revoked_at), reason)


def pending_from_row(row: Sequence[Any]) -> PendingSubmission:
    learner_id, name, quest_id, step_id, count, completed, evidence, last = row
    return PendingSubmission(str(learner_id), name, StepState(
        quest_id, step_id, int(count), parse_ts(completed),
        load_json(evidence) if isinstance(evidence, str) else dict(evidence),
        parse_ts(last)))


def load_days(text: str | None) -> dict[str, DayCount]:
    """``{community: [day, xp, told]}`` as the learners row keeps today's participation XP."""
    days = load_json(text) if text else {}
    return {community: DayCount(str(day), int(xp), bool(told))
            for community, (day, xp, told) in days.items()}


def dump_days(days: Sequence[tuple[str, DayCount]]) -> str:
    return dump_json({community: [d.day, d.xp, int(d.told)] for community, d in days})


def play_from_columns(columns: Sequence[Any]) -> Play:
    current, best, last, warn_at, home, reminders_off, memory = columns
    play = Play(Streak(int(current), int(best), last), parse_ts(warn_at), home,
                bool(reminders_off))
    if memory:
        data = load_json(memory)
        play.recent = [RecentMessage(f, tuple(s)) for f, s in data.get("recent", [])]
        play.ignored_day = data.get("day")
        play.ignored = dict(data.get("ignored", {}))
    return play


def play_columns(play: Play) -> tuple[object, ...]:
    """The learner columns ``play`` is kept in, as ``play_from_columns`` reads them."""
    memory = None
    if play.recent or play.ignored:
        memory = dump_json({"recent": [[m.fingerprint, list(m.sketch)] for m in play.recent],
                            "day": play.ignored_day, "ignored": play.ignored})
    streak = play.streak
    return (streak.current, streak.best, streak.last, ts(play.streak_warn_at),
            play.home_community, int(play.reminders_off), memory)
