from __future__ import annotations

from pathlib import Path

import pytest

from questbot.app.config import load_settings
from questbot.domain import UserRef
from questbot.domain.errors import ConfigError


def test_defaults_need_no_configuration(tmp_path: Path) -> None:
    settings = load_settings(environ={"QUESTBOT_CONFIG": ""})
    assert settings.port == 8080
    assert settings.public_base_url == "http://127.0.0.1:8080"
    assert settings.database == "sqlite:///data/questbot.sqlite3"


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    config = tmp_path / "questbot.toml"
    config.write_text('port = 9000\nbase_url = "https://badges.example.org/"\n'
                      'tutors = ["telegram:42"]\n')
    settings = load_settings(config, environ={"QUESTBOT_PORT": "9100",
                                              "QUESTBOT_ADMINS": "console:ada, discord:7"})
    assert settings.port == 9100
    assert settings.base_url == "https://badges.example.org"
    engine = settings.engine_settings()
    assert engine.admins == {UserRef("console", "ada"), UserRef("discord", "7")}
    assert engine.tutors == {UserRef("telegram", "42")}


@pytest.mark.parametrize(("environ", "message"), [
    ({"QUESTBOT_PORT": "eighty"}, "QUESTBOT_PORT: expected a valid integer"),
    ({"QUESTBOT_PORT": "70000"}, "QUESTBOT_PORT: expected less than or equal to 65535"),
    ({"QUESTBOT_BASE_URL": "badges.example.org"}, "QUESTBOT_BASE_URL: expected an http"),
    ({"QUESTBOT_TUTORS": "bob"}, "QUESTBOT_TUTORS: expected platform:id"),
    ({"QUESTBOT_RELOAD_INTERVAL": "-1"}, "QUESTBOT_RELOAD_INTERVAL: expected greater"),
])
def test_a_wrong_setting_is_named_with_what_is_expected(environ: dict[str, str],
                                                        message: str, tmp_path: Path) -> None:
    environ = {"QUESTBOT_CONFIG": "", **environ}
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=environ)


def test_file_mistakes_are_named(tmp_path: Path) -> None:
    config = tmp_path / "questbot.toml"
    config.write_text("prot = 1\n")
    with pytest.raises(ConfigError, match=r"'prot' in .*unknown setting \(did you mean 'port'"):
        load_settings(config, environ={})
    config.write_text("port = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config, environ={})
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_a_bad_token_value_is_never_echoed(tmp_path: Path) -> None:
    config = tmp_path / "questbot.toml"
    config.write_text('telegram_token = ["s3cr3t-value"]\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert "telegram_token" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)
