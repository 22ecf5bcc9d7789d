from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from questbot.app.cli import main
from tests.conftest import QUESTS


def test_validate_accepts_the_samples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(QUESTS)]) == 0
    assert "0 problem(s)" in capsys.readouterr().err


def test_validate_prints_file_line_column_and_fails(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nid: Bad Id\n")
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{bad}:2:5: id: expected" in out[0] or any(
        line.startswith(f"{bad}:2:5: id:") for line in out), out
    assert any("missing field 'title'" in line for line in out)
    assert main(["validate", str(tmp_path / "nope")]) == 1


def test_schema_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "questbot quest file"
    target = tmp_path / "s" / "quest.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert json.loads(target.read_text())["title"] == "questbot quest file"


def test_a_taken_port_is_reported_by_setting_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        monkeypatch.setenv("QUESTBOT_CONFIG", "")
        monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("QUESTBOT_PORT", str(port))
        assert main(["serve"]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_help_is_available_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("run", "serve", "validate", "schema"):
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        assert "--config" in capsys.readouterr().out
