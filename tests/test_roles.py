"""QUESTBOT_ROLES says what a process does, so a deployment can run the badge server and
Telegram's webhook in several processes, Discord in one and background work in one."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
import pytest

from questbot.app.config import load_settings
from questbot.domain.errors import ConfigError
from tests.paths import ROOT
from tests.processes import environment
from tests.server import free_port


def test_an_unknown_role_is_refused_with_the_role_meant() -> None:
    meant = r"QUESTBOT_ROLES: unknown role 'wroker' \(did you mean 'worker'\?\)"
    with pytest.raises(ConfigError, match=meant):
        load_settings(environ={"QUESTBOT_CONFIG": "", "QUESTBOT_ROLES": "web,wroker"})


def test_roles_name_the_web_server_the_worker_and_adapters() -> None:
    settings = load_settings(environ={"QUESTBOT_CONFIG": "", "QUESTBOT_ROLES": "web,telegram"})
    assert settings.does("web") and settings.does("telegram")
    assert not settings.does("worker") and not settings.does("discord")
    everything = load_settings(environ={"QUESTBOT_CONFIG": ""})
    assert all(everything.does(role) for role in ("web", "worker", "discord"))


async def test_a_worker_process_opens_no_port(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "questbot", "serve", cwd=ROOT,
        env=environment(data, port, QUESTBOT_ROLES="worker"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        assert b"no web server (QUESTBOT_ROLES=worker)" in line
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        process.kill()
        await process.wait()
