"""The SMTP server and the sender address, from ``QUESTBOT_SMTP_URL`` and
``QUESTBOT_SMTP_FROM``. Errors say what is wrong without ever repeating the URL (it holds
the password); the password shows as ``***`` in every ``repr``."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

_ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
_HOST = re.compile(r"^[A-Za-z0-9.:\[\]_-]{1,253}$")


class Security(enum.Enum):
    STARTTLS = "starttls"  # smtp:// with a user: TLS is required before the password goes
    IMPLICIT_TLS = "tls"  # smtps://
    NONE = "none"  # smtp:// without a user: a relay on this machine or network


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: Address = field(default_factory=lambda: Address(addr_spec="badges@example.org"))
    ca_file: Path | None = None  # certificates to trust besides the system's (a private CA)
    timeout: float = 30.0

    def __repr__(self) -> str:
        who = f"{self.username}:***@" if self.username else ""
        return (f"SmtpSettings({self.security.value}://{who}{self.host}:{self.port},"
                f" from={self.sender})")

    __str__ = __repr__

    @property
    def sender_domain(self) -> str:
        return self.sender.domain


def parse_smtp_url(url: str, sender: Address, ca_file: Path | None = None) -> SmtpSettings:
    """``smtp://user:password@host:587`` (STARTTLS), ``smtps://user:password@host:465``
    (TLS from the start) or ``smtp://host:25`` (no login, no TLS: a local relay). Raises
    ValueError with a message that never contains the URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError("expected smtp://user:password@host:587, smtps://user:password@host"
                         " or smtp://host:25 (the port must be a number up to 65535)"
                         ) from None
    if parts.netloc.count("@") > 1:  # which @ ends the password? Refused, not guessed
        raise ValueError("the URL holds more than one @: write an @ in the user name or"
                         " password as %40")
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("expected a URL starting smtp:// (STARTTLS, or no login for a local"
                         " relay) or smtps:// (TLS from the start)")
    host = parts.hostname or ""
    if not host or not _HOST.match(host):
        raise ValueError("the URL names no server (expected smtp://user:password@host:587)")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("the URL must end at the host and port (no path or ?options)")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username and not password:
        raise ValueError("the URL names a user but no password (smtp://user:password@host)")
    if password and not username:
        raise ValueError("the URL has a password but no user name")
    if parts.scheme == "smtps":
        security = Security.IMPLICIT_TLS
    else:
        security = Security.STARTTLS if username else Security.NONE
    default_port = {Security.IMPLICIT_TLS: 465, Security.STARTTLS: 587, Security.NONE: 25}
    if ca_file is not None and not ca_file.is_file():
        raise ValueError(f"the certificate file {ca_file} does not exist")
    return SmtpSettings(host, port or default_port[security], security, username, password,
                        sender, ca_file)


def parse_from(text: str) -> Address:
    """``Badges <badges@example.org>`` or ``badges@example.org``."""
    name, address = parseaddr(text.strip())
    if not address or not _ADDRESS.match(address) or any(c in text for c in "\r\n"):
        raise ValueError("expected an address such as 'Questbot badges <badges@example.org>'"
                         " or badges@example.org")
    local, _, domain = address.rpartition("@")
    try:
        return Address(display_name=name, username=local, domain=domain)
    except (ValueError, IndexError):
        raise ValueError("expected an address such as badges@example.org") from None
