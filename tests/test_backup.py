"""`questbot backup` while learners play, `questbot restore` into a new folder, and a server
on the restored data that verifies every badge and knows everyone's progress."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import asyncpg
import pytest

import tests.server
from questbot.app.cli import main
from questbot.domain import UserRef
from tests.conftest import POSTGRES_URL
from tests.helpers import Player
from tests.paths import ROOT
from tests.processes import badges_verify, query
from tests.requirements import need, need_postgres
from tests.server import Server, free_port, running_server

QUESTS = ROOT / "tests" / "data" / "quests"  # chatter (1,000 messages), kudos (repeatable)
LEARNERS = 20


def use(monkeypatch: pytest.MonkeyPatch, folder: Path, **env: str) -> Path:
    """The command line's settings: this folder's data, the test quests."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "none.toml").touch()
    monkeypatch.setenv("QUESTBOT_CONFIG", str(folder / "none.toml"))
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(folder / "data"))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(QUESTS))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return folder / "data"


def one_address(monkeypatch: pytest.MonkeyPatch) -> int:
    """Every server of the test listens on one port: badges name their server's address, so
    the restored server must answer where the first one did."""
    port = free_port()
    monkeypatch.setattr(tests.server, "free_port", lambda: port)
    return port


class Class:
    """Learners posting in #general and a tutor awarding kudos, until told to stop; counts
    what each was told (a reply comes only after its change is durable)."""

    def __init__(self, server: Server) -> None:
        engine = server.services.engine
        assert engine is not None
        self.learners = [Player(engine, UserRef("console", f"p{n}"), f"P{n}")
                         for n in range(LEARNERS)]
        self.tutor = Player(engine, UserRef("console", "tina"), "Tina")
        self.posts: Counter[str] = Counter()
        self.kudos: Counter[str] = Counter()
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        for learner in self.learners:
            assert "You joined Chatter" in await learner.say("/join chatter")
        self.tasks = [asyncio.create_task(self._chat(p)) for p in self.learners]
        self.tasks.append(asyncio.create_task(self._award()))

    async def _chat(self, learner: Player) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            await learner.post(f"message {n}")
            self.posts[learner.user.user_id] += 1
            await asyncio.sleep(0)

    async def _award(self) -> None:
        n = 0
        while not self.stop.is_set():
            learner = self.learners[n % LEARNERS].user.user_id
            n += 1
            reply = await self.tutor.say(f"/grant {learner} kudos badge helped out {n}")
            assert "Awarded the Kudos badge" in reply, reply
            self.kudos[learner] += 1

    async def finish(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks)

    def told(self) -> tuple[Counter[str], Counter[str]]:
        return Counter(self.posts), Counter(self.kudos)


def progress(database: Path) -> tuple[Counter[str], Counter[str]]:
    """Messages counted and kudos held, by learner, in a database file."""
    posts = Counter({str(user): int(count) for user, count in query(
        database, "SELECT a.platform_user_id, s.count FROM step_progress s JOIN accounts a"
        " ON a.learner_id = s.learner_id WHERE s.quest_id = 'chatter'")})
    kudos = Counter({str(user): int(count) for user, count in query(
        database, "SELECT a.platform_user_id, count(*) FROM awards w JOIN accounts a"
        " ON a.learner_id = w.learner_id WHERE w.quest_id = 'kudos' GROUP BY 1")})
    return posts, kudos


def between(low: Counter[str], value: Counter[str], high: Counter[str]) -> list[str]:
    return [f"{user}: {low[user]} <= {value[user]} <= {high[user]} fails"
            for user in set(low) | set(value) | set(high)
            if not low[user] <= value[user] <= high[user]]


@pytest.mark.timeout(120)
async def test_a_backup_taken_while_learners_play_restores_every_badge(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    live, port = tmp_path / "live", one_address(monkeypatch)
    use(monkeypatch, live)
    backups = [tmp_path / "backups" / f"b{n}" for n in range(3)]
    windows = []
    figures: list[str] = []
    async with running_server(live, quests_dir=QUESTS, port=port) as server:
        learners = Class(server)
        await learners.start()
        for backup in backups:
            await asyncio.sleep(0.4)
            before = learners.told()
            assert await asyncio.to_thread(main, ["backup", str(backup)]) == 0
            # an event committed before the backup ended is counted once its coroutine runs
            # again, which a busy loop may delay: the upper bound is read a moment later
            await asyncio.sleep(0.2)
            windows.append((before, learners.told()))
        await learners.finish()
        final = progress(server.settings.data_dir / "questbot.sqlite3")
    out = capsys.readouterr().out
    assert out.count("backed up questbot.sqlite3") == 3
    # events flowed while the backups ran (how many depends on the machine's speed)
    assert sum(learners.posts.values()) > 0 and sum(learners.kudos.values()) > 0

    for n, (backup, (before, after)) in enumerate(zip(backups, windows, strict=True)):
        manifest = json.loads((backup / "manifest.json").read_text())
        assert manifest["database"]["integrity"] == "ok"
        # the issuer's key descriptors and seeds, and the dashboard's cookie key
        assert {Path(k["file"]).suffix for k in manifest["keys"]} == {".json", ".seed", ".key"}
        assert (backup / "keys").stat().st_mode & 0o777 == 0o700
        assert all((backup / k["file"]).stat().st_mode & 0o777 == 0o600
                   for k in manifest["keys"] if k["file"].endswith((".seed", ".key")))
        # A snapshot of one moment during the backup: everything acknowledged before it
        # began is in it, nothing that was not yet done when it ended.
        posts, kudos = progress(backup / "questbot.sqlite3")
        assert between(before[0], posts, after[0]) == []
        assert between(before[1], kudos, after[1]) == []

        restored = use(monkeypatch, tmp_path / f"restored{n}")
        assert await asyncio.to_thread(main, ["restore", str(backup)]) == 0
        assert "restored the backup" in capsys.readouterr().out
        async with running_server(restored.parent, quests_dir=QUESTS, port=port) as again:
            awards = [str(a) for (a,) in query(restored / "questbot.sqlite3",
                                               "SELECT award_id FROM awards")]
            assert len(awards) >= sum(kudos.values()) > 0
            verdicts = await badges_verify(again.base, awards, within=30)
            assert set(verdicts.values()) == {"valid"}, verdicts
            during = sum(after[0].values()) - sum(before[0].values())
            figures.append(f"backup {n}: {sum(posts.values())} messages, {len(awards)} badges"
                           f" verified ({during} messages acknowledged while it was taken)")
            engine = again.services.engine
            assert engine is not None
            for user in ("p0", f"p{LEARNERS - 1}"):
                shown = await Player(engine, UserRef("console", user)).say("/progress chatter")
                assert f"{posts[user]}/1000 messages" in shown, shown
                badges = await Player(engine, UserRef("console", user)).say("/badges")
                assert badges.count("Kudos") == kudos[user], badges
    assert all(final[0][user] >= count for user, count in after[0].items())
    print("; ".join(figures))


def test_backup_and_restore_refuse_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = use(monkeypatch, tmp_path / "live")
    assert main(["backup", str(tmp_path / "b")]) == 2
    assert "there is no database" in capsys.readouterr().err
    assert main(["keys"]) == 0  # creates the keys
    assert main(["award", "kudos", "--to", "ann@example.org", "--reason", "helped"]) == 0
    target = tmp_path / "b"
    target.mkdir()
    assert main(["backup", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert list(target.iterdir()) == []
    target.rmdir()
    assert main(["backup", str(target)]) == 0
    assert main(["backup", str(target)]) == 2

    assert main(["restore", str(target)]) == 2  # into the live, non-empty folder
    assert f"the data folder {data} is not empty" in capsys.readouterr().err
    use(monkeypatch, tmp_path / "new")
    assert main(["restore", str(tmp_path / "nothing")]) == 2
    assert "not a questbot backup" in capsys.readouterr().err
    damaged = tmp_path / "damaged"
    shutil.copytree(target, damaged)
    seed = next((damaged / "keys").glob("*.seed"))
    seed.write_text("0" * 64)
    assert main(["restore", str(damaged)]) == 2
    assert "has changed since the backup was made" in capsys.readouterr().err
    (damaged / "manifest.json").unlink()  # as a backup cut short would be
    assert main(["restore", str(damaged)]) == 2
    assert "unfinished" in capsys.readouterr().err
    assert not (tmp_path / "new" / "data").exists()
    assert main(["restore", str(target)]) == 0
    assert query(tmp_path / "new" / "data" / "questbot.sqlite3",
                 "SELECT count(*) FROM credentials") == [(1,)]
    assert main(["restore", str(target)]) == 2  # now it is not empty


def test_on_postgresql_backup_says_to_use_pg_dump(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    use(monkeypatch, tmp_path, QUESTBOT_DATABASE_URL="postgresql://u:s3cret@127.0.0.1/db")
    assert main(["backup", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert "PostgreSQL" in err and "pg_dump" in err and "keys" in err
    assert "s3cret" not in err
    assert main(["restore", str(tmp_path / "b")]) == 2
    assert "pg_restore" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


@pytest.mark.timeout(120)
async def test_the_readme_recipe_for_postgresql(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """pg_dump while the server runs, pg_restore into a new database, the keys copied: a
    server on the restored database verifies every badge."""
    need_postgres()
    need(shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None,
         "PostgreSQL's pg_dump and pg_restore are needed (apt install postgresql-client)")
    schema, database = f"bk_{uuid.uuid4().hex[:10]}", f"restored_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f"CREATE SCHEMA {schema}")
    restored_url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{database}"
    options = f"?options={quote(f'-c search_path={schema}')}"
    port = one_address(monkeypatch)
    try:
        (tmp_path / "none.toml").touch()
        async with running_server(tmp_path, quests_dir=QUESTS, port=port,
                                  database_url=POSTGRES_URL + options) as server:
            learners = Class(server)
            await learners.start()
            await asyncio.sleep(0.5)
            dump = tmp_path / "questbot.dump"
            done = await asyncio.to_thread(subprocess.run, [
                "pg_dump", "--format=custom", f"--schema={schema}", f"--file={dump}",
                POSTGRES_URL], capture_output=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
            assert done.returncode == 0, done.stderr
            await learners.finish()
            shutil.copytree(server.settings.data_dir / "keys", tmp_path / "copy" / "keys")
        await admin.execute(f"CREATE DATABASE {database}")
        done = await asyncio.to_thread(subprocess.run, [
            "pg_restore", "--no-owner", f"--dbname={restored_url}", str(dump)],
            capture_output=True)
        assert done.returncode == 0, done.stderr
        restored = tmp_path / "restored"
        shutil.copytree(tmp_path / "copy", restored / "data")
        (restored / "none.toml").touch()
        async with running_server(restored, quests_dir=QUESTS, port=port,
                                  database_url=restored_url + options) as again:
            conn = await asyncpg.connect(restored_url, server_settings={"search_path": schema})
            try:
                awards = [r[0] for r in await conn.fetch("SELECT award_id FROM awards")]
            finally:
                await conn.close()
            assert awards
            verdicts = await badges_verify(again.base, awards, within=30)
            assert set(verdicts.values()) == {"valid"}, verdicts
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.execute(f"DROP DATABASE IF EXISTS {database}")
        await admin.close()
