"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the email tests: STARTTLS with a
certificate made for the test, login required, and every message it accepted kept as bytes.
It can refuse recipients (550) or drop the connection once a message has been handed over."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.server import free_port

USER = "questbot"
PASSWORD = "s3cret-Pa55word!"


@dataclass
class Mailbox:
    """What the server received, and how it behaves: ``ok``, ``550`` (no such user) or
    ``drop`` (close the connection after the message, before the reply)."""

    mode: str = "ok"
    received: list[bytes] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for raw in self.received]

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.mode == "550":
            return "550 5.1.1 <" + address + ">: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(bytes(envelope.original_content or envelope.content))
        if self.mode == "drop":
            server.transport.abort()  # the message is here; its 250 never leaves
        return "250 2.0.0 queued"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.logins.append(data.login.decode())
            if data.login.decode() == USER and data.password.decode() == PASSWORD:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@dataclass
class SmtpServer:
    url: str
    ca_file: Path
    mailbox: Mailbox


@contextmanager
def smtp_server(folder: Path) -> Iterator[SmtpServer]:
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    ca_file = folder / "smtp-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, auth_required=True,
                            auth_require_tls=True, authenticator=mailbox.authenticate)
    controller.start()
    try:
        yield SmtpServer(f"smtp://{USER}:{PASSWORD.replace('!', '%21')}@127.0.0.1:{port}",
                         ca_file, mailbox)
    finally:
        controller.stop()
