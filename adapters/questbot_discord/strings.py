"""The Discord adapter's own sentences, in the core's catalogue as ``discord.KEY``."""

from __future__ import annotations

from questbot.domain.text import register_messages, translate

NAMESPACE = "discord"

register_messages(NAMESPACE, {
    "en": {
        "done": "Done.",
        "answer_title": "Your answer",
        "answer_label": "Answer",
        "type_answer": "Type your answer",
        "badge_embed": "Earned in {quest}. Open the link to verify it.",
        "issuer": "Issuer",
        "verify": "Verify",
        "linkedin": "Share",
        "linkedin_link": "Add to LinkedIn profile",
    },
})


def say(key: str, language: str = "en", **params: object) -> str:
    return translate(f"{NAMESPACE}.{key}", language, **params)
