"""A learner's progress as the engine reads it: plain data, loaded per event by a store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from questbot.domain.ids import UserRef
from questbot.domain.streaks import Streak


class Role(IntEnum):
    LEARNER = 0
    TUTOR = 1
    ADMIN = 2


@dataclass(slots=True)
class StepState:
    quest_id: str
    step_id: str
    count: int = 0  # messages or reactions so far, or quiz attempts started
    completed_at: datetime | None = None
    evidence: dict[str, str] = field(default_factory=dict)
    last_attempt_at: datetime | None = None


@dataclass(slots=True)
class ActiveQuiz:
    quest_id: str
    step_id: str
    attempt: int
    nonce: str  # names this attempt in button tokens, so old buttons are recognised
    index: int  # question being asked
    correct: int
    asked_at: datetime
    chat_id: str  # where plain-text answers are accepted


@dataclass(slots=True)
class AwardRecord:
    award_id: str
    learner_id: str
    quest_id: str
    quest_version: str
    badge_key: str
    badge_name: str
    awarded_at: datetime
    evidence: dict[str, str] = field(default_factory=dict)
    awarded_by: str | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(slots=True)
class Enrolment:
    quest_id: str
    quest_version: str
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class DayCount:
    """Participation XP a learner gained on one day in one community, and whether they were
    told that the day's cap is reached."""

    day: str
    xp: int = 0
    told: bool = False


@dataclass(slots=True)
class RecentMessage:
    """One of the learner's recent counted messages, as the message rules compare them."""

    fingerprint: str
    sketch: tuple[int, ...]


@dataclass(slots=True)
class Play:
    """What the game keeps per learner besides steps: the streak, where they last played
    in public (their home community, for time zones), their choice about reminders, and
    what the message rules remember."""

    streak: Streak = field(default_factory=Streak)
    streak_warn_at: datetime | None = None  # the about-to-break note is due then
    home_community: str | None = None
    reminders_off: bool = False
    recent: list[RecentMessage] = field(default_factory=list)  # newest last
    ignored_day: str | None = None  # the local date ``ignored`` counts for
    ignored: dict[str, int] = field(default_factory=dict)  # reason -> messages that day


@dataclass(slots=True)
class LearnerState:
    learner_id: str
    display_name: str | None
    stored_role: Role = Role.LEARNER
    is_new: bool = False
    enrolments: dict[str, Enrolment] = field(default_factory=dict)
    steps: dict[tuple[str, str], StepState] = field(default_factory=dict)
    milestones: dict[tuple[str, str], int] = field(default_factory=dict)  # -> xp earned
    awards: list[AwardRecord] = field(default_factory=list)
    quiz: ActiveQuiz | None = None
    failed_checkins: list[datetime] = field(default_factory=list)
    failed_links: list[datetime] = field(default_factory=list)  # wrong /link codes lately
    accounts: list[UserRef] = field(default_factory=list)
    email: str | None = None
    show_name: bool = False
    language: str | None = None  # chosen with /language; else the platform's, else default
    xp_by_community: dict[str, int] = field(default_factory=dict)  # all-time, from the ledger
    participation_today: dict[str, DayCount] = field(default_factory=dict)  # by community
    on_leaderboard: bool = False  # leaderboards may show the display name (/leaderboard optin)
    home_community: str | None = None  # the last public community seen in: private gains'
    play: Play = field(default_factory=Play)

    @property
    def xp(self) -> int:
        """All the XP the learner gained, in every community."""
        return sum(self.xp_by_community.values())

    def step(self, quest_id: str, step_id: str) -> StepState:
        key = (quest_id, step_id)
        if key not in self.steps:
            self.steps[key] = StepState(quest_id, step_id)
        return self.steps[key]

    def is_complete(self, quest_id: str, step_id: str) -> bool:
        state = self.steps.get((quest_id, step_id))
        return state is not None and state.completed_at is not None

    def live_award(self, quest_id: str, badge_key: str) -> AwardRecord | None:
        """The most recent award of that badge still in force."""
        live = [a for a in self.awards if a.quest_id == quest_id and a.badge_key == badge_key
                and not a.revoked]
        return max(live, key=lambda a: a.awarded_at) if live else None


@dataclass(frozen=True, slots=True)
class AttendanceSession:
    quest_id: str
    step_id: str
    secret: str
    issued_at: datetime
    issued_by: str
    failures: int = 0  # wrong codes tried while it was open, by anyone; it locks at a limit


@dataclass(frozen=True, slots=True)
class PendingSubmission:
    """A submission waiting for a tutor, as ``/review`` lists it."""

    learner_id: str
    display_name: str | None
    step: StepState


@dataclass(frozen=True, slots=True)
class PendingAddress:
    """The address a learner asked to use (``/email ADDRESS``), waiting for its code."""

    email: str
    code_hash: str
    expires_at: datetime
    failures: int  # wrong codes tried against it; it locks at a limit


@dataclass(frozen=True, slots=True)
class ClaimCodeState:
    """A badge email's claim code, as ``/claim`` reads it (its learner is the target)."""

    email: str
    expires_at: datetime
    failures: int  # wrong codes by anyone that shared its first characters
    used: bool


@dataclass(slots=True)
class Snapshot:
    """Everything one event may read: the actor, a target (for tutor commands), and the open
    attendance sessions (for check-ins). ``None`` learners are accounts never seen before."""

    actor: LearnerState | None
    target: LearnerState | None = None
    sessions: list[AttendanceSession] = field(default_factory=list)
    link_code_expires_at: datetime | None = None
    link_code_failures: int = 0  # wrong codes tried against that link code, by anyone
    granted_between: bool = False  # actor and target: has either granted the other anything?
    actor_emails: frozenset[str] = frozenset()  # every address the actor has registered
    post_author: UserRef | None = None  # of the post a reaction is for, if recorded
    post_counted_for: frozenset[tuple[str, str]] = frozenset()  # (quest, step) it counted for
    submissions: list[PendingSubmission] = field(default_factory=list)  # waiting for review
    pending_address: PendingAddress | None = None  # the actor's latest /email ADDRESS
    # when confirmation codes were emailed lately, by the actor and to the address asked for
    confirmations_by_actor: tuple[datetime, ...] = ()
    confirmations_to_address: tuple[datetime, ...] = ()
    claim_code: ClaimCodeState | None = None  # the code /claim names (target: its learner)
    wallet_made_at: datetime | None = None  # when the actor's wallet link was made, if it was
    hidden_awards: frozenset[str] = frozenset()  # the actor's badges hidden from the wallet
