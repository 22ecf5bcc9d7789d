"""Tokens never reach a log line, at any level: full Telegram and Discord scenarios run at
DEBUG against the fakes, with the logging the CLI sets up, and every line (tracebacks
included) is searched for the tokens. A platform that cannot be reached at start-up is one
line on stderr and exit status 2."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import quote

import discord
import pytest
import yarl
from questbot_discord.adapter import DiscordAdapter
from questbot_telegram.adapter import TelegramAdapter

from questbot.app.cli import _configure_logging, main
from questbot.app.config import load_settings
from questbot.app.logging_filters import REDACTED, RedactSecrets, install_redaction
from tests.adapters import context_for, discord_settings, telegram_settings
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import Failure, FakeTelegram
from tests.paths import ROOT
from tests.server import Server, free_port, running_server

# Obviously fake, but shaped like real tokens (the patterns must catch them unconfigured too).
TELEGRAM_TOKEN = "123456789:TEST-fake-token-not-real-00000000000"
DISCORD_TOKEN = "MTAfakeFAKEfakeFAKEfake00.GfAkE0.fake-token-not-real-FAKEfakeFAKE000"
WEBHOOK_SECRET = "fake-webhook-secret-0123456789"
ALICE, BOB, TINA = 1001, 1002, 1003
D_ALICE, D_BOB, D_TINA = 800000000000000101, 800000000000000102, 800000000000000103
GROUP = -100500


def forms(secret: str) -> list[str]:
    """The secret and the pieces and encodings a log line could show."""
    pieces = [secret, quote(secret, safe=""), quote(secret)]
    if ":" in secret:
        pieces.append(secret.split(":", 1)[1])
    if secret.count(".") == 2:
        pieces.append(secret.rsplit(".", 1)[1])
    return pieces


def assert_no_secret(text: str, *secrets: str) -> None:
    for secret in secrets:
        for piece in forms(secret):
            assert piece not in text, f"{piece[:6]}... appears in the logs"


@pytest.fixture
def debug_logs() -> Iterator[io.StringIO]:
    """The CLI's own logging set-up at DEBUG, writing to a buffer we can search."""
    root = logging.getLogger()
    level = root.level
    settings = load_settings(environ={
        "QUESTBOT_CONFIG": "", "QUESTBOT_LOG_LEVEL": "DEBUG",
        "QUESTBOT_TELEGRAM_TOKEN": TELEGRAM_TOKEN, "QUESTBOT_DISCORD_TOKEN": DISCORD_TOKEN,
        "QUESTBOT_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET})
    buffer = io.StringIO()
    handler = _configure_logging(settings, buffer)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


# --- the filter itself ---------------------------------------------------------------------
def test_the_filter_redacts_messages_arguments_tracebacks_and_stacks() -> None:
    buffer = io.StringIO()
    logger = logging.getLogger("questbot.test.redaction")
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    install_redaction(["configured-secret-value"], logger)
    try:
        url = f"https://api.telegram.org/bot{TELEGRAM_TOKEN}/getMe"
        logger.debug("HTTP Request: POST %s %r", url, {"token": "configured-secret-value"})
        logger.info(f"percent-encoded {quote(TELEGRAM_TOKEN, safe='')}")
        logger.info("headers %s", {"Authorization": "Bot some-opaque-token-value"})
        logger.info("a Discord-shaped token %s", DISCORD_TOKEN)
        try:
            try:
                raise OSError(f"cannot reach {url}")
            except OSError as inner:
                raise RuntimeError("wrapped configured-secret-value") from inner
        except RuntimeError:
            logger.exception("failed")
        logger.warning("where %s", TELEGRAM_TOKEN, stack_info=True)
        logger.error("broken format %s %s", TELEGRAM_TOKEN)  # noqa: PLE1206 (on purpose)
    finally:
        logger.removeHandler(handler)
    text = buffer.getvalue()
    assert_no_secret(text, TELEGRAM_TOKEN, DISCORD_TOKEN, "configured-secret-value",
                     "some-opaque-token-value")
    assert f"/bot{REDACTED}/getMe" in text
    assert "Traceback" in text and "RuntimeError: wrapped [REDACTED]" in text
    assert "Stack (most recent call last)" in text


def test_ordinary_text_is_left_alone() -> None:
    redact = RedactSecrets(["short", "a-longer-secret"]).redact
    text = ("badge http://127.0.0.1:8080/badges/4f1c2d at 2026-12-01T18:30:00+00:00 "
            "questbot.app.logging_filters short")
    assert redact(text) == text  # secrets under 6 characters would blank out words
    assert redact("x a-longer-secret y") == f"x {REDACTED} y"


# --- Telegram --------------------------------------------------------------------------------
@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    api = FakeTelegram(token=TELEGRAM_TOKEN)
    await api.start()
    yield api
    await api.stop()


def telegram_adapter(server: Server, fake: FakeTelegram) -> TelegramAdapter:
    settings = telegram_settings(fake, (f"general={GROUP}",))
    return TelegramAdapter(context_for(server, settings), settings, outbox_interval=0.2)


async def test_a_telegram_scenario_at_debug_logs_no_token(
        tmp_path: Path, telegram: FakeTelegram, debug_logs: io.StringIO) -> None:
    fake = telegram
    alice, bob, tina = fake.user(ALICE, "Alice"), fake.user(BOB, "Bob"), fake.user(TINA, "Tina")
    group = fake.group(GROUP, "Python Learners")

    async def said(chat_id: int, text: str) -> None:
        await fake.wait_for(lambda: text in fake.texts_to(chat_id))

    async with running_server(tmp_path, tutors=(f"telegram:{TINA}",)) as server:
        adapter = telegram_adapter(server, fake)
        await adapter.start()
        try:
            fake.says(alice, "/start")
            await said(ALICE, "Welcome, Alice")
            fake.says(alice, "/join python-basics")
            await said(ALICE, "You joined Python Basics")
            for n in range(3):
                fake.says(alice, f"hello {n}", chat=group)
            fake.says(alice, "/quiz")
            await said(ALICE, "Question 1/4")
            question = [s for s in fake.to(ALICE) if s.keyboard][-1]
            fake.presses(alice, question, "2")
            await said(ALICE, "Question 2/4")
            fake.failures.append(Failure("sendMessage", 2, 500))  # errors get logged
            fake.says(bob, "/quests")
            await said(BOB, "Python Basics")
            fake.failures.append(Failure("sendMessage", 1, 429, retry_after=1))
            fake.says(alice, "/mydata")
            await said(ALICE, "Everything")
            fake.outage_until = time.monotonic() + 1.5  # polling fails for a moment
            message = fake.says(bob, "I helped in #help", chat=group)
            fake.says(tina, "/grant community-helper badge helped", chat=group,
                      reply_to=message)
            await fake.wait_for(lambda: any(s.document for s in fake.to(BOB)), within=30)
        finally:
            await adapter.stop()
    text = debug_logs.getvalue()
    assert "getUpdates" in text and "sendDocument" in text  # the URLs were logged ...
    assert f"bot{REDACTED}" in text  # ... with the token taken out
    assert_no_secret(text, TELEGRAM_TOKEN, DISCORD_TOKEN, WEBHOOK_SECRET)


# --- Discord ---------------------------------------------------------------------------------
@pytest.fixture
async def discord_fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    api = FakeDiscord(token=DISCORD_TOKEN)
    await api.start()
    monkeypatch.setattr(discord.http.Route, "BASE", api.rest_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        yarl.URL(api.gateway_url))
    yield api
    await api.stop()


def discord_adapter(server: Server, fake: FakeDiscord) -> DiscordAdapter:
    settings = discord_settings(fake)
    return DiscordAdapter(context_for(server, settings), settings, outbox_interval=0.2)


async def test_a_discord_scenario_at_debug_logs_no_token(
        tmp_path: Path, discord_fake: FakeDiscord, debug_logs: io.StringIO) -> None:
    fake = discord_fake
    alice, bob = fake.member(D_ALICE, "Alice"), fake.member(D_BOB, "Bob")
    tina = fake.member(D_TINA, "Tina", tutor=True)
    async with running_server(tmp_path) as server:
        adapter = discord_adapter(server, fake)
        await adapter.start()
        try:
            token = await fake.slash(alice, "join", quest="python-basics")
            await fake.wait_for(lambda: "You joined" in fake.text_of(token))
            for n in range(3):
                await fake.say(alice, f"hello {n}")
            fake.rate_limit_next = 2  # 429s get logged
            token = await fake.slash(alice, "mydata")
            await fake.wait_for(lambda: "accounts" in fake.text_of(token))
            token = await fake.slash(tina, "grant", learner=bob, quest="community-helper",
                                     item="badge", reason="helped")
            await fake.wait_for(lambda: any(p.files for p in fake.dms_to(D_BOB)), within=30)
        finally:
            await adapter.stop()
    text = debug_logs.getvalue()
    assert "discord." in text  # discord.py did log at DEBUG
    assert_no_secret(text, TELEGRAM_TOKEN, DISCORD_TOKEN, WEBHOOK_SECRET)


# --- start-up failures -----------------------------------------------------------------------
@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port that refuses connections: bound, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@pytest.mark.parametrize("level", ["WARNING", "DEBUG"])
async def test_an_unreachable_bot_api_at_start_is_one_line_and_status_2(
        tmp_path: Path, closed_port: int, level: str) -> None:
    env = {**os.environ, "QUESTBOT_CONFIG": "", "QUESTBOT_DATA_DIR": str(tmp_path / "data"),
           "QUESTBOT_PORT": str(free_port()), "QUESTBOT_LOG_LEVEL": level,
           "QUESTBOT_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
           "QUESTBOT_TELEGRAM_BASE_URL": f"http://127.0.0.1:{closed_port}/bot"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "questbot", "serve", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, raw = await asyncio.wait_for(process.communicate(), timeout=60)
    err = raw.decode()
    assert process.returncode == 2, err
    assert_no_secret(err, TELEGRAM_TOKEN)
    last = err.strip().splitlines()[-1]
    assert last.startswith("questbot: the telegram adapter could not reach its server"), err
    assert "Connect call failed" in last or "connection" in last.lower()
    if level == "WARNING":
        assert err.strip() == last  # one line, no traceback
    else:
        assert "Traceback" in err  # DEBUG keeps the traceback for whoever needs it


def test_an_unreachable_discord_at_start_is_one_line_and_status_2(
        tmp_path: Path, closed_port: int, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in {"QUESTBOT_CONFIG": "", "QUESTBOT_DATA_DIR": str(tmp_path / "data"),
                        "QUESTBOT_PORT": str(free_port()),
                        "QUESTBOT_DISCORD_API_URL": f"http://127.0.0.1:{closed_port}/api/v10",
                        "QUESTBOT_DISCORD_TOKEN": DISCORD_TOKEN}.items():
        monkeypatch.setenv(name, value)
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        assert main(["serve"]) == 2
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    err = capsys.readouterr().err
    assert err.strip().startswith("questbot: the discord adapter could not reach its server")
    assert len(err.strip().splitlines()) == 1, err
    assert_no_secret(err, DISCORD_TOKEN)
