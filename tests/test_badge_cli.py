"""The badge commands as an operator uses them: keys, award (one or a CSV), revoke, verify."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest

from questbot.app.cli import main
from tests.paths import QUESTS, ROOT
from tests.server import Server


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(QUESTS))
    return tmp_path / "data"


def awarded(output: str) -> list[tuple[str, Path]]:
    return [(url, Path(path)) for url, path in
            re.findall(r"(http://\S+/badges/\S+) (\S+\.png)", output)]


def test_keys_are_created_private_and_rotated(data: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys"]) == 0
    first = capsys.readouterr().out
    assert re.search(r"active\s+did:key:z6Mk\w+", first)
    [seed] = (data / "keys").glob("*.seed")
    assert seed.stat().st_mode & 0o777 == 0o600
    assert seed.read_text().strip() not in first
    assert main(["keys", "--rotate"]) == 0
    second = capsys.readouterr().out
    assert second.count("did:key:") == 2
    assert "retired" in second


def test_award_revoke_and_verify_one_badge(data: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["award", "python-basics", "--to", "Alice@Example.org",
                 "--reason", "passed the course elsewhere"]) == 0
    [(url, png)] = awarded(capsys.readouterr().out)
    assert png.read_bytes().startswith(b"\x89PNG")
    assert main(["award", "python-basics", "--to", "alice@example.org", "--reason", "again"]) == 1
    assert "already holds" in capsys.readouterr().err

    assert main(["verify", str(png)]) == 0
    assert capsys.readouterr().out.startswith("VALID")
    assert main(["keys", "--rotate"]) == 0
    assert main(["verify", str(png)]) == 0  # still valid after the key is rotated
    assert "earlier (rotated) key" in capsys.readouterr().out

    award_id = url.rsplit("/", 1)[1]
    assert main(["revoke", "--reason", "issued by mistake", "--", award_id]) == 0
    assert main(["verify", "--json", str(png)]) == 1
    output = capsys.readouterr().out
    assert '"status": "revoked"' in output and "issued by mistake" in output
    assert main(["revoke", "--reason", "again", "--", award_id]) == 1
    assert "already revoked" in capsys.readouterr().err


def test_a_csv_with_a_bad_row_awards_nothing(data: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "class.csv"
    sheet.write_text("learner,reason\ntelegram:42,ran the help desk\nnot a learner,x\n"
                     "bob@example.org,\n")
    assert main(["award", "community-helper", "--csv", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert f"{sheet}:3: learner 'not a learner'" in err
    assert f"{sheet}:4: the reason is empty" in err
    assert "nothing was awarded" in err
    assert not (data / "badges" / "awards").exists()


def test_a_csv_awards_every_row_once(data: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "class.csv"
    sheet.write_text("learner,evidence\ntelegram:42,ran the help desk\n"
                     "carol@example.org,answered 30 questions\n")
    assert main(["award", "community-helper", "--csv", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert out.count("Community Helper") == 2
    assert len(awarded(out)) == 2
    assert main(["award", "community-helper", "--csv", str(sheet)]) == 0
    assert capsys.readouterr().out.count("already awarded by an earlier run") == 2


def test_award_errors_are_named(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["award", "nope", "--to", "telegram:1", "--reason", "x"]) == 2
    assert "no quest 'nope'" in capsys.readouterr().err
    assert main(["award", "python-basics", "--to", "telegram:1"]) == 2
    assert "--reason" in capsys.readouterr().err
    assert main(["verify", "/no/such/file.png"]) == 2
    assert "cannot read" in capsys.readouterr().err


async def test_verify_a_badge_url(server: Server) -> None:
    award_id = await server.grant_badge()
    env = {**os.environ, "QUESTBOT_DATA_DIR": str(server.settings.data_dir),
           "QUESTBOT_CONFIG": "", "QUESTBOT_VERIFY_TIMEOUT": "30",  # a busy machine
           "QUESTBOT_BASE_URL": server.base}
    for url in (f"{server.base}/badges/{award_id}", f"{server.base}/badges/{award_id}/badge.png"):
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "questbot", "verify", url, cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 0, out.decode() + err.decode()
        assert out.decode().startswith("VALID"), out.decode()
