"""Engine results as terminal text."""

from __future__ import annotations

from questbot.domain import BadgeAwarded, Outbound, Question, Text
from questbot.i18n import translate
from questbot_console.strings import say


def render(message: Outbound, language: str = "en") -> str:
    """``language``: the community's, unless the engine said whose the message is."""
    if message.language:
        language = message.language
    match message:
        case Text(text=text):
            return text
        case Question(text=text, choices=choices, time_limit_seconds=limit):
            lines = [text]
            lines += [f"  {number}) {choice.label}" for number, choice in
                      enumerate(choices, start=1)]
            if choices:
                lines.append(say("pick", language, count=len(choices)))
            if limit:
                lines.append(translate("quiz.time_limit", language, seconds=limit))
            return "\n".join(lines)
        case BadgeAwarded(badge_name=name, quest_title=quest, url=url, image_path=path):
            text = translate("badge.awarded", language, badge=name, quest=quest, url=url)
            if path:
                text += "\n" + say("badge_file", language, path=path)
            return text
