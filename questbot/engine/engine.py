"""QuestEngine: the one entry point adapters call. It decides; it never sends anything."""

from __future__ import annotations

import logging
import secrets
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
from questbot.engine.clock import SystemClock
from questbot.engine.decide import decide
from questbot.engine.handlers import handling
from questbot.engine.work import Context, EngineSettings
from questbot.i18n import translate
from questbot.ports import (
    BadgeIssuer,
    Clock,
    EventStore,
    IssuedBadge,
)

log = logging.getLogger(__name__)

Reloader = Callable[[], Awaitable[LoadReport]]


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
    ) -> None:
        self._store = store
        self._catalog = catalog
        self._settings = settings
        self._clock = clock or SystemClock()
        self._issuer = issuer
        self._reloader = reloader
        self._new_id = id_factory

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
        try:
            return await self._handle(event)
        except Exception:
            log.exception("event %s:%s failed", event.actor.platform, event.event_id)
            return Handled([Text(translate("error.internal", event.language))])

    async def _handle(self, event: Event) -> Handled:
        ctx = Context(self._catalog, self._clock.now(), self._new_id, self._settings)
        outcome = await self._store.handle_event(
            event.actor.platform, event.event_id, handling(event).reads,
            partial(decide, event=event, ctx=ctx),
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
