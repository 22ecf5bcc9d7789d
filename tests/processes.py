"""A real questbot process for the crash and backup tests: `questbot run` (the terminal chat,
driven through its standard input) or `questbot serve`, its own data folder, a free port,
and SIGKILL when the test wants a crash."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import aiohttp

from tests.paths import QUESTS, ROOT

PROMPT = re.compile(r"[\w.-]+@#[\w-]+> ")
BADGE_URL = re.compile(r"http://127\.0\.0\.1:\d+/badges/([\w-]+)")


def environment(data: Path, port: int, **extra: str) -> dict[str, str]:
    (data.parent / "none.toml").touch()
    return {**os.environ, "QUESTBOT_DATA_DIR": str(data), "QUESTBOT_QUESTS_DIR": str(QUESTS),
            "QUESTBOT_PORT": str(port), "QUESTBOT_TUTORS": "console:tina",
            "QUESTBOT_CONFIG": str(data.parent / "none.toml"), "QUESTBOT_RELOAD_INTERVAL": "0",
            "QUESTBOT_LOG_LEVEL": "WARNING", **extra}


class Bot:
    """One questbot process. Everything it prints is kept in ``output``."""

    def __init__(self, process: asyncio.subprocess.Process, port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.output = ""
        self._reader = asyncio.create_task(self._read())

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    async def start(cls, data: Path, port: int, *args: str, interactive: bool = True,
                    env: Mapping[str, str] | None = None) -> Bot:
        log = data.parent / f"questbot-{port}-{time.monotonic_ns()}.log"
        data.parent.mkdir(parents=True, exist_ok=True)
        command = ("run", "--as", "tina", *args) if interactive else ("serve", *args)
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "questbot", *command, cwd=ROOT,
                env=environment(data, port, **(env or {})),
                stdin=asyncio.subprocess.PIPE if interactive else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE, stderr=stderr)
        bot = cls(process, port, log)
        await bot.wait_for(lambda out: "badge server on" in out and
                           (not interactive or PROMPT.search(out) is not None))
        return bot

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while chunk := await self.process.stdout.read(65536):
            self.output += chunk.decode(errors="replace")

    async def wait_for(self, ready: object, within: float = 30.0) -> None:
        assert callable(ready)
        deadline = time.monotonic() + within
        while not ready(self.output):
            if self.process.returncode is not None or time.monotonic() > deadline:
                raise AssertionError(f"questbot did not get there; it printed:\n"
                                     f"{self.output[-3000:]}\nand logged:\n"
                                     f"{self.log.read_text(errors='replace')[-3000:]}")
            await asyncio.sleep(0.02)

    async def type(self, lines: Iterable[str]) -> None:
        """Write lines to the terminal chat without waiting for the answers."""
        assert self.process.stdin is not None
        self.process.stdin.write("".join(f"{line}\n" for line in lines).encode())
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            await self.process.stdin.drain()

    async def wait_answered(self, count: int, within: float = 30.0) -> None:
        await self.wait_for(lambda _: self.answered() >= count, within)

    def answered(self) -> int:
        """How many typed lines have been answered (the prompt after each answer)."""
        return len(PROMPT.findall(self.output)) - 1

    async def ask(self, line: str, within: float = 30.0) -> str:
        """Type one line and wait for its whole answer."""
        before = self.answered()
        await self.type([line])
        await self.wait_answered(before + 1, within)
        return self.segments()[before]

    def segments(self) -> list[str]:
        """What was printed after each typed line, in order. The last may be cut short."""
        return PROMPT.split(self.output)[1:]

    async def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        await self._reader

    async def stop(self) -> None:
        if self.process.returncode is None:
            if self.process.stdin is not None:
                with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                    await self.type(["/quit"])
                    self.process.stdin.close()
            else:
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                await self.kill()
        await self._reader


async def badges_verify(base: str, award_ids: Iterable[str], within: float
                        ) -> dict[str, str]:
    """Each badge's verdict once its PNG answers 200 (waiting up to ``within`` seconds for
    the badge to be built); the status is "missing" if it never does."""
    verdicts: dict[str, str] = {}
    deadline = time.monotonic() + within
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        for award_id in award_ids:
            png = None
            while png is None:
                async with http.get(f"{base}/badges/{award_id}/badge.png") as response:
                    if response.status == 200:
                        png = await response.read()
                    elif time.monotonic() > deadline:
                        break
                    else:
                        await asyncio.sleep(0.1)
            if png is None:
                verdicts[award_id] = "missing"
                continue
            async with http.post(f"{base}/verify", data=png,
                                 headers={"Accept": "application/json",
                                          "Content-Type": "image/png"}) as response:
                verdict = await response.json()
            verdicts[award_id] = str(verdict["status"]) if verdict.get("id") == award_id \
                else f"{verdict['status']}, but names award {verdict.get('id')}"
    return verdicts


def query(database: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """A read on the database file, as any other process could do."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        return [tuple(row) for row in conn.execute(sql, params).fetchall()]
