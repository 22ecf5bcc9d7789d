"""A badge as a request finds it now, and the answers kept for it.

What a badge's answers depend on and may change (revoked, the holder's name shown or not,
the badge class's version, expired by now) is read fresh for every request (in batches, see
badge_states.py) and is part of every kept answer's key; what never changes (the signed
documents, the baked image, the expiry date written in the credential) is read once.

A kept answer is also remembered as sent to a kind of request (the badge, the route, the
Accept and Accept-Language headers): the next such request, when the badge still stands as
it did, gets the same bytes and headers without negotiating or building a key again."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from multidict import CIMultiDictProxy

from questbot.badges.service import BadgeService
from questbot.ports import Clock, CredentialRecord, CredentialState
from questbot.web.answer_cache import Answer, AnswerCache
from questbot.web.badge_states import BadgeStates
from questbot.web.headers import Complete

MAX_ID = 64  # characters of an id read from a path
MAX_EXPIRIES = 65_536  # expiry dates kept (a few dozen bytes each)
MAX_SENT = 65_536  # answers remembered as sent (a few hundred bytes each: no bodies)
MAX_SENT_HEADER = 256  # longer Accept or Accept-Language headers are answered the long way
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


@dataclass(frozen=True, slots=True)
class Sent:
    """A kept answer as it was sent to a kind of request, and the badge's state it showed."""

    cache_key: Hashable  # the answer itself stays in the cache, which bounds its bytes
    state: CredentialState
    status: str
    expires: datetime | None
    headers: CIMultiDictProxy[str]


SentKey = tuple[str, str, str | None, str | None]


def sent_key(request: web.Request, route: str) -> SentKey | None:
    """What a request's answer on ``route`` depends on besides the badge's state; None for
    one that is answered the long way (a query, a conditional request, long headers)."""
    headers = request.headers
    if request.query_string or "If-None-Match" in headers:
        return None
    award_id = request.match_info["award_id"]
    accept, language = headers.get("Accept"), headers.get("Accept-Language")
    if len(award_id) > MAX_ID or len(accept or "") + len(language or "") > MAX_SENT_HEADER:
        return None
    return (route, award_id, accept, language)


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
        self._sent: dict[SentKey, Sent] = {}

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
        return Current(award_id, state, self._status(state, expires), expires, record)

    def _status(self, state: CredentialState, expires: datetime | None) -> str:
        if state.revoked_at is not None:
            return "revoked"
        if expires is not None and expires < self.clock.now():
            return "expired"
        return "valid"

    def _remember(self, award_id: str, expires: datetime | None) -> datetime | None:
        self._expiries[award_id] = expires
        while len(self._expiries) > MAX_EXPIRIES:
            self._expiries.popitem(last=False)
        return expires

    async def record(self, current: Current) -> CredentialRecord | None:
        """The badge's whole record (its documents, its holder's name)."""
        return current.record or await self.badges.store.credential(current.award_id)

    async def answer(self, request: web.Request, key: Hashable | None,
                     build: Callable[[], Awaitable[tuple[Answer, bool]]],
                     sent_as: tuple[str, Current] | None = None) -> web.Response:
        """The kept answer for ``key``, or the one ``build`` makes (kept when it says the
        answer matches the key: a badge revoked in between is answered, not kept); with
        ``sent_as`` (the route, the badge), remembered as sent to this kind of request."""
        found = self.cache.get(key) if key is not None else None
        kept = found is not None
        if found is None:
            found, keep = await build()
            kept = keep and key is not None and self.cache.keeps(found)
            if kept:
                self.cache.put(key, found)
        response = found.response(request)
        if kept and sent_as is not None and response.status in (200, 410):
            self._remember_sent(request, key, found, *sent_as)
        return response

    def resent(self, request: web.Request, route: str) -> web.Response | None:
        """The answer last sent on ``route`` to a request like this one, when the badge
        stands as it did then; None when it has to be answered the long way."""
        key = sent_key(request, route)
        if key is None:
            return None
        sent = self._sent.get(key)
        if sent is None:
            return None
        state = self.states.kept(key[1])
        if state != sent.state or self._status(sent.state, sent.expires) != sent.status:
            return None
        answer = self.cache.get(sent.cache_key)
        if answer is None:
            return None
        return Complete(body=answer.body, status=answer.status, headers=sent.headers)

    def _remember_sent(self, request: web.Request, cache_key: Hashable, answer: Answer,
                       route: str, current: Current) -> None:
        key = sent_key(request, route)
        if key is None or key[1] != current.award_id:
            return
        self._sent.pop(key, None)
        self._sent[key] = Sent(cache_key, current.state, current.status, current.expires,
                               answer.headers_sent(request))
        if len(self._sent) > MAX_SENT:
            del self._sent[next(iter(self._sent))]  # the oldest


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
