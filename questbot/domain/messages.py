"""What adapters hand the engine (commands) and what they get back (outbound results).

Both are closed unions of frozen dataclasses: adapters render outbound results with ``match``
and mypy's exhaustive-match check makes every adapter handle a new kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from questbot.domain.ids import ConversationRef, UserRef
from questbot.domain.progress import Role
from questbot.domain.submissions import Attachment


# --- commands -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Start:
    pass


@dataclass(frozen=True, slots=True)
class Help:
    pass


@dataclass(frozen=True, slots=True)
class ListQuests:
    pass


@dataclass(frozen=True, slots=True)
class JoinQuest:
    quest_id: str


@dataclass(frozen=True, slots=True)
class ShowProgress:
    quest_id: str | None = None


@dataclass(frozen=True, slots=True)
class ListBadges:
    pass


@dataclass(frozen=True, slots=True)
class ListPathways:
    pass


@dataclass(frozen=True, slots=True)
class StartQuiz:
    quest_id: str | None = None
    step_id: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """A typed answer (``/answer TEXT``, or plain text in a private chat during a quiz)."""

    text: str


@dataclass(frozen=True, slots=True)
class ChooseAnswer:
    """A button press; ``token`` names the attempt, question and choice it was made for."""

    token: str


@dataclass(frozen=True, slots=True)
class CheckIn:
    code: str


@dataclass(frozen=True, slots=True)
class PostMessage:
    """An ordinary chat message; counts towards participation, or answers an open quiz."""

    text: str


@dataclass(frozen=True, slots=True)
class React:
    """A reaction to a post in a channel. ``message_id`` names the post (so one post counts
    once however often its reactions change); ``author`` is the post's author when the
    platform says (Discord does; Telegram does not, and the store remembers recent posts')."""

    message_id: str | None = None
    author: UserRef | None = None


@dataclass(frozen=True, slots=True)
class IssueCode:
    quest_id: str
    step_id: str | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """Tutor grants ``item`` (a step id, ``badge`` or a milestone id) of a quest."""

    target: UserRef
    quest_id: str
    item: str
    reason: str
    target_name: str | None = None  # the name the platform shows, for a learner new to us


@dataclass(frozen=True, slots=True)
class Revoke:
    """Tutor revokes an award: by learner, quest and badge (``badge`` or a milestone id)."""

    target: UserRef
    quest_id: str
    item: str
    reason: str


@dataclass(frozen=True, slots=True)
class RevokeById:
    """Revoke one award by its id (the badge URL's last part), e.g. from the command line."""

    award_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class SetEmail:
    """The address badges name (as a salted hash), so backpacks can import them. When
    questbot sends email, a new address is first sent a code (``ConfirmEmail``)."""

    email: str | None


@dataclass(frozen=True, slots=True)
class ConfirmEmail:
    """``/email CODE``: the code emailed to the address ``/email ADDRESS`` asked for."""

    code: str


@dataclass(frozen=True, slots=True)
class ClaimBadge:
    """``/claim CODE``: the code in a badge's email joins the badges awarded to that address
    to the sender's chat account."""

    code: str


LANGUAGE_TOKEN = "lang."  # a /language button's token: the prefix, then the language


@dataclass(frozen=True, slots=True)
class SetLanguage:
    """The language the learner reads; None asks which (buttons where the platform has
    them)."""

    language: str | None


@dataclass(frozen=True, slots=True)
class ShowName:
    """Whether badge pages may show the learner's display name."""

    show: bool


@dataclass(frozen=True, slots=True)
class ShowLeaderboard:
    """``/leaderboard [season|all]``: the top ten of the community and the sender's rank;
    this season's by default where the community has seasons."""

    all_time: bool | None = None


@dataclass(frozen=True, slots=True)
class LeaderboardName:
    """``/leaderboard optin|optout``: whether leaderboards show the sender's display name
    (they show "anonymous" otherwise)."""

    show: bool


@dataclass(frozen=True, slots=True)
class LinkAccount:
    """``/link`` asks for a one-time code; ``/link CODE`` on another platform joins the two
    accounts into one learner (one set of progress and badges)."""

    code: str | None = None


@dataclass(frozen=True, slots=True)
class ExportData:
    """``/mydata``: everything questbot keeps about the sender."""


@dataclass(frozen=True, slots=True)
class ForgetMe:
    """``/forget confirm``: delete the sender's progress and personal data."""

    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class MakeTutor:
    target: UserRef
    remove: bool = False
    target_name: str | None = None


@dataclass(frozen=True, slots=True)
class Reload:
    pass


@dataclass(frozen=True, slots=True)
class Submit:
    """Evidence for a submission step: a link or short text, or a file the platform carried.
    ``public``: the learner agrees that the badge links to it."""

    quest_id: str
    step_id: str
    text: str | None = None
    attachment: Attachment | None = None
    public: bool = False


@dataclass(frozen=True, slots=True)
class ListSubmissions:
    """``/review [QUEST]``: the submissions waiting for a tutor."""

    quest_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewSubmission:
    """A tutor's decision on one submission; rejecting needs feedback, the learner may try
    again."""

    submission_id: str
    approve: bool
    feedback: str = ""


@dataclass(frozen=True, slots=True)
class SetReminders:
    """``/reminders on|off``: whether the learner is reminded of quests left halfway."""

    on: bool


@dataclass(frozen=True, slots=True)
class ShowCounters:
    """``/counters LEARNER [reset REASON]``: a tutor sees (or resets, saying why) a learner's
    participation counters, ignored messages and streak."""

    target: UserRef
    reset: bool = False
    reason: str = ""
    target_name: str | None = None


@dataclass(frozen=True, slots=True)
class OpenDashboard:
    """``/dashboard``: a tutor's or admin's one-time sign-in link to the web dashboard."""


@dataclass(frozen=True, slots=True)
class OpenWallet:
    """``/wallet``: the link to the learner's private wallet page (shown when it is made);
    ``rotate``: a new link, and the old one stops working."""

    rotate: bool = False


@dataclass(frozen=True, slots=True)
class HideBadge:
    """``/wallet hide N`` and ``/wallet show N`` (and the wallet page's form): take a badge
    off the wallet, its zip and its record, or put it back. ``badge`` is its number in
    ``/wallet``'s list or its award id."""

    badge: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class ShowRecord:
    """``/record``: the link to the learner's whole record (at the end of the wallet's)."""


@dataclass(frozen=True, slots=True)
class Invalid:
    """A command the parser could not read; ``problem`` is a message-catalogue key."""

    problem: str
    params: tuple[tuple[str, str], ...] = ()


Command = (
    Start | Help | ListQuests | JoinQuest | ShowProgress | ListBadges | ListPathways | StartQuiz
    | Answer
    | ChooseAnswer | CheckIn | PostMessage | React | IssueCode | Grant | Revoke | RevokeById
    | MakeTutor | SetEmail | ConfirmEmail | ClaimBadge | ShowName | SetLanguage | LinkAccount
    | ExportData | ForgetMe | Reload | Submit | ListSubmissions | ReviewSubmission
    | ShowLeaderboard | LeaderboardName | SetReminders | ShowCounters | OpenDashboard
    | OpenWallet | HideBadge | ShowRecord | Invalid
)


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened on a platform, carrying the platform's own event id."""

    event_id: str
    actor: UserRef
    conversation: ConversationRef
    command: Command
    display_name: str | None = None
    language: str = ""  # what the platform says the person reads; "" when it says nothing
    platform_role: Role = Role.LEARNER  # a role the platform vouches for (a Discord role)
    message_id: str | None = None  # the platform's id of the message this event came from


def post_key(conversation: ConversationRef, message_id: str) -> str:
    """One post on one platform, as the stores record it."""
    return f"{conversation.platform}:{conversation.chat_id}:{message_id}"


# --- outbound results -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Text:
    text: str
    language: str = ""  # the language it is written in, when the engine knows it


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    token: str  # short (< 64 bytes): fits Telegram callback data and Discord custom ids


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    choices: tuple[Choice, ...] = ()
    time_limit_seconds: int | None = None
    language: str = ""  # the reader's, for what the platform adds (a time limit, a button)


@dataclass(frozen=True, slots=True)
class BadgeAwarded:
    award_id: str
    badge_name: str
    quest_title: str
    url: str
    image_path: str | None = None
    language: str = ""  # the recipient's, for the caption the platform writes
    note: str = ""  # what else the event said (the step, the XP), shown with it as one message
    claim_code: str = ""  # by email only: the code that joins the badge to a chat account


@dataclass(frozen=True, slots=True)
class GrantRole:
    """A badge's reward: give the recipient a role on a server (Discord: an idempotent PUT,
    so trying again is safe), then tell them what they unlocked. ``role_name`` is what the
    quest calls it ("" when it names none: the platform's own name)."""

    server: str
    role: str
    role_name: str
    badge_name: str
    award_id: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class RemoveRole:
    """The role a revoked badge gave, taken back (an idempotent DELETE)."""

    server: str
    role: str
    role_name: str
    badge_name: str
    award_id: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class InviteLink:
    """A badge's reward: an invite link to a group that admits one person, created now and
    sent to the recipient privately. Creating one is not idempotent: ``started`` is recorded
    before the platform is asked, so a link that may exist is never asked for again."""

    chat: str
    group_name: str
    badge_name: str
    award_id: str
    expires_in_seconds: int
    language: str = ""
    started: bool = False


@dataclass(frozen=True, slots=True)
class Announcement:
    """A public message about a learner (a new badge) for a channel; the platform addresses
    them: ``account`` (their id on that platform, "" if none) is mentioned where ``name``
    appears in ``text``."""

    text: str
    name: str
    account: str = ""
    language: str = ""


Outbound = (Text | Question | BadgeAwarded | GrantRole | RemoveRole | InviteLink
            | Announcement)


@dataclass(frozen=True, slots=True)
class Delivery:
    """An outbound result waiting in the outbox for someone other than the sender."""

    delivery_id: int
    recipient: UserRef
    message: Outbound
