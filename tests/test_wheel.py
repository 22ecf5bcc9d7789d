"""questbot works outside the repository: its wheel, built offline from the source tree and
installed into a fresh virtual environment, serves, awards and verifies a badge from an
empty folder, finding its contexts, fonts, templates and message catalogues (French and
Gaelic, compiled on first use) as package data.

Only questbot itself comes from the wheel. Its dependencies are not downloaded (no network
here): the fresh environment sees the test environment's installed packages through a .pth
file that names a folder of links to them, leaving out every questbot distribution, editable
or not, so nothing of questbot can come from anywhere but the wheel."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import aiohttp
import pytest

from tests.paths import ROOT
from tests.requirements import need
from tests.server import free_port

SOURCES = ("pyproject.toml", "README.md", "LICENSE", "questbot", "adapters")
QUEST = """\
schema_version: 1
id: wheel-check
title: Wheel check
badge:
  name: Installed Anywhere
  description: questbot ran from its wheel.
  criteria: The badge server, award and verify worked outside the repository.
steps:
  - {id: done, kind: participation, action: grant}
"""
FROM_WHEEL = """\
import questbot, questbot.web
from questbot.badges.assets import asset
from questbot.badges.contexts import VC_V2, context_document
from importlib.resources import files
context_document(VC_V2)
print(questbot.__file__)
print(asset("fonts", "DejaVuSans.ttf"))
print(files(questbot.web).joinpath("templates", "badge.html"))
from questbot.i18n import translate
import questbot_console.strings
assert translate("quiz.cooldown", "fr", seconds=2) == "Vous pourrez réessayer dans 2 secondes."
assert translate("quiz.cooldown", "gd", seconds=3).endswith("3 diogan.")
assert questbot_console.strings.say("now", "gd", user="Ada") == "’S tusa Ada a-nis."
print(files(questbot).joinpath("locale", "gd", "LC_MESSAGES", "questbot.po"))
print(questbot_console.strings.__file__)
"""


def _setuptools_new_enough() -> bool:
    try:
        major = int(version("setuptools").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return False
    return major >= 77


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, timeout=120,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build_wheel(tmp: Path) -> Path:
    """The wheel of a copy of the sources (a build writes build/ and egg-info beside them)."""
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(ROOT / name, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--wheel-dir", tmp / "dist", source, cwd=tmp)
    [wheel] = (tmp / "dist").glob("questbot-*.whl")
    return wheel


def _dependencies_without_questbot(tmp: Path) -> Path:
    """A folder of links to this environment's installed packages, questbot's left out."""
    folder = tmp / "dependencies"
    folder.mkdir()
    for site in {Path(sysconfig.get_path("purelib")), Path(sysconfig.get_path("platlib"))}:
        for entry in site.iterdir():
            name = entry.name.lower()
            if (name.startswith(("questbot", "__editable__")) or name.endswith(".pth")
                    or (folder / entry.name).exists()):
                continue
            (folder / entry.name).symlink_to(entry)
    return folder


def _fresh_environment(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                     cwd=tmp).strip())
    (site / "questbot-test-dependencies.pth").write_text(
        f"{_dependencies_without_questbot(tmp)}\n")
    without_paths = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index",
         "--no-deps", wheel, cwd=tmp, env=without_paths)
    return venv


def _outside_environment(tmp: Path, port: int) -> dict[str, str]:
    """The caller's environment without any path into the repository, and settings that name
    only the temporary folder."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("QUESTBOT_", "PYTHON", "VIRTUAL_ENV"))}
    return {**keep, "QUESTBOT_CONFIG": "", "QUESTBOT_DATA_DIR": str(tmp / "data"),
            "QUESTBOT_QUESTS_DIR": str(tmp / "quests"), "QUESTBOT_HOST": "127.0.0.1",
            "QUESTBOT_PORT": str(port), "QUESTBOT_BASE_URL": f"http://127.0.0.1:{port}",
            "QUESTBOT_RELOAD_INTERVAL": "0", "QUESTBOT_LOG_LEVEL": "WARNING"}


async def _wait_for_server(process: asyncio.subprocess.Process, within: float) -> str:
    assert process.stdout is not None
    printed = b""
    deadline = time.monotonic() + within
    while b"badge server on" not in printed:
        remaining = deadline - time.monotonic()
        assert remaining > 0 and process.returncode is None, printed.decode(errors="replace")
        with contextlib.suppress(TimeoutError):
            chunk = await asyncio.wait_for(process.stdout.read(4096), remaining)
            assert chunk, f"questbot serve ended:\n{printed.decode(errors='replace')}"
            printed += chunk
    return printed.decode(errors="replace")


@pytest.mark.timeout(240)
async def test_the_wheel_serves_awards_and_verifies_outside_the_repository(
        tmp_path: Path) -> None:
    need(_setuptools_new_enough(), "setuptools>=77 (the dev extra) is needed to build the"
         " wheel offline: run `make test`, which installs it")
    started = time.monotonic()
    wheel = _build_wheel(tmp_path)
    venv = _fresh_environment(tmp_path, wheel)
    (tmp_path / "quests").mkdir()
    (tmp_path / "quests" / "wheel-check.yaml").write_text(QUEST)
    empty = tmp_path / "empty"
    empty.mkdir()
    port = free_port()
    env = _outside_environment(tmp_path, port)
    questbot = venv / "bin" / "questbot"

    found = await asyncio.to_thread(_run, venv / "bin" / "python", "-c", FROM_WHEEL,
                                    cwd=empty, env=env)
    for line in found.splitlines():  # the package and its data, all from the wheel
        assert Path(line).is_relative_to(venv), found

    server = await asyncio.create_subprocess_exec(
        questbot, "serve", cwd=empty, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await _wait_for_server(server, within=60)
        awarded = await asyncio.to_thread(
            _run, questbot, "award", "wheel-check", "--to", "ada@example.org",
            "--reason", "installed from the wheel", cwd=empty, env=env)
        [(url, png)] = re.findall(r"(http://127\.0\.0\.1:\d+/badges/\S+) (\S+\.png)", awarded)
        assert Path(png).read_bytes().startswith(b"\x89PNG")
        for target in (url, png):
            verdict = await asyncio.to_thread(_run, questbot, "verify", target,
                                              cwd=empty, env=env)
            assert verdict.startswith("VALID"), verdict
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            for page, kind in ((url, "text/html"), (f"{url}/badge.png", "image/png"),
                               (f"http://127.0.0.1:{port}/static/site.css", "text/css"),
                               (f"http://127.0.0.1:{port}/healthz", "")):
                async with http.get(page, headers={"Accept": kind or "*/*"}) as response:
                    assert response.status == 200, (page, await response.text())
                    assert response.content_type.startswith(kind), page
    finally:
        if server.returncode is None:
            server.send_signal(signal.SIGTERM)
        await asyncio.wait_for(server.wait(), 30)
    assert list(empty.iterdir()) == []  # nothing was written where it ran
    print(f"built, installed, served, awarded and verified in {time.monotonic() - started:.1f}s")
