"""Tests that need PostgreSQL, Chromium or Node.js skip with the reason on a laptop that lacks
them; with ``QUESTBOT_TEST_REQUIRE_ALL=1`` (which ``.ci/run`` sets) each such skip is a failure,
so CI never passes by silently leaving them out."""

from __future__ import annotations

import functools
import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REQUIRE_ALL = os.environ.get("QUESTBOT_TEST_REQUIRE_ALL", "") == "1"
POSTGRES_URL = os.environ.get("QUESTBOT_TEST_DATABASE_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")


def need(available: bool, what: str) -> None:
    """Skip (on a laptop) or fail (in CI) unless ``available``; ``what`` says what is missing
    and how to get it."""
    if available:
        return
    if REQUIRE_ALL:
        pytest.fail(f"{what} (QUESTBOT_TEST_REQUIRE_ALL=1: CI runs every test)", pytrace=False)
    pytest.skip(what)


@functools.cache
def postgres_listening() -> bool:
    parts = urlsplit(POSTGRES_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 1):
            return True
    except OSError:
        return False


def need_postgres() -> None:
    need(postgres_listening(), f"PostgreSQL is not listening at {POSTGRES_URL} "
         "(set QUESTBOT_TEST_DATABASE_URL, or start it: .ci/run does)")


def need_chromium(chromium: str, chromedriver: str) -> None:
    need(Path(chromium).exists() and Path(chromedriver).exists(),
         "install Debian's chromium and chromium-driver for the browser tests (.ci/run does)")


def need_node(verifier_folder: Path) -> str:
    found = shutil.which("node")
    need(found is not None, "Node.js is needed for the interoperability tests")
    need((verifier_folder / "node_modules").exists(),
         "the Node verifiers are not installed: run `make test` (it runs npm ci)")
    assert found is not None
    return found
