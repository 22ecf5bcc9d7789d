"""Email: badges and confirmation codes sent through the outbox (platform ``email``) to an
SMTP server, each message once.

- ``smtp_settings``: ``QUESTBOT_SMTP_URL`` and ``QUESTBOT_SMTP_FROM``, read and checked;
- ``compose``: the message (text and HTML in the reader's language, the baked badge);
- ``sender``: one message to the server, and what the server's answer means for the outbox;
- ``pump``: the outbox pump for email."""

from questbot.mail.compose import Composer
from questbot.mail.pump import email_pump
from questbot.mail.sender import SmtpSender
from questbot.mail.smtp_settings import SmtpSettings, parse_from, parse_smtp_url

__all__ = ["Composer", "SmtpSender", "SmtpSettings", "email_pump", "parse_from",
           "parse_smtp_url"]
