"""One message to the SMTP server, and what its answer means for the outbox.

- 2xx after the message: delivered (handed to the server, which now owns it);
- a 5xx reply to the recipient or the message (550 no such user, 552 too large...): failed
  at once, with the server's words, shown to admins; trying again would get the same answer;
- a 4xx reply (greylisting, a full queue): refused, tried again after a back-off;
- the server cannot be reached, or will not let us log in: unreachable, the attempt does not
  count and the round stops (nothing is sent until it can be);
- the connection drops or times out once the message is being handed over (after DATA):
  uncertain. The server may have queued it before the reply was lost, so it is never sent
  again automatically; ``questbot outbox`` lists it and an admin decides.

The password goes only to aiosmtplib's login; no error text here contains it."""

from __future__ import annotations

import logging
import ssl
from email.message import EmailMessage

import aiosmtplib

from questbot.kit import Attempted, Sent
from questbot.mail.smtp_settings import Security, SmtpSettings

log = logging.getLogger(__name__)


def _reply(error: aiosmtplib.SMTPResponseException) -> str:
    return f"{error.code} {' '.join(str(error.message).split())}"[:300]


def _meaning(code: int) -> Sent:
    return Sent.FAILED if 500 <= code < 600 else Sent.REFUSED


class SmtpSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings
        self._tls = self._tls_context()

    def _tls_context(self) -> ssl.SSLContext | None:
        if self._settings.security is Security.NONE:
            return None
        context = ssl.create_default_context()
        if self._settings.ca_file is not None:
            context.load_verify_locations(cafile=str(self._settings.ca_file))
        return context

    def _client(self) -> aiosmtplib.SMTP:
        settings = self._settings
        return aiosmtplib.SMTP(
            hostname=settings.host, port=settings.port, timeout=settings.timeout,
            use_tls=settings.security is Security.IMPLICIT_TLS,
            start_tls=settings.security is Security.STARTTLS,
            tls_context=self._tls)

    async def send(self, email: EmailMessage, recipient: str) -> Attempted:
        settings = self._settings
        smtp = self._client()
        try:
            try:
                await smtp.connect()
                if settings.username is not None and settings.password is not None:
                    await smtp.login(settings.username, settings.password)
            except aiosmtplib.SMTPAuthenticationError as exc:
                log.warning("the SMTP server %s refused the login of %s: %s", settings.host,
                            settings.username, _reply(exc))
                return Attempted(Sent.UNREACHABLE, f"login refused: {_reply(exc)}")
            except (aiosmtplib.SMTPException, OSError) as exc:
                return Attempted(Sent.UNREACHABLE, f"cannot reach {settings.host}:"
                                                   f"{settings.port}: {type(exc).__name__}")
            return await self._transaction(smtp, email, recipient)
        finally:
            if smtp.is_connected:
                try:
                    await smtp.quit()
                except (aiosmtplib.SMTPException, OSError):
                    smtp.close()

    async def _transaction(self, smtp: aiosmtplib.SMTP, email: EmailMessage, recipient: str
                           ) -> Attempted:
        sender = self._settings.sender.addr_spec
        try:
            await smtp.mail(sender)
            await smtp.rcpt(recipient)
        except aiosmtplib.SMTPResponseException as exc:
            return Attempted(_meaning(exc.code), _reply(exc))
        except (aiosmtplib.SMTPException, OSError) as exc:
            # Nothing of the message has gone: the next round tries again.
            return Attempted(Sent.UNREACHABLE, f"connection lost before the message:"
                                               f" {type(exc).__name__}")
        try:
            await smtp.data(email.as_bytes())
        except aiosmtplib.SMTPResponseException as exc:
            return Attempted(_meaning(exc.code), _reply(exc))
        except (aiosmtplib.SMTPException, OSError) as exc:
            return Attempted(Sent.UNCERTAIN, f"no answer after the message was handed over"
                                             f" ({type(exc).__name__}): it may have been"
                                             " accepted")
        return Attempted(Sent.DELIVERED)
