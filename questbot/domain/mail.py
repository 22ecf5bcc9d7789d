"""What the engine and the mail sender agree on about email: how long codes live, and how a
message by email carries its subject."""

from __future__ import annotations

from datetime import timedelta

from questbot.domain.messages import Text

CLAIM_CODE_LIFETIME = timedelta(days=90)  # emails are read late; the code works once
CONFIRMATION_LIFETIME = timedelta(minutes=30)
CONFIRMATION_WINDOW = timedelta(hours=1)  # the rate limits of confirmation emails count in it


def email_text(subject: str, body: str, language: str) -> Text:
    """A message by email other than a badge: its first line is the subject."""
    return Text(f"{' '.join(subject.split())}\n{body}", language)


def subject_and_body(message: Text) -> tuple[str, str]:
    subject, _, body = message.text.partition("\n")
    return subject, body.lstrip("\n")
