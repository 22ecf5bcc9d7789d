"""How one event is applied: what it reads, the pure decision, and the store that
runs both in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from questbot.domain.changes import Decision, Effect
from questbot.domain.ids import UserRef
from questbot.domain.messages import Event, Outbound
from questbot.domain.progress import Snapshot


@dataclass(frozen=True, slots=True)
class LoadRequest:
    """What one event reads: its sender, maybe a learner it names, maybe check-in sessions."""

    actor: UserRef
    target: UserRef | None = None
    sessions: bool = False
    award_id: str | None = None  # load the learner who holds this award as the target
    link_code_hash: str | None = None  # load the learner who asked for this link code
    post: str | None = None  # a reaction's post: its recorded author, and where it counted
    submission: str | None = None  # load the learner whose pending submission has this id
    submissions: bool = False  # load the submissions waiting for review (oldest first)
    email_address: str | None = None  # the confirmation emails lately sent to it and by actor
    email_confirmation: bool = False  # load the actor's address waiting for its code
    claim_code_hash: str | None = None  # load the learner whose badge email has this code
    wallet: bool = False  # the actor's wallet link (when made) and the badges hidden from it

    @property
    def names_actor_only(self) -> bool:
        """No other learner is read (so none needs locking): most events."""
        return (self.target is None and self.award_id is None and self.submission is None
                and self.link_code_hash is None and self.claim_code_hash is None)


@dataclass(frozen=True, slots=True)
class Outcome:
    replies: tuple[Outbound, ...]
    effects: tuple[Effect, ...] = ()
    duplicate: bool = False  # the event was handled before; these are the first replies


Decide = Callable[[Snapshot], Decision]


class EventStore(Protocol):
    async def handle_event(
        self, platform: str, event_id: str, request: LoadRequest, decide: Decide
    ) -> Outcome:
        """In one transaction: answer a redelivered event from its record, or load the
        snapshot, decide, write the changes and record the replies. Returns once durable."""
        ...


class EventHandler(Protocol):
    async def handle(self, event: Event) -> list[Outbound]:
        """Apply one event; return the replies for its sender."""
        ...
