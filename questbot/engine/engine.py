"""QuestEngine: the one entry point adapters call. It decides; it never sends anything."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from functools import partial

from questbot.catalog import Catalog, LoadReport
from questbot.domain.changes import IssueBadge, ReloadQuests, ShowSignInLink
from questbot.domain.messages import (
    BadgeAwarded,
    Event,
    Outbound,
    Text,
)
from questbot.domain.progress import AwardRecord
from questbot.engine import leaderboards
from questbot.engine.clock import SystemClock
from questbot.engine.decide import decide
from questbot.engine.handlers import handling
from questbot.engine.nudges import decide_nudge
from questbot.engine.work import Context, EngineSettings
from questbot.i18n import translate
from questbot.ports import (
    BadgeIssuer,
    Clock,
    EventStore,
    IssuedBadge,
    LeaderboardReader,
    Nudges,
)

log = logging.getLogger(__name__)

Reloader = Callable[[], Awaitable[LoadReport]]
# Told of every event once handled: the event, the outcome (None when it failed) and how
# many seconds it took (for operators' metrics).
Observer = Callable[[Event, "Handled | None", float], None]


@dataclass
class Handled:
    replies: list[Outbound]
    awards: list[tuple[AwardRecord, IssuedBadge | None]] = field(default_factory=list)
    duplicate: bool = False  # the event was handled before; replies are the first ones


def new_id() -> str:
    """Opaque, unguessable ids (96 bits) for learners, awards and quiz attempts; never
    starting with - or _, so they read well in URLs and as command-line arguments."""
    while True:
        value = secrets.token_urlsafe(12)
        if value[0].isalnum():
            return value


class QuestEngine:
    def __init__(
        self,
        store: EventStore,
        catalog: Catalog,
        settings: EngineSettings,
        *,
        clock: Clock | None = None,
        issuer: BadgeIssuer | None = None,
        reloader: Reloader | None = None,
        id_factory: Callable[[], str] = new_id,
        observer: Observer | None = None,
        leaderboards: LeaderboardReader | None = None,
    ) -> None:
        self._store = store
        self._catalog = catalog
        self._settings = settings
        self._clock = clock or SystemClock()
        self._issuer = issuer
        self._reloader = reloader
        self._new_id = id_factory
        self.observer = observer
        # the store's read side, where it has one (every real store does)
        self._boards = leaderboards or (store if isinstance(store, LeaderboardReader) else None)

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    @property
    def settings(self) -> EngineSettings:
        return self._settings

    def replace_catalog(self, catalog: Catalog) -> None:
        """Events already deciding keep the catalog they started with."""
        self._catalog = catalog

    async def handle(self, event: Event) -> list[Outbound]:
        """Apply one event and return the replies for its sender. Never raises for a bad
        event: refusals come back as replies, unexpected failures as a short apology."""
        return (await self.handle_detailed(event)).replies

    async def handle_detailed(self, event: Event) -> Handled:
        """``handle``, also telling which badges the event issued (for the command line)."""
        began = time.perf_counter()
        try:
            handled = await self._handle(event)
        except Exception:
            log.exception("event %s:%s failed", event.actor.platform, event.event_id)
            self._observe(event, None, began)
            return Handled([Text(translate("error.internal", event.language))])
        self._observe(event, handled, began)
        return handled

    def _observe(self, event: Event, handled: Handled | None, began: float) -> None:
        if self.observer is not None:
            try:
                self.observer(event, handled, time.perf_counter() - began)
            except Exception:  # metrics must never cost a learner their answer
                log.exception("the event observer failed")

    async def _handle(self, event: Event) -> Handled:
        ctx = Context(self._catalog, self._clock.now(), self._new_id, self._settings)
        if self._boards is not None:
            ctx = await leaderboards.prepare(event, ctx, self._boards)
        how = handling(event)
        outcome = await self._store.handle_event(
            event.actor.platform, event.event_id, how.reads,
            partial(decide, event=event, ctx=ctx, how=how),
        )
        handled = Handled(list(outcome.replies), duplicate=outcome.duplicate)
        for effect in outcome.effects:
            match effect:
                case IssueBadge(award=award, recipient_is_actor=to_actor):
                    await self._issue(award, to_actor, handled)
                case ReloadQuests():
                    handled.replies.extend(await self._reload(event.language))
                case ShowSignInLink(token=token, marker=marker):
                    handled.replies = [replace(r, text=r.text.replace(marker, token))
                                       if isinstance(r, Text) else r for r in handled.replies]
        return handled

    async def send_nudges(self, store: Nudges, limit: int = 50) -> int:
        """One batch of due reminders and streak notes, each claimed and decided in its own
        short transaction (sent, put back until quiet hours end, or dropped); returns how
        many were due, so a caller goes on while batches come back full. A nudge another
        process claimed first is left to it."""
        now = self._clock.now()
        catalog, settings = self._catalog, self._settings
        due = await store.due_nudges(now, limit)
        for nudge in due:
            await store.run_nudge(
                nudge, partial(decide_nudge, nudge, catalog=catalog, settings=settings, now=now))
        return len(due)

    async def _issue(self, award: AwardRecord, to_actor: bool, handled: Handled) -> None:
        if self._issuer is None:
            handled.awards.append((award, None))
            return
        try:
            issued = await self._issuer.issue(award)
        except Exception:
            # The award is durable; its badge is built again at the next start.
            log.exception("building badge %s failed", award.award_id)
            handled.awards.append((award, None))
            return
        handled.awards.append((award, issued))
        if to_actor:
            handled.replies = [
                replace(r, url=issued.url, image_path=issued.image_path)
                if isinstance(r, BadgeAwarded) and r.award_id == award.award_id else r
                for r in handled.replies
            ]

    async def _reload(self, language: str) -> list[Outbound]:
        if self._reloader is None:
            return []
        report = await self._reloader()
        messages: list[Outbound] = [Text(translate("reload.done", language,
                                                   count=len(report.catalog)))]
        if report.problems:
            problems = "\n".join(str(p) for p in report.problems[:20])
            messages.append(Text(translate("reload.problems", language, problems=problems)))
        return messages


__all__ = ["Handled", "QuestEngine", "new_id"]
