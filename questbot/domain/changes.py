"""What an event changes, as plain records a store writes inside the event's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from questbot.domain.ids import UserRef
from questbot.domain.messages import Outbound
from questbot.domain.progress import (
    ActiveQuiz,
    AttendanceSession,
    AwardRecord,
    DayCount,
    Enrolment,
    Play,
    Role,
    StepState,
)


@dataclass(frozen=True, slots=True)
class CreateLearner:
    learner_id: str
    account: UserRef
    display_name: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class UpdateLearner:
    """Replace the learner's mutable fields (name, role, open quiz, failed check-ins)."""

    learner_id: str
    display_name: str | None
    role: Role
    quiz: ActiveQuiz | None
    failed_checkins: tuple[datetime, ...]
    email: str | None = None
    show_name: bool = False
    failed_links: tuple[datetime, ...] = ()
    language: str | None = None  # the language the learner chose (/language), if any
    on_leaderboard: bool = False
    home_community: str | None = None
    participation_today: tuple[tuple[str, DayCount], ...] = ()  # (community id, its day)


@dataclass(frozen=True, slots=True)
class PutEnrolment:
    learner_id: str
    enrolment: Enrolment


@dataclass(frozen=True, slots=True)
class PutStep:
    learner_id: str
    step: StepState


@dataclass(frozen=True, slots=True)
class PutMilestone:
    learner_id: str
    quest_id: str
    milestone_id: str
    xp: int
    reached_at: datetime


@dataclass(frozen=True, slots=True)
class GainXp:
    """One row of the XP ledger, and the totals it adds to: the community's all-time and,
    when it has seasons, this season's. ``held_back`` is what the daily cap kept."""

    learner_id: str
    community_id: str
    season: str | None
    amount: int
    held_back: int
    source: str  # step, milestone or quest
    quest_id: str
    item_id: str
    gained_at: datetime


@dataclass(frozen=True, slots=True)
class PutAward:
    award: AwardRecord


@dataclass(frozen=True, slots=True)
class RevokeAward:
    award_id: str
    revoked_at: datetime
    reason: str
    revoked_by: str


@dataclass(frozen=True, slots=True)
class PutSession:
    """Open a check-in session, or give a locked one a new secret (its count starts again)."""

    session: AttendanceSession


@dataclass(frozen=True, slots=True)
class FailCheckIn:
    """A wrong check-in code: count it against every session it could have been a guess at."""

    sessions: tuple[tuple[str, str], ...]  # (quest_id, step_id)


@dataclass(frozen=True, slots=True)
class QueueDelivery:
    learner_id: str  # delivered to each of the learner's accounts
    message: Outbound
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NotifyAccount:
    """A message for one account, learner or not (an admin named in the settings)."""

    account: UserRef
    message: Outbound
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PutLinkCode:
    """A learner's new link code; their earlier ones (and every expired one) go."""

    code_hash: str
    locator: str  # the code's first characters, in the clear: wrong tries are counted by it
    learner_id: str
    expires_at: datetime
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class FailLinkCode:
    """A wrong link code: count it against the live codes that share its first characters."""

    locator: str


@dataclass(frozen=True, slots=True)
class ClaimEmail:
    """Remember that a learner registered this address (until they are forgotten), so they
    cannot later award it while it is switched off."""

    learner_id: str
    email: str


@dataclass(frozen=True, slots=True)
class QueueEmail:
    """A message for one email address, through the outbox (platform ``email``), written in
    the same transaction as what it tells (an award, a confirmation code)."""

    address: str
    learner_id: str  # whose it is: forgetting the learner drops it if it is still waiting
    message: Outbound
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PutEmailConfirmation:
    """A confirmation code emailed for ``/email ADDRESS``; the learner's earlier ones stop
    working, and the record of sends serves the rate limits."""

    code_hash: str
    learner_id: str
    email: str
    sent_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class FailEmailConfirmation:
    code_hash: str


@dataclass(frozen=True, slots=True)
class UseEmailConfirmation:
    code_hash: str


@dataclass(frozen=True, slots=True)
class PutClaimCode:
    """The claim code of a badge emailed to an address; its learner is the email's."""

    code_hash: str
    locator: str
    learner_id: str
    award_id: str
    email: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class FailClaimCode:
    """A wrong claim code: count it against the live codes that share its first
    characters."""

    locator: str


@dataclass(frozen=True, slots=True)
class UseClaimCode:
    code_hash: str
    used_at: datetime


@dataclass(frozen=True, slots=True)
class RecordGrant:
    """A tutor granted a learner something: the two cannot be linked into one learner."""

    granter_id: str
    learner_id: str


POST_MEMORY = timedelta(days=7)  # how long a store remembers who wrote a post


@dataclass(frozen=True, slots=True)
class RecordPost:
    """Who wrote a post in a channel, for platforms whose reactions do not say (kept for
    ``POST_MEMORY``, so the record stays small)."""

    post: str
    author: UserRef
    posted_at: datetime


@dataclass(frozen=True, slots=True)
class CountReaction:
    """A reaction to ``post`` counted for this step; another reaction to it will not."""

    learner_id: str
    quest_id: str
    step_id: str
    post: str
    at: datetime


@dataclass(frozen=True, slots=True)
class MergeLearner:
    """Move everything of one learner into another, then remove the first."""

    source_id: str
    into_id: str
    code_hash: str


@dataclass(frozen=True, slots=True)
class ForgetLearner:
    """Delete a learner's progress and personal data; issued badges stay valid."""

    learner_id: str


@dataclass(frozen=True, slots=True)
class KeepEvidenceFile:
    """A file a learner handed in, kept under an unguessable ``ref`` (its URL's last part)."""

    ref: str
    learner_id: str
    file_name: str
    media_type: str
    data: bytes
    kept_at: datetime


@dataclass(frozen=True, slots=True)
class CompleteQuest:
    """A learner met a quest's ``complete_when`` (this round): nothing of it is stored but
    the webhooks it raises (progress already says it)."""

    learner_id: str
    quest_id: str
    quest_version: str
    completed_at: datetime


@dataclass(frozen=True, slots=True)
class PutPlay:
    """Replace the learner's game state: streak, home community, reminders, message memory."""

    learner_id: str
    play: Play


@dataclass(frozen=True, slots=True)
class PutReminder:
    """The reminder for a quest left halfway is due at ``due_at`` (progress moves it later);
    None: the quest is finished, no reminder. One already sent stays sent. ``again``: the
    reminder scan claimed it and puts it back (it waits for quiet hours to end)."""

    learner_id: str
    quest_id: str
    due_at: datetime | None
    again: bool = False


@dataclass(frozen=True, slots=True)
class RecordCounterReset:
    """A tutor reset a learner's participation counters, and why."""

    learner_id: str
    tutor_id: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PutDashboardLink:
    """A one-time sign-in link to the web dashboard, kept as the hash of its token, for the
    account that asked (with the role it had then, and whether its platform vouched for it)."""

    token_hash: str
    learner_id: str
    account: UserRef
    role: Role
    platform_role: Role  # what the platform said (a Discord role), which the store cannot
    expires_at: datetime
    issued_at: datetime


MAX_KEPT_ANSWER = 80  # characters of a wrong answer kept for the dashboard, normalised


@dataclass(frozen=True, slots=True)
class RecordAnswer:
    """One answer to a quiz question, for the dashboard's question statistics. A wrong
    answer's words are kept (normalised, at most ``MAX_KEPT_ANSWER`` characters) until the
    learner is forgotten; a right one's are not."""

    learner_id: str
    quest_id: str
    step_id: str
    question: int
    correct: bool
    answer: str | None
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class PutWallet:
    """The learner's wallet link, kept as the hash of its token: a new one replaces the
    old, which stops working at once."""

    learner_id: str
    token_hash: str
    made_at: datetime


@dataclass(frozen=True, slots=True)
class HideAward:
    """The learner took a badge off their wallet (``hidden``), or put it back."""

    learner_id: str
    award_id: str
    hidden: bool


Change = (
    CreateLearner | UpdateLearner | PutEnrolment | PutStep | PutMilestone | PutAward
    | RevokeAward | PutSession | QueueDelivery | PutLinkCode | MergeLearner | ForgetLearner
    | FailCheckIn | FailLinkCode | ClaimEmail | RecordGrant | RecordPost | CountReaction
    | KeepEvidenceFile | NotifyAccount | CompleteQuest | GainXp
    | PutPlay | PutReminder | RecordCounterReset | PutDashboardLink | RecordAnswer
    | QueueEmail | PutEmailConfirmation | FailEmailConfirmation
    | UseEmailConfirmation | PutClaimCode | FailClaimCode | UseClaimCode
    | PutWallet | HideAward
)


@dataclass(frozen=True, slots=True)
class IssueBadge:
    """After commit: build, sign and bake the award's badge."""

    award: AwardRecord
    recipient_is_actor: bool


@dataclass(frozen=True, slots=True)
class ReloadQuests:
    """After commit: reload the quest files (an admin asked)."""


@dataclass(frozen=True, slots=True)
class ShowSignInLink:
    """After commit: put the sign-in token into the reply in place of ``marker``, so the
    token itself is never written down (the replies recorded for redelivery hold the
    marker; the store holds its hash)."""

    token: str
    marker: str


Effect = IssueBadge | ReloadQuests | ShowSignInLink


@dataclass(frozen=True, slots=True)
class Decision:
    """An event's outcome: replies to the sender, changes to write, effects after commit."""

    replies: tuple[Outbound, ...]
    changes: tuple[Change, ...] = ()
    effects: tuple[Effect, ...] = ()
