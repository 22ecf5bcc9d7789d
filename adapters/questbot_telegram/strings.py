"""The Telegram adapter's own sentences, in ``telegram.KEY`` form beside the
core's catalogue; their texts are the gettext catalogues
``locale/LANG/LC_MESSAGES/questbot_telegram.po``."""

from __future__ import annotations

from questbot.i18n import own_sentences

NAMESPACE = "telegram"

say = own_sentences(NAMESPACE, "questbot_telegram")
