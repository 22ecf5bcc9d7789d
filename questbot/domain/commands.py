"""Every chat command, declared once.

The text parser, ``/help``, Telegram's command menus and Discord's slash commands are all
made from ``COMMANDS``: a new command is one ``CommandSpec`` here (with its ``help.NAME`` and
``usage.NAME`` sentences in the catalogue) and one case in the engine's handler table.

A spec names its parameters in order. Platforms fill them their own way (the text parser
from words, Discord from a slash command's options, a reply from the replied-to author) and
hand them to ``build``, which makes the command or explains its usage.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from questbot.domain.ids import UserRef, normalise_email
from questbot.domain.messages import (
    Answer,
    CheckIn,
    ClaimBadge,
    Command,
    ConfirmEmail,
    ExportData,
    ForgetMe,
    Grant,
    Help,
    HideBadge,
    Invalid,
    IssueCode,
    JoinQuest,
    LeaderboardName,
    LinkAccount,
    ListBadges,
    ListPathways,
    ListQuests,
    ListSubmissions,
    MakeTutor,
    OpenDashboard,
    OpenWallet,
    React,
    Reload,
    ReviewSubmission,
    Revoke,
    SetEmail,
    SetLanguage,
    SetReminders,
    ShowCounters,
    ShowLeaderboard,
    ShowName,
    ShowProgress,
    ShowRecord,
    Start,
    StartQuiz,
    Submit,
)
from questbot.domain.progress import Role
from questbot.domain.submissions import Attachment

MAX_REASON = 500
MAX_EVIDENCE = 1000
MAX_ANSWER = 400  # longer answers are refused by the quiz anyway; this bounds what is kept
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


class Kind(enum.Enum):
    """How a parameter is written."""

    WORD = "word"  # one word, compared without case (ids)
    TEXT = "text"  # the rest of the line, as typed
    CODE = "code"  # the rest of the line without spaces and dashes, in capitals
    LEARNER = "learner"  # platform:id, an id on the same platform, or the replied-to author
    CHOICE = "choice"  # one of ``choices``
    FILE = "file"  # a file sent with the command (never typed: the platform attaches it)


@dataclass(frozen=True, slots=True)
class Param:
    name: str  # also the Discord option's name, and the catalogue key ``param.NAME``
    kind: Kind
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Args:
    """Parameters as a platform read them; missing optional ones are absent."""

    values: Mapping[str, str] = field(default_factory=dict)
    learner: UserRef | None = None
    learner_name: str | None = None  # the name the platform shows for ``learner``
    attachment: Attachment | None = None  # a file sent with the command

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def word(self, name: str) -> str:
        return self.values[name]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    role: Role  # who is offered it (the engine checks roles again)
    params: tuple[Param, ...]
    build: Callable[[Args], Command]
    listed: bool = True  # in /help and the platforms' menus
    extra_words: bool = False  # words past the parameters are ignored (Telegram's /start X)

    @property
    def help_key(self) -> str:
        return f"help.{self.name}"

    @property
    def usage(self) -> Invalid:
        return Invalid(f"usage.{self.name}")


def _usage(name: str) -> Invalid:
    return Invalid(f"usage.{name}")


def _optional(args: Args, *names: str) -> list[str]:
    return [value for name in names if (value := args.get(name)) is not None]


def _email(args: Args) -> Command:
    """``/email ADDRESS``, ``/email off``, or ``/email CODE`` (the code emailed to ADDRESS)."""
    address = args.word("address")
    if address in ("off", "none", "remove"):
        return SetEmail(None)
    if "@" not in address:
        code = _code(address)
        return ConfirmEmail(code) if code else _usage("email")
    address = normalise_email(address)
    return SetEmail(address) if _EMAIL.match(address) else _usage("email")


def _code(word: str) -> str | None:
    """A code as typed (ABCD-EFGHJK, any case), as the engine compares it."""
    code = word.replace("-", "").upper()
    return code if code.isascii() and code.isalnum() and 6 <= len(code) <= 32 else None


def _claim(args: Args) -> Command:
    code = args.word("code")
    return ClaimBadge(code) if len(code) <= 32 else _usage("claim")


def _link(args: Args) -> Command:
    code = args.get("code") or ""
    return _usage("link") if len(code) > 32 else LinkAccount(code or None)


def _wallet(args: Args) -> Command:
    """``/wallet``, ``/wallet rotate``, ``/wallet hide N`` or ``/wallet show N``."""
    action, badge = args.get("action"), args.get("badge")
    if action in ("hide", "show") and badge is not None and len(badge) <= 64:
        return HideBadge(badge, hidden=action == "hide")
    if badge is None and action in (None, "rotate"):
        return OpenWallet(rotate=action == "rotate")
    return _usage("wallet")


def _grant(args: Args) -> Command:
    assert args.learner is not None  # a required LEARNER parameter
    return Grant(args.learner, args.word("quest"), args.word("item"),
                 args.word("reason")[:MAX_REASON], args.learner_name)


def _revoke(args: Args) -> Command:
    assert args.learner is not None
    return Revoke(args.learner, args.word("quest"), args.word("item"),
                  args.word("reason")[:MAX_REASON])


def _submit(args: Args) -> Command:
    text = args.get("evidence")
    if text is None and args.attachment is None:
        return _usage("submit")
    return Submit(args.word("quest"), args.word("step"), text[:MAX_EVIDENCE] if text else None,
                  args.attachment, public=args.get("share") == "public")


def _review(approve: bool) -> Callable[[Args], Command]:
    def build(args: Args) -> Command:
        return ReviewSubmission(args.word("submission"), approve,
                                (args.get("feedback") or "")[:MAX_REASON])
    return build


def _leaderboard(args: Args) -> Command:
    match args.get("view"):
        case "optin":
            return LeaderboardName(show=True)
        case "optout":
            return LeaderboardName(show=False)
        case "all":
            return ShowLeaderboard(all_time=True)
        case "season":
            return ShowLeaderboard(all_time=False)
        case _:
            return ShowLeaderboard()
def _counters(args: Args) -> Command:
    assert args.learner is not None
    reason = args.get("reason")
    if args.get("reset") is None:
        return ShowCounters(args.learner, target_name=args.learner_name)
    if not reason:
        return _usage("counters")
    return ShowCounters(args.learner, True, reason[:MAX_REASON], args.learner_name)


def _tutor(args: Args) -> Command:
    assert args.learner is not None
    return MakeTutor(args.learner, args.get("remove") is not None, args.learner_name)


_QUEST = Param("quest", Kind.WORD)
_MAYBE_QUEST = Param("quest", Kind.WORD, required=False)
_MAYBE_STEP = Param("step", Kind.WORD, required=False)
_LEARNER = Param("learner", Kind.LEARNER)
_ITEM = Param("item", Kind.WORD)
_REASON = Param("reason", Kind.TEXT)

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", Role.LEARNER, (), lambda _: Start(), extra_words=True),
    CommandSpec("help", Role.LEARNER, (), lambda _: Help(), extra_words=True),
    CommandSpec("quests", Role.LEARNER, (), lambda _: ListQuests(), extra_words=True),
    CommandSpec("join", Role.LEARNER, (_QUEST,), lambda a: JoinQuest(a.word("quest"))),
    CommandSpec("progress", Role.LEARNER, (_MAYBE_QUEST,),
                lambda a: ShowProgress(a.get("quest")), extra_words=True),
    CommandSpec("badges", Role.LEARNER, (), lambda _: ListBadges(), extra_words=True),
    CommandSpec("pathways", Role.LEARNER, (), lambda _: ListPathways(), extra_words=True),
    CommandSpec("quiz", Role.LEARNER, (_MAYBE_QUEST, _MAYBE_STEP),
                lambda a: StartQuiz(*_optional(a, "quest", "step"))),
    CommandSpec("answer", Role.LEARNER, (Param("text", Kind.TEXT),),
                lambda a: Answer(a.word("text")[:MAX_ANSWER])),
    CommandSpec("checkin", Role.LEARNER, (Param("code", Kind.CODE),),
                lambda a: CheckIn(a.word("code"))),
    CommandSpec("email", Role.LEARNER, (Param("address", Kind.WORD),), _email),
    CommandSpec("showname", Role.LEARNER, (Param("show", Kind.CHOICE, choices=("on", "off")),),
                lambda a: ShowName(a.word("show") == "on")),
    CommandSpec("language", Role.LEARNER, (Param("language", Kind.WORD, required=False),),
                lambda a: SetLanguage(a.get("language"))),
    CommandSpec("link", Role.LEARNER, (Param("code", Kind.CODE, required=False),), _link),
    CommandSpec("claim", Role.LEARNER, (Param("code", Kind.CODE),), _claim),
    CommandSpec("mydata", Role.LEARNER, (), lambda _: ExportData(), extra_words=True),
    CommandSpec("forget", Role.LEARNER,
                (Param("confirm", Kind.CHOICE, required=False, choices=("confirm",)),),
                lambda a: ForgetMe(confirmed=a.get("confirm") == "confirm"), extra_words=True),
    CommandSpec("wallet", Role.LEARNER,
                (Param("action", Kind.CHOICE, required=False, choices=("rotate", "hide", "show")),
                 Param("badge", Kind.TEXT, required=False)), _wallet),
    CommandSpec("record", Role.LEARNER, (), lambda _: ShowRecord(), extra_words=True),
    CommandSpec("submit", Role.LEARNER,
                (_QUEST, Param("step", Kind.WORD),
                 Param("share", Kind.CHOICE, required=False, choices=("public",)),
                 Param("evidence", Kind.TEXT, required=False),
                 Param("file", Kind.FILE, required=False)), _submit),
    CommandSpec("leaderboard", Role.LEARNER,
                (Param("view", Kind.CHOICE, required=False,
                       choices=("season", "all", "optin", "optout")),), _leaderboard),
    CommandSpec("reminders", Role.LEARNER,
                (Param("reminders", Kind.CHOICE, choices=("on", "off")),),
                lambda a: SetReminders(a.word("reminders") == "on")),
    CommandSpec("react", Role.LEARNER, (), lambda _: React(), listed=False, extra_words=True),
    CommandSpec("code", Role.TUTOR, (_QUEST, _MAYBE_STEP),
                lambda a: IssueCode(a.word("quest"), a.get("step"))),
    CommandSpec("grant", Role.TUTOR, (_LEARNER, _QUEST, _ITEM, _REASON), _grant),
    CommandSpec("revoke", Role.TUTOR, (_LEARNER, _QUEST, _ITEM, _REASON), _revoke),
    CommandSpec("review", Role.TUTOR, (_MAYBE_QUEST,),
                lambda a: ListSubmissions(a.get("quest"))),
    CommandSpec("approve", Role.TUTOR,
                (Param("submission", Kind.WORD), Param("feedback", Kind.TEXT, required=False)),
                _review(approve=True)),
    CommandSpec("reject", Role.TUTOR,
                (Param("submission", Kind.WORD), Param("feedback", Kind.TEXT)),
                _review(approve=False)),
    CommandSpec("counters", Role.TUTOR,
                (_LEARNER, Param("reset", Kind.CHOICE, required=False, choices=("reset",)),
                 Param("reason", Kind.TEXT, required=False)), _counters),
    CommandSpec("tutor", Role.ADMIN,
                (_LEARNER, Param("remove", Kind.CHOICE, required=False, choices=("remove", "off"))),
                _tutor),
    CommandSpec("reload", Role.ADMIN, (), lambda _: Reload(), extra_words=True),
    CommandSpec("dashboard", Role.TUTOR, (), lambda _: OpenDashboard(), extra_words=True),
)

BY_NAME: Mapping[str, CommandSpec] = {spec.name: spec for spec in COMMANDS}


def offered(role: Role) -> tuple[CommandSpec, ...]:
    """The listed commands someone with ``role`` is offered, learners' first."""
    return tuple(spec for spec in COMMANDS if spec.listed and spec.role <= role)


def normalise(param: Param, value: str) -> str | None:
    """A parameter's value as ``build`` expects it, or None when it cannot be one."""
    match param.kind:
        case Kind.WORD:
            word = value.strip().lower()
            return word if word and not any(c.isspace() for c in word) else None
        case Kind.TEXT:
            return value.strip() or None
        case Kind.CODE:
            code = "".join(value.split()).replace("-", "").upper()
            return code or None
        case Kind.CHOICE:
            choice = value.strip().lower()
            return choice if choice in param.choices else None
        case Kind.LEARNER:
            return value.strip() or None
        case Kind.FILE:
            return None  # files are never typed


def from_options(spec: CommandSpec, options: Mapping[str, str | None],
                 learner: UserRef | None = None, learner_name: str | None = None,
                 attachment: Attachment | None = None) -> Command:
    """A command from values a platform's form filled in (Discord's slash commands), each
    read as the text parser would read it. The learner comes from the platform's picker."""
    values: dict[str, str] = {}
    for param in spec.params:
        raw = options.get(param.name)
        if param.kind in (Kind.LEARNER, Kind.FILE):
            if param.required and (learner if param.kind is Kind.LEARNER else attachment) is None:
                return spec.usage
            continue
        if raw is None or not raw.strip():
            if param.required:
                return spec.usage
            continue
        value = normalise(param, raw)
        if value is None:
            return spec.usage
        values[param.name] = value
    return spec.build(Args(values, learner, learner_name, attachment))
