"""One event's decision in progress: the state it may change, and what it has decided."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import overload

from questbot.catalog import Catalog, LocalizedText, Quest
from questbot.domain.changes import (
    Change,
    CreateLearner,
    Decision,
    Effect,
    NotifyAccount,
    PutPlay,
    PutStep,
    QueueDelivery,
    UpdateLearner,
)
from questbot.domain.combine import one_message
from questbot.domain.errors import Rejected
from questbot.domain.ids import UserRef
from questbot.domain.messages import Event, Outbound, Text
from questbot.domain.progress import LearnerState, Role, Snapshot, StepState
from questbot.i18n import shipped_languages, translate
from questbot.ports import Board


@functools.lru_cache(maxsize=512)  # asked several times an event, of a handful of values
def _pick_language(chosen: str | None, platform: str, default: str) -> str:
    shipped = shipped_languages()
    if chosen in shipped:
        return chosen
    if platform:
        primary = platform.split("-", 1)[0].lower()
        if primary in shipped:
            return primary
    return default if default in shipped else "en"


@dataclass(frozen=True)
class EngineSettings:
    base_url: str = "http://127.0.0.1:8080"
    admins: frozenset[UserRef] = frozenset()
    tutors: frozenset[UserRef] = frozenset()
    max_failed_checkins: int = 5  # wrong check-in codes, and wrong link codes, per learner
    failed_checkin_window_seconds: int = 600  # ... in this window
    max_failed_per_session: int = 50  # wrong check-in codes by anyone, then the code locks
    max_failed_per_link_code: int = 5  # wrong link codes by anyone, then the code locks
    default_language: str = "en"  # the community's, for whoever the platform says nothing of
    email_enabled: bool = False  # SMTP is configured: badges and confirmation codes by email
    max_confirmation_emails: int = 3  # per learner and per address, per CONFIRMATION_WINDOW

    def configured_role(self, accounts: list[UserRef]) -> Role:
        if any(a in self.admins for a in accounts):
            return Role.ADMIN
        if any(a in self.tutors for a in accounts):
            return Role.TUTOR
        return Role.LEARNER

    def badge_url(self, award_id: str) -> str:
        return f"{self.base_url.rstrip('/')}/badges/{award_id}"


@dataclass(frozen=True)
class Context:
    catalog: Catalog
    now: datetime
    new_id: Callable[[], str]
    settings: EngineSettings
    board: Board | None = None  # read before the event's transaction, for /leaderboard


@dataclass
class Work:
    ctx: Context
    event: Event
    snapshot: Snapshot
    changes: list[Change] = field(default_factory=list)
    replies: list[Outbound] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    _dirty_learners: dict[str, LearnerState] = field(default_factory=dict)
    _dirty_steps: dict[tuple[str, str, str], tuple[str, StepState]] = field(default_factory=dict)
    _dirty_play: dict[str, LearnerState] = field(default_factory=dict)
    # the sender's language as last worked out, and the choice it was worked out from
    _language: tuple[object, str] = (object(), "")

    @property
    def now(self) -> datetime:
        return self.ctx.now

    @property
    def language(self) -> str:
        """The sender's: chosen with /language, else the platform's, else the community's."""
        actor = self.snapshot.actor
        chosen = actor.language if actor else None
        seen, language = self._language
        if seen != chosen:  # asked for every sentence; the choice changes only by /language
            language = self.language_of(chosen, self.event.language)
            self._language = (chosen, language)
        return language

    def language_of(self, chosen: str | None, platform: str = "") -> str:
        return _pick_language(chosen, platform, self.ctx.settings.default_language)

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.language, **params)

    def language_for(self, learner: LearnerState) -> str:
        """The language ``learner`` reads: the sender's, or another learner's own."""
        if learner is self.snapshot.actor:
            return self.language
        return self.language_of(learner.language)

    def t_for(self, learner: LearnerState, key: str, **params: object) -> str:
        """A sentence for another learner (through the outbox), in their language."""
        return translate(key, self.language_for(learner), **params)

    @overload
    def text(self, quest_text: str, language: str | None = None) -> str: ...
    @overload
    def text(self, quest_text: str | None, language: str | None = None) -> str | None: ...

    def text(self, quest_text: str | None, language: str | None = None) -> str | None:
        """A quest's text (a title, a question...) in the learner's language (or
        ``language``), else in the quest's default language."""
        if isinstance(quest_text, LocalizedText):
            return quest_text.text(language or self.language)
        return quest_text

    def texts(self, params: Mapping[str, object]) -> dict[str, object]:
        """Message parameters with any quest text among them in the learner's language."""
        return {name: self.text(value) if isinstance(value, LocalizedText) else value
                for name, value in params.items()}

    def say(self, key: str, **params: object) -> None:
        self.replies.append(Text(self.t(key, **params), self.language))

    def reply(self, message: Outbound) -> None:
        self.replies.append(message)

    def quest(self, quest_id: str) -> Quest:
        quest = self.ctx.catalog.get(quest_id)
        if quest is None:
            raise Rejected("quest.unknown", quest=quest_id)
        return quest

    def actor(self) -> LearnerState:
        """The sender, created on first contact."""
        if self.snapshot.actor is None:
            self.snapshot.actor = self._create(self.event.actor, self.event.display_name)
        actor = self.snapshot.actor
        name = self.event.display_name
        if name and name != actor.display_name and not actor.is_new:
            actor.display_name = name[:100]
            self.touch(actor)
        return actor

    def target(self, ref: UserRef, name: str | None = None) -> LearnerState:
        """The learner a tutor command names, created if a tutor names them first."""
        actor = self.actor()
        if ref == self.event.actor or ref in actor.accounts:
            return actor
        if self.snapshot.target is None:
            self.snapshot.target = self._create(ref, name[:100] if name else None)
        return self.snapshot.target

    def _create(self, account: UserRef, display_name: str | None) -> LearnerState:
        learner = LearnerState(self.ctx.new_id(), display_name, is_new=True, accounts=[account])
        self.changes.append(CreateLearner(learner.learner_id, account, display_name, self.now))
        return learner

    def role_of(self, learner: LearnerState) -> Role:
        role = max(learner.stored_role, self.ctx.settings.configured_role(learner.accounts))
        if self.event.actor in learner.accounts:
            role = max(role, self.event.platform_role)
        return role

    def require_role(self, learner: LearnerState, role: Role) -> None:
        if self.role_of(learner) < role:
            raise Rejected("perm.admin_only" if role is Role.ADMIN else "perm.tutor_only")

    def touch(self, learner: LearnerState) -> None:
        self._dirty_learners[learner.learner_id] = learner

    def touch_play(self, learner: LearnerState) -> None:
        """The learner's game state (streak, home, reminders, message memory) changed."""
        self._dirty_play[learner.learner_id] = learner

    def save_step(self, learner: LearnerState, step: StepState) -> None:
        key = (learner.learner_id, step.quest_id, step.step_id)
        self._dirty_steps[key] = (learner.learner_id, step)

    def deliver(self, learner: LearnerState, message: Outbound) -> None:
        self.changes.append(QueueDelivery(learner.learner_id, message, self.now))

    def tell_admins(self, key: str, **params: object) -> None:
        """A notice for every admin the settings name, on their own platforms, in the
        community's language (through the outbox, with this event's changes)."""
        language = self.language_of(None)
        text = Text(translate(key, language, **params), language)
        for admin in sorted(self.ctx.settings.admins, key=str):
            self.changes.append(NotifyAccount(admin, text, self.now))

    def decision(self) -> Decision:
        changes = list(self.changes)
        if self._dirty_steps:
            changes.extend(PutStep(learner_id, step)
                           for learner_id, step in self._dirty_steps.values())
        if self._dirty_learners:
            changes.extend(
                UpdateLearner(lr.learner_id, lr.display_name, lr.stored_role, lr.quiz,
                              tuple(lr.failed_checkins), lr.email, lr.show_name,
                              tuple(lr.failed_links), lr.language, lr.on_leaderboard,
                              lr.home_community, tuple(sorted(lr.participation_today.items())))
                for lr in self._dirty_learners.values()
            )
        if self._dirty_play:
            changes.extend(PutPlay(lr.learner_id, lr.play) for lr in self._dirty_play.values())
        # In a group, what the event said is one message (the step, its XP, its badge).
        replies = tuple(self.replies) if self.event.conversation.private \
            else one_message(self.replies)
        return Decision(replies, tuple(changes), tuple(self.effects))
