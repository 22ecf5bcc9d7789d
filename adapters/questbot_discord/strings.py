"""The Discord adapter's own sentences, in ``discord.KEY`` form beside the
core's catalogue; their texts are the gettext catalogues
``locale/LANG/LC_MESSAGES/questbot_discord.po``."""

from __future__ import annotations

from questbot.i18n import register_catalogues, translate

NAMESPACE = "discord"

register_catalogues(NAMESPACE, "questbot_discord")


def say(key: str, language: str = "en", **params: object) -> str:
    return translate(f"{NAMESPACE}.{key}", language, **params)
