"""Answers kept in memory: the exact bytes of a page or document, with their strong ETag,
bounded by their total size (least recently used go first).

A key names everything an answer depends on (the badge's state, the reader's language,
the negotiated type), so an answer never has to be invalidated: when a badge is revoked its
key changes and the old answer is simply no longer asked for."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from questbot.web.headers import Complete, Shape, add_headers, names, not_modified, shape

DEFAULT_BYTES = 32 * 1024 * 1024
LARGEST_SHARE = 8  # one answer may take at most this fraction of the cache
OVERHEAD = 2048  # bytes counted per entry besides its body (key, headers, bookkeeping)


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Answer:
    """A 2xx (or 410) answer's status, body and headers, ETag included."""

    body: bytes
    content_type: str
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str = ""
    # the headers sent, and those of a 304, per kind of request: a few at most
    _sent: dict[Shape, tuple[CIMultiDictProxy[str], CIMultiDictProxy[str]]] = field(
        default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, body: bytes, content_type: str, status: int = 200,
           headers: Mapping[str, str] | None = None) -> Answer:
        return cls(body, content_type, status, dict(headers or {}), strong_etag(body))

    def response(self, request: web.Request | None = None) -> web.Response:
        """The answer, with every header it carries when sent to ``request`` (and a 304
        when the request names its ETag); without one, the headers of the route's hook."""
        if request is None:
            return web.Response(body=self.body, status=self.status, headers=self._own())
        kind = shape(request)
        sent = self._sent_for(kind)
        if (self.status == 200 and kind[0].etag
                and request.headers.get("If-None-Match") is not None
                and names(request.if_none_match, self.etag)):
            return Complete(status=304, headers=sent[1])
        return Complete(body=self.body, status=self.status, headers=sent[0])

    def headers_sent(self, request: web.Request) -> CIMultiDictProxy[str]:
        """The headers the answer is sent with to ``request`` (when not a 304)."""
        return self._sent_for(shape(request))[0]

    def _sent_for(self, kind: Shape) -> tuple[CIMultiDictProxy[str], CIMultiDictProxy[str]]:
        sent = self._sent.get(kind)
        if sent is None:
            sent = self._sent[kind] = self._headers_for(kind)
        return sent

    def _own(self) -> CIMultiDict[str]:
        headers = CIMultiDict(self.headers)
        headers["Content-Type"] = self.content_type
        if self.status in (200, 410):  # an error's bytes are not a representation to keep
            headers["ETag"] = self.etag
        return headers

    def _headers_for(self, kind: Shape) -> tuple[CIMultiDictProxy[str], CIMultiDictProxy[str]]:
        headers = self._own()
        media_type = self.content_type.partition(";")[0].strip().lower()
        add_headers(headers, media_type, kind)
        return CIMultiDictProxy(headers), not_modified(headers, kind)


class AnswerCache:
    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[Hashable, Answer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Answer | None:
        answer = self._entries.get(key)
        if answer is not None:
            self._entries.move_to_end(key)
        return answer

    def keeps(self, answer: Answer) -> bool:
        """Whether ``answer`` is small enough to be kept."""
        return (len(answer.body) + OVERHEAD) * LARGEST_SHARE <= self.max_bytes

    def put(self, key: Hashable, answer: Answer) -> Answer:
        cost = len(answer.body) + OVERHEAD
        if not self.keeps(answer):
            return answer  # too large to keep: served, not kept
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body) + OVERHEAD
        self._entries[key] = answer
        self.size += cost
        while self.size > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.size -= len(evicted.body) + OVERHEAD
        return answer
