"""The Telegram adapter's own sentences, in the core's catalogue as ``telegram.KEY``."""

from __future__ import annotations

from questbot.domain.text import register_messages, translate

NAMESPACE = "telegram"

register_messages(NAMESPACE, {
    "en": {
        "text_only": "I read text messages and commands; type /help to see them.",
    },
})


def say(key: str, language: str = "en", **params: object) -> str:
    return translate(f"{NAMESPACE}.{key}", language, **params)
