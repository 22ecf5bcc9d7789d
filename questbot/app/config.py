"""Settings: an optional TOML file, overridden by ``QUESTBOT_*`` environment variables.

Each chat adapter's settings are its own section (``[telegram]``, read also from
``QUESTBOT_TELEGRAM_*``), declared and validated by the adapter; the core names no platform.
A wrong setting is a ConfigError that names it (as the variable or the file key), says what
was expected, and never echoes a secret's value."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from questbot.app.adapters import discover_plugins
from questbot.app.logging_filters import redact_text
from questbot.badges.model import IssuerProfile
from questbot.domain.errors import ConfigError
from questbot.domain.ids import UserRef
from questbot.engine import EngineSettings
from questbot.kit.settings import PROBLEM_SEPARATOR, problem
from questbot.mail import SmtpSettings, parse_from, parse_smtp_url
from questbot.ports import AdapterPlugin, CommonSettings

ENV_PREFIX = "QUESTBOT_"
DEFAULT_CONFIG = Path("questbot.toml")
LIST_SETTINGS = ("admins", "tutors", "roles")
CORE_ROLES = ("all", "web", "worker")
ADAPTER_NAME = re.compile(r"^[a-z][a-z0-9]{0,31}$")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: Path = Field(Path("data"), description="where the database and badges live")
    quests_dir: Path = Field(Path("quests"), description="folder of quest YAML files")
    host: str = Field("127.0.0.1", min_length=1, description="address the badge server binds")
    port: int = Field(8080, ge=0, le=65535, description="port of the badge server")
    web_workers: int = Field(1, ge=1, le=64,
                             description="badge server processes sharing the port"
                                         " (SO_REUSEPORT); the first also runs the engine"
                                         " and the adapters")
    web_cache_mb: int = Field(32, ge=0, le=4096,
                              description="memory each badge server process keeps its"
                                          " pages and documents in, in MiB")
    base_url: str | None = Field(None, description="public URL badges point to")
    database_url: str | None = Field(None, description="sqlite:///PATH (default in data_dir)")
    auto_migrate: bool = Field(True, description="apply pending database migrations at start;"
                                                 " off: refuse to start until `questbot"
                                                 " migrate` has (several processes)")
    admins: tuple[str, ...] = Field((), description="platform:id accounts that are admins")
    tutors: tuple[str, ...] = Field((), description="platform:id accounts that are tutors")
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Za-z]{2})?$")
    reload_interval: float = Field(2.0, ge=0, description="seconds between quest file checks")
    log_level: str = Field("WARNING", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    issuer_name: str = Field("Questbot Community", min_length=1, max_length=100)
    issuer_url: str | None = Field(None, description="the issuer's home page (default base_url)")
    issuer_email: str = Field("badges@example.org", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    issuer_description: str = ""
    issuer_colour: str = Field("#1f4e79", pattern=r"^#[0-9a-fA-F]{6}$")
    issuer_accent: str = Field("#f2a900", pattern=r"^#[0-9a-fA-F]{6}$")
    issuer_did: str = Field("auto", pattern=r"^(auto|web|key)$",
                            description="did:web (survives key rotation), did:key, or auto:"
                                        " did:web when base_url is a public https URL")
    verify_online: bool = Field(True, description="look up other issuers' keys and status"
                                                  " lists over the network")
    verify_allow_loopback: bool = Field(False, description="allow those look-ups on loopback"
                                                           " addresses, over http too (tests,"
                                                           " local development)")
    verify_timeout: float = Field(5.0, gt=0, le=60, description="seconds for one network"
                                                                " look-up or signature check")
    outbox_max_attempts: int = Field(30, ge=1, le=1000,
                                     description="refused attempts before a message to a"
                                                 " learner ends as failed (the back-off"
                                                 " doubles from 5 s up to 1 h)")
    smtp_url: SecretStr | None = Field(None, description="the SMTP server that sends email:"
                                       " smtp://user:password@host:587 (STARTTLS),"
                                       " smtps://user:password@host:465, or smtp://host:25"
                                       " (a local relay, no login)")
    smtp_from: str | None = Field(None, description="the sender of questbot's emails, e.g."
                                                    " 'Questbot <badges@example.org>'")
    smtp_ca_file: Path | None = Field(None, description="certificates to trust for the SMTP"
                                                        " server besides the system's")

    outbox_lease: float = Field(120.0, ge=1, le=3600,
                                description="seconds a delivery one process claimed stays"
                                            " its own; if that process dies, another sends"
                                            " it after this")
    roles: tuple[str, ...] = Field(
        ("all",), description="what this process does: web (the badge server and platform"
        " webhooks), worker (background work: badges to build, pruning), adapter names"
        " (telegram, discord, console); all: everything")
    metrics_port: int = Field(0, ge=0, le=65535, description="serve Prometheus metrics on"
                                                              " this port; 0: off")
    metrics_host: str = Field("127.0.0.1", min_length=1,
                              description="address the metrics port binds")
    webhooks_allow_http: bool = Field(False, description="allow webhook endpoints on plain"
                                                         " http:// (local development)")
    webhooks_allow_private: bool = Field(False, description="allow webhook endpoints on"
                                                            " private, loopback and"
                                                            " link-local addresses")
    webhooks_timeout: float = Field(10.0, gt=0, le=60, description="seconds for one webhook"
                                                                   " delivery attempt")
    webhooks_retry_hours: float = Field(24.0, ge=24, le=24 * 14,
                                        description="hours an endpoint may keep failing before"
                                                    " it is disabled (at least a day)")

    # Each adapter's validated section (its plugin's settings model), by platform.
    adapters: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False)

    @field_validator("base_url", "issuer_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @field_validator("admins", "tutors")
    @classmethod
    def _accounts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            try:
                UserRef.parse(entry)
            except ValueError as exc:
                raise ValueError(f"expected platform:id entries such as telegram:123, got"
                                 f" {entry!r}") from exc
        return value

    @model_validator(mode="after")
    def _smtp(self) -> Settings:
        if self.smtp_url is None and self.smtp_from is None:
            if self.smtp_ca_file is not None:
                raise ValueError(problem("smtp_ca_file", "set smtp_url too, or remove it"))
            return self
        if self.smtp_url is None:
            raise ValueError(problem("smtp_url", "needed with smtp_from: the server that"
                                     " sends email (smtp://user:password@host:587)"))
        if self.smtp_from is None:
            raise ValueError(problem("smtp_from", "needed with smtp_url: the address emails"
                                     " come from (badges@example.org)"))
        self.smtp()  # raises a ValueError that names the setting
        return self

    def smtp(self) -> SmtpSettings | None:
        """The SMTP server, or None when questbot sends no email."""
        if self.smtp_url is None or self.smtp_from is None:
            return None
        try:
            sender = parse_from(self.smtp_from)
        except ValueError as exc:
            raise ValueError(problem("smtp_from", str(exc))) from None
        try:
            return parse_smtp_url(self.smtp_url.get_secret_value(), sender, self.smtp_ca_file)
        except ValueError as exc:
            field = "smtp_ca_file" if "certificate" in str(exc) else "smtp_url"
            raise ValueError(problem(field, str(exc))) from None

    @property
    def public_base_url(self) -> str:
        return self.base_url or f"http://{self.host}:{self.port}"

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'questbot.sqlite3'}"

    def issuer_profile(self) -> IssuerProfile:
        return IssuerProfile(self.issuer_name, self.issuer_url or self.public_base_url,
                             self.issuer_email, self.issuer_description, self.issuer_colour,
                             self.issuer_accent)

    def common_settings(self) -> CommonSettings:
        return CommonSettings(
            public_url=self.public_base_url, language=self.language,
            admins=frozenset(UserRef.parse(a) for a in self.admins),
            tutors=frozenset(UserRef.parse(t) for t in self.tutors),
            issuer_name=self.issuer_name, outbox_max_attempts=self.outbox_max_attempts,
            outbox_lease=self.outbox_lease)

    def does(self, role: str) -> bool:
        """Whether this process takes ``role`` (web, worker, or an adapter's name)."""
        return "all" in self.roles or role in self.roles

    def adapter(self, name: str) -> Any:
        """The validated settings of one adapter's section."""
        return self.adapters[name]

    def engine_settings(self) -> EngineSettings:
        return EngineSettings(
            base_url=self.public_base_url,
            admins=frozenset(UserRef.parse(a) for a in self.admins),
            tutors=frozenset(UserRef.parse(t) for t in self.tutors),
            default_language=self.language.split("-", 1)[0].lower(),
            email_enabled=self.smtp_url is not None,
        )


def load_settings(
    config_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    plugins: Mapping[str, AdapterPlugin] | None = None,
) -> Settings:
    """File first, then environment, then command-line ``overrides``. The core's settings
    are top-level keys; each adapter's are its ``[NAME]`` section, validated by its plugin."""
    environ = os.environ if environ is None else environ
    plugins = discover_plugins() if plugins is None else plugins
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    sections = {name: AdapterSection(name, plugin) for name, plugin in plugins.items()}
    path = _config_file(config_path, environ)
    if path is not None:
        for key, value in _read_toml(path).items():
            if key in sections:
                if not isinstance(value, dict):
                    raise ConfigError(f"'{key}' in {path}: expected a [{key}] table of the"
                                      f" {key} adapter's settings")
                sections[key].read_file(value, path)
            elif (section := _section_of(key, sections)) is not None:
                section.read_file({key[len(section.name) + 1:]: value}, path, legacy=key)
            else:
                values[key] = value
                sources[key] = f"'{key}' in {path}"
    for name in Settings.model_fields:
        env_name = ENV_PREFIX + name.upper()
        if env_name in environ and name != "adapters":
            raw = environ[env_name]
            values[name] = _split(raw) if name in LIST_SETTINGS else raw
            sources[name] = env_name
    for section in sections.values():
        section.read_environ(environ)
    for key, value in (overrides or {}).items():
        if (section := _section_of(key, sections)) is not None:
            section.values[key[len(section.name) + 1:]] = value
            section.sources[key[len(section.name) + 1:]] = f"the command line ({key})"
        else:
            values[key] = value
    unknown = [k for k in values if k not in Settings.model_fields or k == "adapters"]
    if unknown:
        key = unknown[0]
        known = [*(k for k in Settings.model_fields if k != "adapters"), *sections]
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ConfigError(f"{sources.get(key, key)}: unknown setting{hint}")
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        raise _config_error(exc, sources, Settings) from None
    adapters = {name: section.validate() for name, section in sections.items()}
    settings = settings.model_copy(update={"adapters": adapters})
    _check_roles(settings, sections, sources.get("roles", f"{ENV_PREFIX}ROLES"))
    if "quests_dir" in values:  # named on purpose: it must be there
        check_quests_dir(settings, sources.get("quests_dir", f"{ENV_PREFIX}QUESTS_DIR"))
    return settings


def _check_roles(settings: Settings, sections: Mapping[str, object], source: str) -> None:
    known = (*CORE_ROLES, *sorted(sections))
    for role in settings.roles:
        if role not in known:
            close = difflib.get_close_matches(role, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{source}: unknown role {role!r}{hint}; expected some of "
                              f"{', '.join(known)}")


class AdapterSection:
    """One adapter's settings as they are read: from its ``[NAME]`` table, from top-level
    ``NAME_FIELD`` keys (the older spelling), and from ``QUESTBOT_NAME_FIELD`` variables."""

    def __init__(self, name: str, plugin: AdapterPlugin) -> None:
        taken = [f for f in Settings.model_fields if f == name or f.startswith(f"{name}_")]
        if not ADAPTER_NAME.match(name) or taken:
            raise ConfigError(f"adapter {name}: a name of lower-case letters and digits that"
                              f" no core setting starts with is needed"
                              f"{f' ({taken[0]} is one)' if taken else ''}")
        self.name = name
        self.model = _settings_model(name, plugin)
        self.values: dict[str, Any] = {}
        self.sources: dict[str, str] = {}

    def read_file(self, table: Mapping[str, Any], path: Path, legacy: str | None = None
                  ) -> None:
        for key, value in table.items():
            if key in self.values:
                raise ConfigError(f"{path}: '{self.name}_{key}' and '{key}' in [{self.name}]"
                                  f" both set the {self.name} adapter's {key}; keep one")
            self.values[key] = value
            self.sources[key] = f"'{legacy}' in {path}" if legacy else \
                f"'{key}' in [{self.name}] of {path}"

    def read_environ(self, environ: Mapping[str, str]) -> None:
        for field, info in self.model.model_fields.items():
            env_name = f"{ENV_PREFIX}{self.name.upper()}_{field.upper()}"
            if env_name in environ:
                raw = environ[env_name]
                listed = typing.get_origin(info.annotation) in (tuple, list)
                self.values[field] = _split(raw) if listed else raw
                self.sources[field] = env_name

    def validate(self) -> Any:
        unknown = [k for k in self.values if k not in self.model.model_fields]
        if unknown:
            key = unknown[0]
            close = difflib.get_close_matches(key, list(self.model.model_fields), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{self.sources.get(key, key)}: unknown {self.name} setting"
                              f"{hint}")
        try:
            return self.model.model_validate(self.values)
        except ValidationError as exc:
            where = {field: self.sources.get(
                field, f"{ENV_PREFIX}{self.name.upper()}_{field.upper()}")
                for field in self.model.model_fields}
            raise _config_error(exc, where, self.model) from None


def _settings_model(name: str, plugin: AdapterPlugin) -> type[BaseModel]:
    model = plugin.settings_model
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ConfigError(f"adapter {name}: its settings_model is not a pydantic model")
    return model


def _section_of(key: str, sections: Mapping[str, AdapterSection]) -> AdapterSection | None:
    prefix, _, field = key.partition("_")
    section = sections.get(prefix)
    return section if section is not None and field else None


def _config_error(exc: ValidationError, sources: Mapping[str, str],
                  model: type[BaseModel]) -> ConfigError:
    error = exc.errors()[0]
    message = _expected(error["msg"])
    name = str(error["loc"][0]) if error["loc"] else ""
    if not name and PROBLEM_SEPARATOR in message:
        name, message = message.split(PROBLEM_SEPARATOR, 1)
    where = sources.get(name) or (f"{ENV_PREFIX}{name.upper()}" if model is Settings
                                  and name in model.model_fields else name or "settings")
    field = model.model_fields.get(name)
    secret = "token" in name or "secret" in name or name == "smtp_url" or (
        field is not None and SecretStr in typing.get_args(field.annotation)) or (
        field is not None and field.annotation is SecretStr)
    shown = "" if secret or "input" not in error or not error["loc"] or ", got " in message \
        else f", got {error['input']!r}"
    # a token pasted into the wrong setting is still a token: never print one
    return ConfigError(redact_text(f"{where}: {message}{shown}"))


def check_quests_dir(settings: Settings, source: str = f"{ENV_PREFIX}QUESTS_DIR") -> None:
    """A quests folder that is not there is a mistake, never an empty catalogue."""
    folder = settings.quests_dir
    if not folder.exists():
        raise ConfigError(f"{source}: the quests folder {folder} does not exist")
    if not folder.is_dir():
        raise ConfigError(f"{source}: {folder} is not a folder of quest files")


def _config_file(config_path: Path | None, environ: Mapping[str, str]) -> Path | None:
    """``--config`` or ``QUESTBOT_CONFIG`` must name a file that exists (an empty
    ``QUESTBOT_CONFIG`` reads none); only the default ``./questbot.toml`` may be absent."""
    if config_path is not None:
        return config_path
    named = environ.get(f"{ENV_PREFIX}CONFIG")
    if named is None:
        return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None
    if not named.strip():
        return None
    path = Path(named)
    if not path.is_file():
        problem = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise ConfigError(f"{ENV_PREFIX}CONFIG: the configuration file {path} {problem}")
    return path


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    return data


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _expected(message: str) -> str:
    return message.replace("Input should be", "expected").replace("Value error, ", "")
