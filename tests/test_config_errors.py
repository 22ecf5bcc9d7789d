"""Configuration mistakes are errors: a quests folder or a configuration file that is not
there stops questbot with one clear line and exit status 2, never a silent default."""

from __future__ import annotations

from pathlib import Path

import pytest

from questbot.app.cli import main
from tests.paths import QUESTS
from tests.server import free_port

pytestmark = pytest.mark.timeout(60)  # a check that did not stop it would serve forever


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(QUESTS))
    monkeypatch.setenv("QUESTBOT_PORT", str(free_port()))
    for name in ("QUESTBOT_TELEGRAM_TOKEN", "QUESTBOT_DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def error_of(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err  # one line, no traceback
    return err


@pytest.mark.parametrize("command", [["serve"], ["run"], ["validate"], ["keys"]])
def test_a_quests_folder_that_is_not_there_is_an_error(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    missing = tmp_path / "no-such-quests"
    env.setenv("QUESTBOT_QUESTS_DIR", str(missing))
    assert main(command) == 2
    assert error_of(capsys) == (f"questbot: QUESTBOT_QUESTS_DIR: the quests folder {missing}"
                                " does not exist")
    assert not (tmp_path / "data").exists()  # stopped before it did anything


def test_a_file_is_not_a_quests_folder(tmp_path: Path, env: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    quest = tmp_path / "one.yaml"
    quest.write_text("schema_version: 1\n")
    env.setenv("QUESTBOT_QUESTS_DIR", str(quest))
    assert main(["serve"]) == 2
    assert "is not a folder of quest files" in error_of(capsys)


def test_the_default_quests_folder_must_exist_to_serve(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.delenv("QUESTBOT_QUESTS_DIR")
    env.chdir(tmp_path)  # no ./quests here
    assert main(["serve"]) == 2
    assert error_of(capsys) == "questbot: QUESTBOT_QUESTS_DIR: the quests folder quests does" \
                               " not exist"


def test_a_quests_folder_named_in_the_file_is_checked_too(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "questbot.toml"
    config.write_text(f'quests_dir = "{tmp_path / "nowhere"}"\n')
    env.delenv("QUESTBOT_QUESTS_DIR")
    env.setenv("QUESTBOT_CONFIG", str(config))
    assert main(["serve"]) == 2
    assert error_of(capsys).startswith(f"questbot: 'quests_dir' in {config}: the quests folder")


def test_questbot_config_naming_a_missing_file_is_an_error(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "questbot.toml"
    env.setenv("QUESTBOT_CONFIG", str(missing))
    for command in (["serve"], ["validate"], ["keys"]):
        assert main(command) == 2
        assert error_of(capsys) == (f"questbot: QUESTBOT_CONFIG: the configuration file"
                                    f" {missing} does not exist")
    env.setenv("QUESTBOT_CONFIG", str(tmp_path))
    assert main(["serve"]) == 2
    assert "is a folder, not a file" in error_of(capsys)


def test_config_option_naming_a_missing_file_is_an_error(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "other.toml"
    assert main(["serve", "--config", str(missing)]) == 2
    assert error_of(capsys) == f"questbot: {missing}: configuration file not found"


def test_an_empty_questbot_config_reads_no_file(
        env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("QUESTBOT_CONFIG", "")
    assert main(["validate"]) == 0
    assert "0 problem(s)" in capsys.readouterr().err
