"""What the web dashboard reads: a store's figures about quests, learners and awards, the
sign-in links it redeems, and the quest folder's state (as plain data, since the web does
not read quest files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from questbot.domain.ids import UserRef
from questbot.domain.progress import Role
from questbot.ports.outbox import Outbox


@dataclass(frozen=True, slots=True)
class SignIn:
    """A redeemed sign-in link: who asked for it, and the role they had then."""

    learner_id: str
    account: UserRef
    role: Role
    platform_role: Role  # the part of ``role`` the platform vouched for (a Discord role)


@dataclass(frozen=True, slots=True)
class Joiner:
    learner_id: str
    name: str | None
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class DoneStep:
    learner_id: str
    step_id: str
    completed_at: datetime


@dataclass(frozen=True, slots=True)
class QuestProgress:
    """A quest's joiners (the first ``limit``, by joining time), the steps they did, and
    how many did each step (everyone, beyond ``limit`` too)."""

    joiners: list[Joiner]
    done: list[DoneStep]
    joined: int  # how many joined in all
    step_counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class AnswerCount:
    """How often a question was answered right or wrong (``answer`` None), or how often it
    got these wrong words."""

    question: int
    correct: bool
    answer: str | None
    count: int


@dataclass(frozen=True, slots=True)
class AwardRow:
    award_id: str
    learner_id: str
    name: str | None
    quest_id: str
    badge_key: str
    badge_name: str
    awarded_at: datetime
    awarded_by: str | None
    revoked_at: datetime | None
    revocation_reason: str | None
    revoked_by: str | None


@dataclass(frozen=True, slots=True)
class AwardFilter:
    since: datetime
    until: datetime
    quest_id: str | None = None
    badge_key: str | None = None


@dataclass(frozen=True, slots=True)
class LearnerRow:
    learner_id: str
    name: str | None
    created_at: datetime
    accounts: tuple[UserRef, ...]
    role: Role


@dataclass(frozen=True, slots=True)
class StepRow:
    quest_id: str
    step_id: str
    count: int
    completed_at: datetime | None
    evidence: dict[str, str]


@dataclass(frozen=True, slots=True)
class LearnerDetail:
    learner: LearnerRow
    enrolments: list[tuple[str, datetime]]  # quest id, joined at
    steps: list[StepRow]
    awards: list[AwardRow]


class DashboardReader(Protocol):
    async def redeem_sign_in(self, token_hash: str, now: datetime) -> SignIn | None:
        """Use up a sign-in link: its holder, or None if it is unknown, used or expired."""
        ...

    async def staff_role(self, learner_id: str) -> tuple[Role, tuple[UserRef, ...]] | None:
        """A learner's stored role and accounts now (None once forgotten or merged away)."""
        ...

    async def quest_progress(self, quest_id: str, limit: int) -> QuestProgress:
        ...

    async def answer_counts(self, quest_id: str, step_id: str, limit: int
                            ) -> list[AnswerCount]:
        """Right answers per question, and wrong ones per question and words, most given
        first (at most ``limit`` rows of wrong words)."""
        ...

    async def awards(self, chosen: AwardFilter, limit: int) -> list[AwardRow]:
        """Awards made in the period (the latest first)."""
        ...

    async def revocations(self, chosen: AwardFilter, limit: int) -> list[AwardRow]:
        """Awards revoked in the period (the latest first)."""
        ...

    async def learners(self, limit: int, before: datetime | None = None) -> list[LearnerRow]:
        """Learners by the time they first came, the newest first."""
        ...

    async def learner_detail(self, learner_id: str) -> LearnerDetail | None:
        ...


class DashboardStore(DashboardReader, Outbox, Protocol):
    """The store as the dashboard sees it: its figures, and the outbox's failures."""


@dataclass(frozen=True, slots=True)
class QuestionOutline:
    text: str
    choices: tuple[str, ...]  # empty for typed answers
    right: str  # the right answer as the dashboard shows it


@dataclass(frozen=True, slots=True)
class StepOutline:
    step_id: str
    kind: str
    title: str
    questions: tuple[QuestionOutline, ...] = ()


@dataclass(frozen=True, slots=True)
class QuestOutline:
    """A loaded quest, in the reader's language where the quest has it."""

    quest_id: str
    title: str
    version: str
    source: str
    steps: tuple[StepOutline, ...]
    badges: tuple[tuple[str, str], ...]  # badge key, name
    completion_steps: frozenset[str]  # the quest is done with ``completion_need`` of these
    completion_need: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ShelfState:
    """The quest folder as last loaded: its quests, and the errors of files that failed
    (``kept_old``: files whose previous version stays in service)."""

    quests: tuple[QuestOutline, ...]
    problems: tuple[str, ...] = ()
    kept_old: tuple[str, ...] = field(default_factory=tuple)


class QuestShelf(Protocol):
    def state(self, language: str) -> ShelfState:
        ...
