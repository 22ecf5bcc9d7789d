"""compose.yaml's shape (CI has no Docker engine): one migration step before every questbot
process, which then only checks the schema; the web processes carry Telegram's webhook and
are replicated behind the proxy; Discord and the worker run once; no secret is written in."""

from __future__ import annotations

from typing import Any

import yaml

from tests.paths import ROOT


def _services() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services: dict[str, Any] = compose["services"]
    return services


def test_every_questbot_process_waits_for_one_migration_and_does_not_migrate_itself() -> None:
    services = _services()
    assert services["migrate"]["command"] == ["questbot", "migrate"]
    for name in ("web", "discord", "worker"):
        service = services[name]
        assert service["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
        assert service["environment"]["QUESTBOT_AUTO_MIGRATE"] == "false"
        assert service["environment"]["QUESTBOT_DATABASE_URL"].startswith("postgresql://")


def test_roles_split_the_work_and_only_the_web_is_replicated() -> None:
    services = _services()
    roles = {name: services[name]["environment"]["QUESTBOT_ROLES"]
             for name in ("web", "discord", "worker")}
    assert roles == {"web": "web,telegram", "discord": "discord", "worker": "worker"}
    assert services["web"]["environment"]["QUESTBOT_TELEGRAM_MODE"] == "webhook"
    assert services["web"]["deploy"]["replicas"] >= 2
    assert "deploy" not in services["discord"]  # one gateway connection per bot
    assert services["proxy"]["command"][-1] == "web:8080"


def test_no_secret_is_written_in_the_file() -> None:
    for service in _services().values():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in ("TOKEN", "SECRET", "PASSWORD")):
                assert str(value).startswith("${"), key  # from .env, never literal
            if "://" in str(value) and "@" in str(value):
                credentials = str(value).split("://", 1)[1].split("@", 1)[0]
                assert credentials.partition(":")[2].startswith("${"), key
