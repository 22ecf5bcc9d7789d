"""A badge as a request finds it now, and the answers kept for it.

What a badge's answers depend on and may change (revoked, the holder's name shown or not,
the badge class's version, expired by now) is read fresh for every request (in batches, see
badge_states.py) and is part of every kept answer's key; what never changes (the signed
documents, the baked image, the expiry date written in the credential) is read once."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from questbot.badges.service import BadgeService
from questbot.ports import Clock, CredentialRecord, CredentialState
from questbot.web.answer_cache import Answer, AnswerCache
from questbot.web.badge_states import BadgeStates

MAX_EXPIRIES = 65_536  # expiry dates kept (a few dozen bytes each)
CLASS_FRESHNESS = 10.0  # seconds a badge class's or issuer's document is kept unchanged

Fingerprint = tuple[datetime | None, str | None, str | None]


def fingerprint(record: CredentialRecord) -> Fingerprint:
    """What of ``record`` may change after it is signed (CredentialState, less the class)."""
    award = record.award
    return (award.revoked_at, award.revocation_reason,
            record.display_name if record.show_name else None)


@dataclass(slots=True)  # made for every request: not frozen, whose __init__ costs more
class Current:
    """A badge as it stands for this request."""

    award_id: str
    state: CredentialState
    status: str  # valid, expired or revoked
    expires: datetime | None
    record: CredentialRecord | None  # when this request had to read it anyway

    @property
    def fingerprint(self) -> Fingerprint:
        state = self.state
        return (state.revoked_at, state.revocation_reason, state.shown_name)

    @property
    def key(self) -> Hashable:
        """Everything of the badge's state its answers may show."""
        return (self.status, *self.fingerprint, self.state.class_updated)

    def matches(self, record: CredentialRecord) -> bool:
        """Whether ``record`` (read after the state) still shows this state."""
        return fingerprint(record) == self.fingerprint


def expiry(record: CredentialRecord) -> datetime | None:
    until = json.loads(record.credential).get("validUntil")
    return datetime.fromisoformat(until.replace("Z", "+00:00")) if until else None


class BadgeAnswers:
    def __init__(self, badges: BadgeService, clock: Clock, cache: AnswerCache) -> None:
        self.badges = badges
        self.clock = clock
        self.cache = cache
        self.states = BadgeStates(badges.store.credential_states, badges.store.data_version)
        self._expiries: OrderedDict[str, datetime | None] = OrderedDict()

    async def current(self, award_id: str) -> Current | None:
        """The badge now, or None when there is no such badge."""
        state = await self.states.state(award_id)
        if state is None:
            return None
        record = None
        if award_id in self._expiries:
            expires = self._expiries[award_id]
            self._expiries.move_to_end(award_id)
        else:
            record = await self.badges.store.credential(award_id)
            if record is None:
                return None
            expires = self._remember(award_id, expiry(record))
        if state.revoked_at is not None:
            status = "revoked"
        elif expires is not None and expires < self.clock.now():
            status = "expired"
        else:
            status = "valid"
        return Current(award_id, state, status, expires, record)

    def _remember(self, award_id: str, expires: datetime | None) -> datetime | None:
        self._expiries[award_id] = expires
        while len(self._expiries) > MAX_EXPIRIES:
            self._expiries.popitem(last=False)
        return expires

    async def record(self, current: Current) -> CredentialRecord | None:
        """The badge's whole record (its documents, its holder's name)."""
        return current.record or await self.badges.store.credential(current.award_id)

    async def answer(self, request: web.Request, key: Hashable | None,
                     build: Callable[[], Awaitable[tuple[Answer, bool]]]) -> web.Response:
        """The kept answer for ``key``, or the one ``build`` makes (kept when it says the
        answer matches the key: a badge revoked in between is answered, not kept)."""
        found = self.cache.get(key) if key is not None else None
        if found is None:
            found, keep = await build()
            if keep and key is not None:
                self.cache.put(key, found)
        return found.response(request)


def slowly_changing(name: str, *parts: object) -> Hashable:
    """A key that changes every CLASS_FRESHNESS seconds, for documents read from the
    store that change rarely and matter little (a badge class edited with its quest)."""
    return (name, *parts, int(time.monotonic() // CLASS_FRESHNESS))


def cacheable_query(request: web.Request, allowed: tuple[str, ...] = ()) -> bool:
    """Whether the answer depends on nothing of the query but ``allowed`` parameters (a
    hostile query of random parameters is answered but not kept)."""
    if not request.query_string:
        return True
    query = request.query
    return all(name in allowed for name in query) and len(query) <= len(allowed)
