"""Secrets never reach a log line. httpx (under python-telegram-bot) logs every request URL at
DEBUG and Telegram's URLs carry the bot token (``.../bot<TOKEN>/getMe``); exception texts and
tracebacks may carry it too. A filter on every root handler rewrites each record before any
handler formats it: the configured secrets and anything shaped like a bot token become
``[REDACTED]`` in the message, its arguments, the exception text and the stack."""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote, unquote, urlsplit

from pydantic import BaseModel, SecretStr

REDACTED = "[REDACTED]"
MIN_SECRET = 6  # shorter "secrets" would blank out ordinary words
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

TOKEN_PATTERNS = (
    # Telegram: <bot id>:<35 characters>, alone or in /bot<TOKEN>/ URLs, or URL-encoded
    re.compile(r"(?<![0-9])[0-9]{3,}(?::|%3[Aa])[A-Za-z0-9_-]{30,}"),
    # Discord: three base64url parts (user id, timestamp, HMAC); JWTs look alike and are
    # secrets as well
    re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{25,}"),
    # Authorization headers, whatever the token looks like
    re.compile(r"(?i)(?<=authorization)(['\"]?\s*[:=]\s*['\"]?(?:bot|bearer)\s+)[^\s'\",}]+"),
)


def secret_values(settings: BaseModel) -> list[str]:
    """Every SecretStr setting's value (tokens, webhook secrets), the adapters' sections'
    included."""
    values = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr) and value.get_secret_value():
            values.append(value.get_secret_value())
            values.extend(_url_password(value.get_secret_value()))
        elif isinstance(value, BaseModel):
            values.extend(secret_values(value))
        elif isinstance(value, dict):
            values.extend(v for section in value.values() if isinstance(section, BaseModel)
                          for v in secret_values(section))
    return values


def _url_password(value: str) -> list[str]:
    """The password inside a URL secret (smtp://user:PASSWORD@host), which may show alone."""
    try:
        password = urlsplit(value).password
    except ValueError:
        return []
    return [password, unquote(password)] if password else []


class RedactSecrets(logging.Filter):
    """Rewrites records in place so that every handler after it sees no secret."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = ()
        self.set_secrets(secrets)

    def set_secrets(self, secrets: Iterable[str]) -> None:
        forms = set()
        for secret in secrets:
            if len(secret) >= MIN_SECRET:
                forms.update({secret, quote(secret, safe=""), quote(secret)})
        self.secrets = tuple(sorted(forms, key=len, reverse=True))  # longest first

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern in TOKEN_PATTERNS:
            text = pattern.sub(_replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: show its parts, redacted
            message = f"{record.msg!s} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
            record.exc_info = None  # handlers print exc_text; the objects may hold the secret
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _replacement(match: re.Match[str]) -> str:
    if match.re is TOKEN_PATTERNS[2]:
        return match.group(1) + REDACTED
    return REDACTED


def install_redaction(secrets: Iterable[str], logger: logging.Logger | None = None
                      ) -> RedactSecrets:
    """Put one redacting filter on every handler of ``logger`` (the root logger): a filter
    on a logger would miss the records its children propagate."""
    logger = logger or logging.getLogger()
    secrets = list(secrets)
    installed: RedactSecrets | None = None
    for handler in logger.handlers:
        existing = next((f for f in handler.filters if isinstance(f, RedactSecrets)), None)
        if existing is None:
            existing = installed or RedactSecrets(secrets)
            handler.addFilter(existing)
        else:
            existing.set_secrets(secrets)
        installed = installed or existing
    return installed or RedactSecrets(secrets)


class _QuestbotHandler(logging.StreamHandler[TextIO]):
    """The handler questbot installs; found and replaced when logging is set up again."""


class _StderrHandler(_QuestbotHandler):
    """Writes to whatever ``sys.stderr`` is when a record arrives (as logging's last resort
    does), so a replaced stderr (tests, redirection) never leaves it writing to a closed one."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return sys.stderr


def configure_logging(level: str, secrets: Iterable[str], stream: TextIO | None = None
                      ) -> logging.Handler:
    """Logs go to ``stream`` (stderr) at ``level``, with every secret redacted."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _QuestbotHandler)]:
        root.removeHandler(old)
        old.close()
    handler = _QuestbotHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    install_redaction(secrets, root)
    return handler


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """The same redaction for text that is printed rather than logged."""
    return RedactSecrets(secrets).redact(text)


__all__ = ["REDACTED", "RedactSecrets", "configure_logging", "install_redaction",
                      "redact_text", "secret_values"]
