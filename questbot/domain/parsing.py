"""Chat text to commands. The command names are the same on every platform."""

from __future__ import annotations

import re

from questbot.domain.ids import UserRef, normalise_email
from questbot.domain.messages import (
    Answer,
    CheckIn,
    Command,
    ExportData,
    ForgetMe,
    Grant,
    Help,
    Invalid,
    IssueCode,
    JoinQuest,
    LinkAccount,
    ListBadges,
    ListQuests,
    MakeTutor,
    PostMessage,
    React,
    Reload,
    Revoke,
    SetEmail,
    ShowName,
    ShowProgress,
    Start,
    StartQuiz,
)

MAX_TEXT = 4000
MAX_REASON = 500

LEARNER_COMMANDS = ("start", "help", "quests", "join", "progress", "badges", "quiz", "answer",
                    "checkin", "email", "showname", "link", "mydata", "forget")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
TUTOR_COMMANDS = ("code", "grant", "revoke")
ADMIN_COMMANDS = ("tutor", "reload")


def parse_text(text: str, platform: str, reply_to: UserRef | None = None,
               reply_to_name: str | None = None) -> Command:
    """Read one chat message. ``reply_to`` is the author of the message being replied to,
    which tutor commands use as their learner when none is named."""
    if len(text) > MAX_TEXT:
        return Invalid("input.too_long", (("limit", str(MAX_TEXT)),))
    stripped = text.strip()
    if not stripped.startswith("/"):
        return PostMessage(stripped)
    # The name ends at any white space, so "/join\tquest" and "/answer\n42" are commands too
    # (found by fuzzing: a tab once made the whole line an unknown command's name).
    line = stripped[1:]
    cut = next((i for i, c in enumerate(line) if c.isspace()), len(line))
    head, rest = line[:cut], line[cut:]
    name = head.split("@", 1)[0].lower()  # Telegram appends @botname in groups
    args = rest.split()
    match name:
        case "start":
            return Start()
        case "help":
            return Help()
        case "quests":
            return ListQuests()
        case "join":
            return JoinQuest(args[0].lower()) if len(args) == 1 else _usage("join")
        case "progress":
            return ShowProgress(args[0].lower() if args else None)
        case "badges":
            return ListBadges()
        case "quiz":
            if len(args) > 2:
                return _usage("quiz")
            return StartQuiz(*(a.lower() for a in args))
        case "answer":
            return Answer(rest.strip()) if rest.strip() else _usage("answer")
        case "checkin":
            return CheckIn("".join(args)) if args else _usage("checkin")
        case "react":
            return React()
        case "email":
            if len(args) != 1:
                return _usage("email")
            if args[0].lower() in ("off", "none", "remove"):
                return SetEmail(None)
            address = normalise_email(args[0])
            return SetEmail(address) if _EMAIL.match(address) else _usage("email")
        case "mydata":
            return ExportData()
        case "forget":
            return ForgetMe(confirmed=[a.lower() for a in args] == ["confirm"])
        case "link":
            # a code may be typed in pieces ("ABCD EFGHJK"), as it is shown ("ABCD-EFGHJK")
            code = "".join(args).replace("-", "").upper()
            if len(code) > 32:
                return _usage("link")
            return LinkAccount(code or None)
        case "showname":
            if len(args) != 1 or args[0].lower() not in ("on", "off"):
                return _usage("showname")
            return ShowName(args[0].lower() == "on")
        case "code":
            if not 1 <= len(args) <= 2:
                return _usage("code")
            return IssueCode(*(a.lower() for a in args))
        case "grant" | "revoke":
            return _parse_award_command(name, args, platform, reply_to, reply_to_name)
        case "tutor":
            return _parse_tutor(args, platform, reply_to, reply_to_name)
        case "reload":
            return Reload()
        case _:
            return Invalid("command.unknown", (("name", name[:40]),))


def _usage(command: str) -> Invalid:
    return Invalid(f"usage.{command}")


def _parse_award_command(
    name: str, args: list[str], platform: str, reply_to: UserRef | None,
    reply_to_name: str | None = None,
) -> Command:
    needed = 3 if reply_to else 4  # [LEARNER] QUEST ITEM REASON...
    if len(args) < needed:
        return _usage(name)
    try:
        target = reply_to or UserRef.parse(args.pop(0), platform)
    except ValueError:
        return _usage(name)
    quest_id, item = args[0].lower(), args[1].lower()
    reason = " ".join(args[2:])[:MAX_REASON]
    if name == "grant":
        return Grant(target, quest_id, item, reason, reply_to_name if reply_to else None)
    return Revoke(target, quest_id, item, reason)


def _parse_tutor(args: list[str], platform: str, reply_to: UserRef | None,
                 reply_to_name: str | None = None) -> Command:
    remove = bool(args) and args[-1].lower() in ("remove", "off")
    if remove:
        args = args[:-1]
    if len(args) > 1 or (not args and reply_to is None):
        return _usage("tutor")
    try:
        target = reply_to or UserRef.parse(args[0], platform)
    except ValueError:
        return _usage("tutor")
    return MakeTutor(target, remove, reply_to_name if reply_to else None)
