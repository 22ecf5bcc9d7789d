"""Crashes lose nothing acknowledged and leave no award without its badge.

A real questbot process (the terminal chat of `questbot run`, fed a few hundred learners
through its standard input) is killed with SIGKILL at random moments while learners play
and badges are issued. After each restart: every reply a learner saw stands for a change in
the database, no award is doubled, every award's badge is built again within a bounded time
and verifies, and SQLite's integrity check passes.

The short version runs in the suite; `QUESTBOT_LONG_TESTS=1` runs the long one (more kills
and learners, on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import pytest

from questbot.app import runtime
from questbot.badges.service import BadgeService, RetryPolicy
from tests.conftest import POSTGRES_URL
from tests.postgres_schema import own_schema
from tests.processes import BADGE_URL, Bot, badges_verify, environment
from tests.server import free_port, running_server

LONG = os.environ.get("QUESTBOT_LONG_TESTS") == "1"
STEP_TITLES = {"Say hello": "say-hello", "Python basics quiz": "quiz-1",
               "Come to a meetup": "meetup"}
REBUILD_WITHIN = 30.0  # seconds after a restart by which every badge must verify


# --- the database, read from outside ---------------------------------------------------------
class Database:
    """The tables the checks read, from SQLite or PostgreSQL, as another process sees them."""

    def __init__(self, sqlite: Path | None = None, postgres: str | None = None,
                 schema: str | None = None) -> None:
        self.sqlite, self.postgres, self.schema = sqlite, postgres, schema

    @property
    def url(self) -> str | None:
        if self.postgres is None:
            return None
        return f"{self.postgres}?options={quote(f'-c search_path={self.schema}')}"

    async def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.sqlite is not None:
            path = self.sqlite

            def read() -> list[tuple[Any, ...]]:
                if not path.exists():
                    return []
                with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                    return [tuple(r) for r in conn.execute(sql).fetchall()]

            return await asyncio.to_thread(read)
        conn = await asyncpg.connect(self.postgres,
                                     server_settings={"search_path": self.schema or ""})
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    async def integrity(self) -> str:
        if self.sqlite is None:
            return "ok"  # PostgreSQL has no such check; its WAL recovery is its own
        return str((await self.rows("PRAGMA integrity_check"))[0][0])

    async def state(self) -> State:
        accounts = {str(u): str(lid) for u, lid in await self.rows(
            "SELECT platform_user_id, learner_id FROM accounts WHERE platform = 'console'")}
        return State(
            accounts,
            {(str(lid), str(q)) for lid, q in await self.rows(
                "SELECT learner_id, quest_id FROM enrolments")},
            {(str(lid), str(q), str(s)): (int(c), done is not None)
             for lid, q, s, c, done in await self.rows(
                 "SELECT learner_id, quest_id, step_id, count, completed_at"
                 " FROM step_progress")},
            {str(a): (str(lid), str(q), str(k), str(name), revoked is not None)
             for a, lid, q, k, name, revoked in await self.rows(
                 "SELECT award_id, learner_id, quest_id, badge_key, badge_name, revoked_at"
                 " FROM awards")},
            {str(a) for (a,) in await self.rows("SELECT award_id FROM credentials")})


@dataclass
class State:
    accounts: dict[str, str]  # console user -> learner id
    enrolments: set[tuple[str, str]]
    steps: dict[tuple[str, str, str], tuple[int, bool]]  # -> (count, done)
    awards: dict[str, tuple[str, str, str, str, bool]]  # id -> learner, quest, key, name, revoked
    credentials: set[str]

    def without_badge(self) -> set[str]:
        return self.awards.keys() - self.credentials

    def doubled(self) -> list[tuple[str, str, str]]:
        live = Counter((lid, q, k) for lid, q, k, _, revoked in self.awards.values()
                       if not revoked)
        return [key for key, count in live.items() if count > 1]


# --- what the learners type and what they were told ------------------------------------------
@dataclass(frozen=True)
class Line:
    text: str
    user: str  # who types it (after /as)
    kind: str


def learner_lines(user: str, code: str) -> list[Line]:
    say = [("/as " + user, "as"), ("/join python-basics", "join"), ("hello 1", "post"),
           ("hello 2", "post"), ("hello 3", "post"), ("/quiz python-basics", "quiz"),
           ("2", "answer"), ("def", "answer"), ("1", "answer"), ("ab", "answer"),
           (f"/checkin {code}", "checkin"), ("/as tina", "as")]
    lines = [Line(text, user, kind) for text, kind in say]
    return [*lines, Line(f"/grant {user} community-helper badge helped out", user, "grant")]


def resumed_lines(user: str, code: str) -> list[Line]:
    """Someone interrupted by the crash tries again: the check-in and the tutor's grant."""
    return [Line(f"/as {user}", user, "as"), Line(f"/checkin {code}", user, "checkin"),
            Line("/as tina", user, "as"),
            Line(f"/grant {user} community-helper badge helped out", user, "grant")]


@dataclass
class Told:
    """Every reply the learners and the tutor saw, and the changes each one stands for."""

    joined: set[str] = field(default_factory=set)
    posts: Counter[str] = field(default_factory=Counter)
    steps: set[tuple[str, str]] = field(default_factory=set)
    awards: dict[str, str] = field(default_factory=dict)  # award id -> user
    granted: set[str] = field(default_factory=set)
    replies: int = 0

    @property
    def claims(self) -> int:
        """How many acknowledged changes there are to look for in the database."""
        return (len(self.joined) + sum(self.posts.values()) + len(self.steps) +
                len(self.awards) + len(self.granted))

    def read(self, line: Line, seen: str) -> None:
        if not seen.strip():
            return
        self.replies += 1
        own = seen.split("📬", 1)[0]  # outbox deliveries may follow, for anyone
        if line.kind == "join" and "You joined Python Basics" in own:
            self.joined.add(line.user)
        if line.kind == "post" and ("posted in #general" in own or "Say hello" in own):
            self.posts[line.user] += 1
        for title in re.findall(r"Step done: (.+?) \(", own):
            self.steps.add((line.user, STEP_TITLES[title]))
        if line.kind != "grant":
            for award_id in BADGE_URL.findall(own):
                self.awards[award_id] = line.user
        if line.kind == "grant" and "Awarded the Community Helper badge" in own:
            self.granted.add(line.user)
        for user, text in re.findall(r"📬 message for ([\w.-]+):\n([^📬]*)", seen):
            for award_id in BADGE_URL.findall(text):
                self.awards[award_id] = user

    def problems(self, state: State) -> list[str]:
        """Each acknowledged change that is not in the database."""
        found = []

        def learner(user: str) -> str:
            return state.accounts.get(user, f"<no account {user}>")

        for user in sorted(self.joined):
            if (learner(user), "python-basics") not in state.enrolments:
                found.append(f"{user} was told they joined, but is not enrolled")
        for user, count in sorted(self.posts.items()):
            stored = state.steps.get((learner(user), "python-basics", "say-hello"), (0, False))
            if stored[0] < count and not stored[1]:
                found.append(f"{user} saw {count} posts counted, the database has {stored}")
        for user, step in sorted(self.steps):
            if not state.steps.get((learner(user), "python-basics", step), (0, False))[1]:
                found.append(f"{user} was told {step} is done; it is not")
        for award_id, user in sorted(self.awards.items()):
            award = state.awards.get(award_id)
            if award is None or award[0] != learner(user):
                found.append(f"{user} saw badge {award_id}; the database has {award}")
        for user in sorted(self.granted):
            if not any(a[:3] == (learner(user), "community-helper", "badge")
                       for a in state.awards.values()):
                found.append(f"the tutor was told {user} got Community Helper; not stored")
        return found


# --- one crash test --------------------------------------------------------------------------
@dataclass
class Figures:
    kills: int = 0
    lines: int = 0
    replies: int = 0
    claims: int = 0
    awards: int = 0
    verified: int = 0
    missing_after_kill: int = 0  # awards found without their badge right after a kill

    def __str__(self) -> str:
        return (f"{self.kills} kills, {self.lines} lines typed, {self.replies} replies"
                f" read, {self.claims} acknowledged changes checked, {self.awards} awards"
                f" ({self.missing_after_kill} found without their badge after a kill),"
                f" {self.verified} badges verified")


async def tutor_code(bot: Bot) -> str:
    found = re.search(r"\): (\d{6})", await bot.ask("/code python-basics"))
    assert found is not None, bot.output[-2000:]
    return found.group(1)


async def crash_and_check(folder: Path, database: Database, *, kills: int,
                          learners_per_round: int, seed: int) -> Figures:
    chance = random.Random(seed)
    data = folder / "data"
    env = {"QUESTBOT_DATABASE_URL": database.url} if database.url else {}
    told = Told()
    figures = Figures()
    interrupted: list[str] = []
    next_learner = 0
    port = free_port()  # one address for good: badges name it
    for round_ in range(kills + 1):
        bot = await Bot.start(data, port, env=env)
        code = await tutor_code(bot)
        lines = [line for user in interrupted for line in resumed_lines(user, code)]
        users = [f"l{n}" for n in range(next_learner, next_learner + learners_per_round)]
        next_learner += learners_per_round
        lines += [line for user in users for line in learner_lines(user, code)]
        first = bot.answered()
        began = time.monotonic()
        await bot.type(line.text for line in lines)
        if round_ < kills:  # killed somewhere in the round: about 2.5 ms a line
            await asyncio.sleep(chance.uniform(0.05, 1.0) * len(lines) * 0.0025)
            await bot.kill()
            figures.kills += 1
            after = await database.state()
            figures.missing_after_kill += len(after.without_badge())
        else:
            await bot.wait_answered(first + len(lines), within=120)
            await bot.stop()
        seen = bot.segments()[first:]
        done = min(len(seen), len(lines))
        for line, text in zip(lines, seen, strict=False):
            told.read(line, text)
        figures.lines += done
        cut = lines[done:] if done < len(lines) else []
        interrupted = sorted({line.user for line in cut} | (
            {lines[done - 1].user} if 0 < done < len(lines) else set()))
        logging.getLogger(__name__).info("round %d: %d of %d lines in %.1f s", round_, done,
                                         len(lines), time.monotonic() - began)
    # the last start: a service, which must build whatever is missing and verify it all
    server = await Bot.start(data, port, interactive=False, env=env)
    try:
        state = await database.state()
        verdicts = await badges_verify(server.base, sorted(state.awards), REBUILD_WITHIN)
    finally:
        await server.stop()
    state = await database.state()
    figures.replies, figures.claims, figures.awards = told.replies, told.claims, \
        len(state.awards)
    figures.verified = sum(1 for v in verdicts.values() if v == "valid")
    assert told.problems(state) == []
    assert state.doubled() == []
    assert state.without_badge() == set()
    assert {a: v for a, v in verdicts.items() if v != "valid"} == {}
    assert await database.integrity() == "ok"
    assert figures.awards >= learners_per_round * 2  # the rounds got far enough to award
    return figures


@asynccontextmanager
async def postgres_database() -> AsyncIterator[Database]:
    async with own_schema("crash") as schema:
        yield Database(postgres=POSTGRES_URL, schema=schema)


@pytest.mark.timeout(90)
async def test_sigkill_while_learners_play_loses_and_doubles_nothing(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    database = Database(sqlite=tmp_path / "data" / "questbot.sqlite3")
    figures = await crash_and_check(tmp_path, database, kills=3, learners_per_round=40,
                                    seed=seed)
    print(f"sqlite, seed {seed}: {figures}")


@pytest.mark.skipif(not LONG, reason="the long crash test: QUESTBOT_LONG_TESTS=1")
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("store", ["sqlite", "postgres"])
async def test_many_kills_while_hundreds_play(tmp_path: Path, store: str) -> None:
    seed = random.randrange(1 << 30)
    if store == "sqlite":
        figures = await crash_and_check(
            tmp_path, Database(sqlite=tmp_path / "data" / "questbot.sqlite3"), kills=20,
            learners_per_round=60, seed=seed)
    else:
        async with postgres_database() as database:
            figures = await crash_and_check(tmp_path, database, kills=20,
                                            learners_per_round=60, seed=seed)
    print(f"{store}, seed {seed}: {figures}")


async def test_postgres_short_crash(tmp_path: Path) -> None:
    """One kill on PostgreSQL in the suite; the long test does twenty."""
    async with postgres_database() as database:
        figures = await crash_and_check(tmp_path, database, kills=1, learners_per_round=30,
                                        seed=random.randrange(1 << 30))
    print(f"postgres: {figures}")


# --- a build that fails is tried again while the bot runs -----------------------------------
async def test_a_failed_badge_is_built_again_while_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(runtime, "BADGE_RETRY",
                        RetryPolicy(interval=0.05, first_backoff=0.05, longest=0.2))
    real_build = BadgeService.build
    failures = {"left": 6}

    def flaky_build(self: BadgeService, *args: Any) -> Any:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OSError("disk full")
        return real_build(self, *args)

    monkeypatch.setattr(BadgeService, "build", flaky_build)
    caplog.set_level(logging.INFO)
    (tmp_path / "none.toml").touch()
    async with running_server(tmp_path) as server:
        await asyncio.sleep(0.1)  # the first look finds nothing
        await server.say("alice", "/start")
        reply = await server.say("tina", "/grant alice community-helper badge helped")
        assert "Awarded the Community Helper badge" in reply
        [award_id] = [a.award_id for a in await server.services.store
                      .awards_without_credentials()]
        deadline = time.monotonic() + 10
        while await server.services.store.credential(award_id) is None:
            assert time.monotonic() < deadline, "the badge was never built"
            await asyncio.sleep(0.05)
        verdicts = await badges_verify(server.base, [award_id], 5)

        def logged() -> list[tuple[str, str]]:
            return [(r.levelname, r.getMessage()) for r in caplog.records
                    if r.name == "questbot.badges.service" and award_id in r.getMessage()]

        while len(logged()) < 2:  # the pass that built it may still be logging
            assert time.monotonic() < deadline, logged()
            await asyncio.sleep(0.05)
    assert verdicts == {award_id: "valid"}
    assert failures["left"] == 0
    assert [level for level, _ in logged()] == ["ERROR", "WARNING"]  # once, then healed
    assert "built now" in logged()[1][1]


async def test_missing_badges_are_built_until_none_is_left(tmp_path: Path) -> None:
    """More awards without a badge than one batch, and one that cannot be built: every other
    one is built in one call, and the one is reported, not retried for ever."""
    (tmp_path / "none.toml").touch()
    async with running_server(tmp_path) as server:
        store, badges = server.services.store, server.services.badges
        for n in range(7):
            await server.say(f"m{n}", "/start")  # a learner the tutor can grant to
        real_issue = badges.issue
        stop_issuing: Callable[..., Any] = _refuse_all
        badges.issue = stop_issuing  # type: ignore[method-assign]
        for n in range(7):
            await server.say("tina", f"/grant m{n} community-helper badge helped")
        badges.issue = real_issue  # type: ignore[method-assign]
        waiting = await store.awards_without_credentials()
        assert len(waiting) == 7
        broken = waiting[0].award_id

        async def issue_but_one(award: Any) -> Any:
            if award.award_id == broken:
                raise LookupError("this one cannot be built")
            return await real_issue(award)

        badges.issue = issue_but_one  # type: ignore[method-assign]
        report = await badges.issue_missing(batch=2)
        assert report.issued == 6
        assert list(report.failed) == [broken]
        assert [a.award_id for a in await store.awards_without_credentials()] == [broken]


async def _refuse_all(award: Any) -> Any:
    raise RuntimeError("not now")


# --- the first kill ----------------------------------------------------------------------
@pytest.mark.timeout(120)
async def test_badges_killed_half_built_verify_after_a_restart(tmp_path: Path) -> None:
    """SIGKILL while a tutor awards badge after badge and `questbot award --csv` awards more
    from a second process; the restarted `questbot serve` builds what is missing, and every
    award's badge answers and verifies."""
    data = tmp_path / "data"
    database = Database(sqlite=data / "questbot.sqlite3")
    tries = 0
    caught = 0
    port = free_port()
    while caught == 0 and tries < 12:  # until a kill leaves an award without its badge
        tries += 1
        bot = await Bot.start(data, port)
        users = [f"t{tries}-{n}" for n in range(150)]
        sheet = tmp_path / f"class-{tries}.csv"
        sheet.write_text("learner,reason\n" + "".join(f"{u}@example.org,ran a workshop\n"
                                                     for u in users))
        await bot.type([line for u in users for line in (f"/as {u}", "/start")] +
                       ["/as tina"] +
                       [f"/grant {u} community-helper badge helped out" for u in users])
        csv = await asyncio.create_subprocess_exec(
            *_questbot(), "award", "git-workshop", "--csv", str(sheet),
            env=_env(data, port), stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL)
        await bot.wait_for(lambda out: out.count("Awarded the Community Helper") >= 20)
        await asyncio.sleep(random.uniform(0, 0.3))
        await bot.kill()
        with contextlib.suppress(ProcessLookupError):  # killed too, while it builds badges
            csv.kill()
        await csv.wait()
        caught += len((await database.state()).without_badge())
    state = await database.state()
    assert caught, f"no kill in {tries} left an award without its badge"
    server = await Bot.start(data, port, interactive=False)
    try:
        verdicts = await badges_verify(server.base, sorted(state.awards), REBUILD_WITHIN)
    finally:
        await server.stop()
    assert len(verdicts) == len(state.awards) >= 20  # every award there is, each checked
    assert {a: v for a, v in verdicts.items() if v != "valid"} == {}
    assert (await database.state()).without_badge() == set()
    print(f"{tries} kill(s), {caught} award(s) left without a badge, {len(verdicts)} verified")


def _questbot() -> list[str]:
    return [sys.executable, "-m", "questbot"]


def _env(data: Path, port: int) -> dict[str, str]:
    return environment(data, port)  # the same base URL as the server's
