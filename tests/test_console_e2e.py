"""The terminal chat in a real subprocess, as someone would use it after `make run`."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import aiohttp

from questbot.badges.bake import unbake
from tests.conftest import QUESTS, ROOT
from tests.server import free_port

PROMPT = re.compile(r"[\w.-]+@#[\w-]+> $")


class Terminal:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.transcript = ""

    async def read_to_prompt(self) -> str:
        assert self.process.stdout is not None
        output = ""
        while not PROMPT.search(output):
            chunk = await asyncio.wait_for(self.process.stdout.read(4096), timeout=20)
            if not chunk:
                break
            output += chunk.decode()
        self.transcript += output
        return output

    async def type(self, line: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()
        return await self.read_to_prompt()


async def start(tmp_path: Path, port: int, *args: str) -> Terminal:
    env = {**os.environ, "QUESTBOT_DATA_DIR": str(tmp_path / "data"),
           "QUESTBOT_QUESTS_DIR": str(QUESTS), "QUESTBOT_PORT": str(port),
           "QUESTBOT_TUTORS": "console:tina", "QUESTBOT_CONFIG": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "questbot", "run", *args, cwd=ROOT, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    terminal = Terminal(process)
    await terminal.read_to_prompt()
    return terminal


async def finish(terminal: Terminal) -> int:
    assert terminal.process.stdin is not None
    terminal.process.stdin.write(b"/quit\n")
    await terminal.process.stdin.drain()
    return await asyncio.wait_for(terminal.process.wait(), timeout=20)


async def test_a_learner_plays_a_sample_quest_to_its_badge(tmp_path: Path) -> None:
    port = free_port()
    term = await start(tmp_path, port, "--as", "alice")
    assert f"badge server on http://127.0.0.1:{port}" in term.transcript
    assert "Python Basics (python-basics)" in await term.type("/quests")
    assert "You joined Python Basics" in await term.type("/join python-basics")
    assert "posted in #general" in await term.type("hello everyone")
    await term.type("hi")
    assert "First Steps" in await term.type("how are you all?")
    question = await term.type("/quiz")
    assert "1) 1" in question and "2) 2" in question
    for answer in ("2", "def", "1", "ab"):
        reply = await term.type(answer)
    assert "You scored 4/4" in reply
    assert "You are now tina" in await term.type("/as tina")
    code = re.search(r"\): (\d{6})", await term.type("/code python-basics"))
    assert code is not None
    await term.type("/as alice")
    final = await term.type(f"/checkin {code.group(1)}")
    assert "You earned the Python Basics badge" in final
    png = re.search(r"Badge image: (\S+\.png)", final)
    assert png is not None
    assert "openbadgecredential" in unbake(Path(png.group(1)).read_bytes())
    url = re.search(r"http://127\.0\.0\.1:\d+/badges/[\w-]+", final)
    assert url is not None
    async with aiohttp.ClientSession() as http, \
            http.get(url.group(0), headers={"Accept": "application/json"}) as response:
        assert response.status == 200
        assert (await response.json())["badge"] == "Python Basics"
    assert await finish(term) == 0

    again = await start(tmp_path, port, "--as", "alice")  # progress survives a restart
    listing = await again.type("/badges")
    assert "Python Basics" in listing and url.group(0) in listing
    assert await finish(again) == 0


async def test_a_tutors_grant_is_delivered_in_the_terminal(tmp_path: Path) -> None:
    term = await start(tmp_path, free_port(), "--as", "tina")
    assert "Only admins" in await term.type("/tutor alice")
    await term.type("/as alice")
    await term.type("/start")  # tutors grant to learners the bot knows
    await term.type("/as tina")
    reply = await term.type("/grant alice community-helper badge ran the help desk")
    assert "Awarded the Community Helper badge" in reply
    assert "message for alice" in reply and "ran the help desk" in reply
    path = re.search(r"Badge image: (\S+\.png)", reply)
    assert path is not None and Path(path.group(1)).read_bytes().startswith(b"\x89PNG")
    await term.type("/as alice")
    assert "Only tutors" in await term.type("/grant bob python-basics badge pals")
    assert await finish(term) == 0


async def test_a_wrong_setting_stops_before_anything_starts(tmp_path: Path) -> None:
    env = {**os.environ, "QUESTBOT_PORT": "eighty", "QUESTBOT_DATA_DIR": str(tmp_path / "d"),
           "QUESTBOT_CONFIG": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "questbot", "run", cwd=ROOT, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    assert b"QUESTBOT_PORT: expected a valid integer" in err
    assert not (tmp_path / "d").exists()  # nothing was created


async def test_a_file_named_in_a_command_is_handed_in_with_it(tmp_path: Path) -> None:
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.truncate(6 * 1024 * 1024)  # sparse: its size says it all
    term = await start(tmp_path, free_port(), "--as", "alice")
    await term.type("/submit portfolio repository https://github.com/alice/weather-app")
    assert "Cannot read" in await term.type(f"/submit portfolio write-up file:{tmp_path}/none")
    assert "too large" in await term.type(f"/submit portfolio write-up file:{huge}")
    reply = await term.type(f"/submit portfolio write-up file:{notes}")
    assert "waiting for a tutor's review" in reply
    await term.type("/as tina")
    assert "notes.pdf" in await term.type("/review portfolio")
    assert await finish(term) == 0


async def test_the_terminal_picks_a_language_by_number(tmp_path: Path) -> None:
    term = await start(tmp_path, free_port(), "--as", "alice")
    reply = await term.type("/language")
    assert "1) English" in reply and "3) Gàidhlig" in reply
    assert "je vous écris en français" in await term.type("2")
    assert "Commandes" in await term.type("/help")
    assert await finish(term) == 0
