"""The Telegram adapter's own sentences, in ``telegram.KEY`` form beside the
core's catalogue; their texts are the gettext catalogues
``locale/LANG/LC_MESSAGES/questbot_telegram.po``."""

from __future__ import annotations

from questbot.i18n import register_catalogues, translate

NAMESPACE = "telegram"

register_catalogues(NAMESPACE, "questbot_telegram")


def say(key: str, language: str = "en", **params: object) -> str:
    return translate(f"{NAMESPACE}.{key}", language, **params)
