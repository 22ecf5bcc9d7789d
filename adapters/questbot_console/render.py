"""Engine results as terminal text."""

from __future__ import annotations

from questbot.domain import (
    Announcement,
    BadgeAwarded,
    GrantRole,
    InviteLink,
    Outbound,
    Question,
    RemoveRole,
    Text,
)
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
            return f"{message.note}\n{text}" if message.note else text
        case Announcement(text=text):
            return text
        case GrantRole(role=role, role_name=name):
            return say("cannot_reward", language,
                       reward=say("reward_role", language, role=name or role))
        case RemoveRole(role=role, role_name=name):
            return say("cannot_reward", language,
                       reward=say("reward_role_removed", language, role=name or role))
        case InviteLink():
            return say("cannot_reward", language, reward=say("reward_invite", language))
