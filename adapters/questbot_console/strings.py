"""The terminal chat adapter's own sentences, in ``console.KEY`` form beside the
core's catalogue; their texts are the gettext catalogues
``locale/LANG/LC_MESSAGES/questbot_console.po``."""

from __future__ import annotations

from questbot.i18n import register_catalogues, translate

NAMESPACE = "console"

register_catalogues(NAMESPACE, "questbot_console")


def say(key: str, language: str = "en", **params: object) -> str:
    return translate(f"{NAMESPACE}.{key}", language, **params)
