"""The sentences of the emails, ``mail.KEY`` beside the core's catalogue; their texts are
``questbot/mail/locale/LANG/LC_MESSAGES/questbot_mail.po``."""

from __future__ import annotations

from questbot.i18n import own_sentences

NAMESPACE = "mail"

say = own_sentences(NAMESPACE, "questbot.mail", domain="questbot_mail")
