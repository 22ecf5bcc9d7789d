"""The terminal chat adapter's own sentences, in the core's catalogue as ``console.KEY``."""

from __future__ import annotations

from questbot.domain.text import register_messages, translate

NAMESPACE = "console"

register_messages(NAMESPACE, {
    "en": {
        "banner": "questbot terminal chat: you are {user}. Type /help for commands,"
        " /quit to leave.",
        "help": "In this terminal also: /as NAME (be someone else), /channel NAME (talk"
        " in another channel), /react (react to a post), file:PATH in a command (send that"
        " file with it, e.g. /submit QUEST STEP file:notes.pdf), /quit",
        "pick": "(answer with a number from 1 to {count})",
        "badge_file": "Badge image: {path}",
        "posted": "· posted in #{channel}",
        "delivery": "📬 message for {user}:",
        "now": "You are now {user}.",
        "no_file": "Cannot read {path}: {reason}.",
        "bad_name": "A name is 1-64 letters, digits, dots, dashes or underscores.",
    },
})


def say(key: str, language: str = "en", **params: object) -> str:
    return translate(f"{NAMESPACE}.{key}", language, **params)
