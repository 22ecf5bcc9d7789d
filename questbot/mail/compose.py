"""One outbox row as an email: multipart/alternative (plain text and HTML, from the same
sentences, in the reader's language) and, for a badge, the baked PNG attached. The HTML is
rendered with autoescape on: badge names, quest titles and codes are text, never markup."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from questbot.domain.mail import CLAIM_CODE_LIFETIME, subject_and_body
from questbot.domain.messages import BadgeAwarded, Delivery, Question, Text
from questbot.i18n import shipped_languages
from questbot.mail.words import say

_TEMPLATES = Environment(
    loader=PackageLoader("questbot.mail", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined, keep_trailing_newline=True)
MAX_SUBJECT = 200


@dataclass(frozen=True)
class Composer:
    issuer: str  # the community's name, as its badges name it
    home: str  # the badge server's public URL
    sender: Address
    default_language: str = "en"
    colour: str = "#1f4e79"

    def language(self, wanted: str) -> str:
        shipped = shipped_languages()
        primary = wanted.split("-", 1)[0].lower()
        if primary in shipped:
            return primary
        return self.default_language if self.default_language in shipped else "en"

    def compose(self, delivery: Delivery, png: bytes | None, now: datetime) -> EmailMessage:
        message = delivery.message
        match message:
            case BadgeAwarded():
                email = self._badge(message, png)
            case Text() | Question():
                email = self._message(Text(message.text, message.language))
            case _:  # rewards and announcements go to chat accounts only
                raise ValueError(f"a {type(message).__name__} is not sent by email")
        email["Content-Language"] = self.language(message.language)
        email["From"] = self.sender
        email["To"] = delivery.recipient.user_id
        email["Date"] = format_datetime(now)
        email["Message-ID"] = self.message_id(delivery)
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
        return email

    def message_id(self, delivery: Delivery) -> str:
        """The same for every attempt at one row, so a receiving system can tell a copy."""
        digest = hashlib.sha256(f"{self.home}|{delivery.recipient}|{delivery.delivery_id}"
                                .encode()).hexdigest()[:20]
        return f"<questbot.{delivery.delivery_id}.{digest}@{self.sender.domain}>"

    def _badge(self, message: BadgeAwarded, png: bytes | None) -> EmailMessage:
        language = self.language(message.language)
        subject = say("subject_badge", language, badge=message.badge_name)
        values = self._values(language, subject, badge=message.badge_name,
                              quest=message.quest_title, url=message.url,
                              claim_code=message.claim_code,
                              claim_days=CLAIM_CODE_LIFETIME.days)
        email = self._alternative(subject, "badge", values)
        if png is not None:
            email.add_attachment(png, maintype="image", subtype="png",
                                 filename=f"badge-{message.award_id}.png")
        return email

    def _message(self, message: Text) -> EmailMessage:
        language = self.language(message.language)
        subject, body = subject_and_body(message)
        paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
        values = self._values(language, subject, body=body, paragraphs=paragraphs)
        return self._alternative(subject, "message", values)

    def _values(self, language: str, subject: str, **values: object) -> dict[str, object]:
        def t(key: str, **params: object) -> str:
            return say(key, language, **params)
        return {"t": t, "language": language, "subject": subject, "issuer": self.issuer,
                "home": self.home, "colour": self.colour, **values}

    def _alternative(self, subject: str, template: str, values: dict[str, object]
                     ) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = " ".join(subject.split())[:MAX_SUBJECT]
        email.set_content(_TEMPLATES.get_template(f"{template}.txt").render(values))
        email.add_alternative(_TEMPLATES.get_template(f"{template}.html").render(values),
                              subtype="html")
        return email
