"""Each adapter declares and validates its own settings section; the core names no
platform; a configured adapter whose SDK is missing stops start-up with the extra to
install."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from questbot_console.files import read_file
from questbot_console.settings import ConsoleSettings
from questbot_discord.settings import DiscordSettings
from questbot_telegram.settings import TelegramSettings

from questbot.app.config import Settings, load_settings
from questbot.app.logging_filters import secret_values
from questbot.domain.errors import ConfigError
from questbot.i18n import ENGLISH
from tests.paths import ROOT

PLATFORMS = ("telegram", "discord", "console")


def test_the_core_settings_and_catalogue_name_no_platform() -> None:
    assert [f for f in Settings.model_fields if f.startswith(PLATFORMS)] == []
    assert [key for key in ENGLISH if key.startswith(PLATFORMS)] == []


def test_a_section_in_the_file_the_older_keys_and_the_variables_all_work(
        tmp_path: Path) -> None:
    config = tmp_path / "questbot.toml"
    config.write_text('port = 9000\n[telegram]\ntoken = "1:file-token"\nmode = "polling"\n'
                      '[discord]\nguilds = ["1", "2"]\n')
    settings = load_settings(config, environ={"QUESTBOT_DISCORD_TOKEN": "a" * 30,
                                              "QUESTBOT_DISCORD_TUTOR_ROLE": "Tutor"})
    telegram: TelegramSettings = settings.adapter("telegram")
    discord: DiscordSettings = settings.adapter("discord")
    assert (settings.port, telegram.bot_token) == (9000, "1:file-token")
    assert (discord.guild_ids, discord.tutor_role, discord.bot_token) == ((1, 2), "Tutor",
                                                                          "a" * 30)
    # the variable wins over the file; the old top-level spelling still reads
    config.write_text('telegram_token = "1:old-spelling"\ntelegram_channels = ["help=-100"]\n')
    settings = load_settings(config, environ={"QUESTBOT_TELEGRAM_MODE": "polling"})
    assert settings.adapter("telegram").bot_token == "1:old-spelling"
    assert settings.adapter("telegram").channel_names == {-100: "help"}
    settings = load_settings(config, environ={"QUESTBOT_TELEGRAM_TOKEN": "2:from-env"})
    assert settings.adapter("telegram").bot_token == "2:from-env"


def test_an_adapters_secrets_are_redacted_and_never_echoed(tmp_path: Path) -> None:
    config = tmp_path / "questbot.toml"
    config.write_text('[telegram]\ntoken = "1:abcdefghij"\nmode = "webhook"\n'
                      'webhook_secret = "0123456789abcdef-secret"\n')
    settings = load_settings(config, environ={})
    assert {"1:abcdefghij", "0123456789abcdef-secret"} <= set(secret_values(settings))
    assert "abcdefghij" not in repr(settings) + repr(settings.adapter("telegram"))
    config.write_text('[telegram]\ntoken = "no colon here"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert "'token' in [telegram]" in str(caught.value)
    assert "no colon here" not in str(caught.value)


def test_a_section_of_the_wrong_shape_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "questbot.toml"
    config.write_text('[discord]\nguilds = "not a list"\n')
    with pytest.raises(ConfigError, match=r"'guilds' in \[discord\]"):
        load_settings(config, environ={})
    config.write_text('[telegrm]\ntoken = "1:x"\n')
    with pytest.raises(ConfigError, match=r"unknown setting.*did you mean 'telegram'"):
        load_settings(config, environ={})


BLOCKED = """
import sys
sys.modules[{sdk!r}] = None  # as if the extra were not installed
from questbot.app.cli import main
sys.exit(main(["serve"]))
"""


@pytest.mark.parametrize(("sdk", "variable", "value"), [
    ("telegram", "QUESTBOT_TELEGRAM_TOKEN", "123:abcdefghijklmnopqrstuvwxyzABCDEFGHI"),
    ("discord", "QUESTBOT_DISCORD_TOKEN", "a" * 30),
])
def test_a_configured_adapter_without_its_sdk_names_the_extra(
        tmp_path: Path, sdk: str, variable: str, value: str) -> None:
    env = {**os.environ, "QUESTBOT_CONFIG": "", "QUESTBOT_DATA_DIR": str(tmp_path / "data"),
           "QUESTBOT_PORT": "0", variable: value}
    done = subprocess.run([sys.executable, "-c", BLOCKED.format(sdk=sdk)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert f"pip install 'questbot[{sdk}]'" in done.stderr
    assert "Traceback" not in done.stderr and value not in done.stderr


def test_the_example_configuration_file_loads(tmp_path: Path) -> None:
    (tmp_path / "quests").mkdir()
    settings = load_settings(ROOT / "questbot.toml.example", environ={})
    assert settings.adapter("console").user == "learner"
    assert settings.adapter("telegram").token is None  # secrets come from the environment


TOKEN = "123456:AAHsecretsecretsecretsecretsecret12"


def test_a_token_pasted_into_the_wrong_setting_is_not_printed(tmp_path: Path) -> None:
    config = tmp_path / "questbot.toml"
    config.write_text(f'[telegram]\nchannels = ["{TOKEN}"]\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert "'channels' in [telegram]" in str(caught.value)
    assert "AAHsecret" not in str(caught.value) and str(caught.value).count("got") == 1
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"QUESTBOT_CONFIG": "", "QUESTBOT_DISCORD_GUILDS": TOKEN})
    assert "AAHsecret" not in str(caught.value)


def test_a_section_of_the_wrong_kind_or_set_twice_is_named(tmp_path: Path) -> None:
    config = tmp_path / "questbot.toml"
    config.write_text('telegram = "yes"\n')
    with pytest.raises(ConfigError, match=r"expected a \[telegram\] table"):
        load_settings(config, environ={})
    config.write_text('telegram_token = "1:a"\n[telegram]\ntoken = "2:b"\n')
    with pytest.raises(ConfigError, match="both set the telegram adapter's token"):
        load_settings(config, environ={})


class Squatter:
    """A third-party plugin whose name would swallow the core's base_url."""

    name = "base"
    extra = None
    sdk = None
    settings_model = ConsoleSettings

    def wanted(self, settings: object, interactive: bool) -> bool:
        return False

    def create(self, context: object) -> object:
        raise AssertionError


def test_an_adapter_may_not_take_a_name_core_settings_start_with() -> None:
    with pytest.raises(ConfigError, match="base_url is one"):
        load_settings(environ={"QUESTBOT_CONFIG": ""},
                      plugins={"base": Squatter()})  # type: ignore[dict-item]


def test_a_fifo_named_in_the_terminal_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert asyncio.run(read_file(str(fifo))) == "not a regular file"
