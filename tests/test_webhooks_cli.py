"""``questbot webhooks``: an admin registers an endpoint (its secret shown once, never
again), lists, disables, enables, reads the log and removes it, in the community's
language; mistakes are one clear line and exit status 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questbot.app.cli import main
from tests.paths import QUESTS


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(QUESTS))
    monkeypatch.setenv("QUESTBOT_WEBHOOKS_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("QUESTBOT_WEBHOOKS_ALLOW_HTTP", "true")
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["webhooks", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_an_admin_manages_an_endpoint_from_the_command_line(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "list")
    assert status == 0 and "No webhook endpoints yet" in out
    status, out, _ = run(capsys, "add", "http://127.0.0.1:9/in", "--events",
                         "badge.awarded,badge.revoked")
    assert status == 0
    found = re.search(r"endpoint (wh_[0-9a-f]+) registered for badge.awarded, badge.revoked",
                      out)
    assert found, out
    endpoint = found[1]
    [secret] = re.findall(r"whsec_[A-Za-z0-9+/=]+", out)
    assert "shown only this once" in out

    status, out, _ = run(capsys, "list")
    assert status == 0 and endpoint in out and "enabled" in out and secret not in out
    assert "http://127.0.0.1:9/in" in out and "waiting in its queue: 0" in out
    assert run(capsys, "disable", endpoint, "--reason", "receiver moving")[0] == 0
    status, out, _ = run(capsys, "list")
    assert "disabled: receiver moving" in out
    status, out, _ = run(capsys, "enable", endpoint)
    assert status == 0 and "enabled" in out
    status, out, _ = run(capsys, "log", endpoint)
    assert status == 0 and "No delivery attempts recorded." in out
    status, out, _ = run(capsys, "remove", endpoint)
    assert status == 0 and "removed" in out
    status, _, err = run(capsys, "remove", endpoint)
    assert status == 2 and f"no webhook endpoint {endpoint}" in err
    assert secret not in err
    secrets_db = (data / "questbot.sqlite3").read_bytes()
    assert secret.encode() not in secrets_db  # removed with its endpoint


@pytest.mark.parametrize(("args", "said"), [
    (("add", "https://127.0.0.1/in", "--events", "badge.given"), "Unknown event badge.given"),
    (("log", "wh_nope"), "no webhook endpoint wh_nope"),
    (("enable", "wh_nope"), "no webhook endpoint wh_nope"),
])
def test_mistakes_are_one_line_and_status_2(data: Path, capsys: pytest.CaptureFixture[str],
                                            args: tuple[str, ...], said: str) -> None:
    status, out, err = run(capsys, *args)
    assert status == 2 and said in err and out == ""


def test_an_internal_address_is_refused_without_the_setting(
        data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUESTBOT_WEBHOOKS_ALLOW_PRIVATE", "false")
    status, _, err = run(capsys, "add", "http://127.0.0.1:9/in")
    assert status == 2 and "private, loopback or link-local" in err
    monkeypatch.setenv("QUESTBOT_WEBHOOKS_ALLOW_HTTP", "false")
    status, _, err = run(capsys, "add", "http://hooks.example.org/in")
    assert status == 2 and "https only" in err
    assert run(capsys, "list")[1].startswith("No webhook endpoints yet")


@pytest.mark.parametrize(("language", "none", "added"), [
    ("fr", "Aucun point de terminaison", "enregistré pour"),
    ("gd", "Chan eil ceann-uidhe webhook ann fhathast", "a chlàradh airson"),
])
def test_the_command_speaks_the_communitys_language(
        data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        language: str, none: str, added: str) -> None:
    monkeypatch.setenv("QUESTBOT_LANGUAGE", language)
    assert none in run(capsys, "list")[1]
    assert added in run(capsys, "add", "http://127.0.0.1:9/in")[1]
