"""What the badge server's handlers share: the badge service, the verifier, the templates
(rendered in the reader's language), content negotiation and entity tags."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from aiohttp import ETag, web

from questbot.badges.service import BadgeService
from questbot.badges.verify import Verifier
from questbot.ports import Clock
from questbot.web.answer_cache import Answer, strong_etag
from questbot.web.badge_view import BadgeAnswers
from questbot.web.language import DEFAULT, page_language, switcher

HTML = "text/html"
PAGE_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Web:
    badges: BadgeService
    verifier: Verifier
    clock: Clock
    templates: jinja2.Environment
    answers: BadgeAnswers
    language: str = DEFAULT  # the community's: pages say it to readers who name none

    def render(self, template: str, **values: Any) -> str:
        return self.templates.get_template(template).render(
            issuer=self.badges.issuer, urls=self.badges.urls, **values)

    def page(self, request: web.Request, template: str, status: int = 200,
             **values: Any) -> web.Response:
        """A page in the request's language: its templates say ``t("KEY")`` for the web
        catalogue's sentences, ``day(date)`` for a date, ``keep(url)`` for a link to
        another page."""
        return self.page_answer(request, template, status, **values).response()

    def page_answer(self, request: web.Request, template: str, status: int = 200,
                    **values: Any) -> Answer:
        """The same page as bytes with their ETag, to be kept."""
        language = page_language(request, self.language)
        text = self.render(template, lang=language.code, t=language.say, day=language.date,
                           keep=language.keep, languages=switcher(request), **values)
        return Answer.of(text.encode(), PAGE_TYPE, status, {"Cache-Control": "no-cache"})

    def message(self, request: web.Request, heading: str, text: str,
                status: int) -> web.Response:
        """A short page of one heading and one sentence, both keys of the web catalogue."""
        language = page_language(request, self.language)
        return self.page(request, "message.html", status=status,
                         heading=language.say(heading), text=language.say(text), links=())


WEB = web.AppKey("web", Web)
# set by a handler whose answer is one person's (a page opened with a wallet's token)
PRIVATE_ANSWER = web.RequestKey("private answer", bool)


def template_environment() -> jinja2.Environment:
    """The page templates, package data of questbot.web found through the import system,
    compiled once (they are part of the installed package, not edited while it runs)."""
    return jinja2.Environment(loader=jinja2.PackageLoader("questbot.web", "templates"),
                              autoescape=jinja2.select_autoescape(["html", "svg"]),
                              auto_reload=False)


# --- Accept ------------------------------------------------------------------------------
_QUALITY = re.compile(r"[01](\.\d*)?")
_TOKEN = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]+")


@dataclass(frozen=True)
class MediaRange:
    kind: str
    subtype: str
    q: float
    position: int

    @property
    def specificity(self) -> int:
        return 0 if self.kind == "*" else 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        kind, _, subtype = media_type.partition("/")
        return self.kind in ("*", kind) and self.subtype in ("*", subtype)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header, lower-cased; malformed ranges are skipped."""
    ranges = (_media_range(part, position)
              for position, part in enumerate(header.lower().split(",")))
    return [r for r in ranges if r is not None]


def _media_range(part: str, position: int) -> MediaRange | None:
    name, *parameters = part.split(";")
    name = name.strip()
    kind, _, subtype = ("*/*" if name == "*" else name).partition("/")
    if not (_TOKEN.fullmatch(kind) and _TOKEN.fullmatch(subtype)):
        return None
    if kind == "*" and subtype != "*":
        return None
    q = 1.0
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip() == "q":  # parameters after q are accept-extensions: ignored
            quality = _quality(value.strip())
            if quality is None:
                return None
            q = quality
            break
    return MediaRange(kind, subtype, q, position)


def _quality(text: str) -> float | None:
    if not _QUALITY.fullmatch(text):
        return None
    value = float(text)
    return value if value <= 1 else None


def _deciding_range(ranges: Iterable[MediaRange], media_type: str) -> MediaRange | None:
    """The most specific range naming ``media_type`` (the first if several are as specific):
    it alone sets the type's quality, so ``*/*, x/y;q=0`` excludes x/y."""
    best: MediaRange | None = None
    for candidate in ranges:
        if candidate.matches(media_type) and (
                best is None or candidate.specificity > best.specificity):
            best = candidate
    return best


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers: highest q, then the most specific range, then the range
    named first, then the offer listed first; None if the client accepts none of them."""
    ranges = parse_accept(accept) if accept and accept.strip() else []
    if not ranges:
        return offers[0] if offers else None  # no (usable) Accept header: anything goes
    best: tuple[tuple[float, int, int, int], str] | None = None
    for index, offer in enumerate(offers):
        deciding = _deciding_range(ranges, offer.lower())
        if deciding is None or deciding.q <= 0:
            continue
        rank = (deciding.q, deciding.specificity, -deciding.position, -index)
        if best is None or rank > best[0]:
            best = (rank, offer)
    return best[1] if best else None


@functools.lru_cache(maxsize=512)  # clients send a few distinct headers, over and over
def _negotiated(accept: str | None, offers: tuple[str, ...]) -> str | None:
    return negotiate(accept, offers)


def wants(request: web.Request, *types: str) -> str | None:
    """The one of ``types`` the client prefers to text/html, or None for the HTML page
    (also when it accepts none of them: a page is the friendliest fallback)."""
    chosen = _negotiated(request.headers.get("Accept"), (HTML, *types))
    return None if chosen in (None, HTML) else chosen


# --- entity tags -------------------------------------------------------------------------
def _names(tags: tuple[ETag, ...] | None, etag: str) -> bool:
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" names "x".
    return any(tag.value in ("*", etag.strip('"')) for tag in tags or ())


_KEPT_ON_304 = ("Cache-Control", "Content-Location", "Expires", "Vary")


def revalidated(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """``response`` with a strong ETag of its exact bytes, or a bodiless 304 when the
    client already holds them. Preconditions only apply to a 2xx answer, so a 410 gets its
    ETag but always its body."""
    body = response.body if isinstance(response, web.Response) else None
    if not isinstance(body, bytes) or response.status not in (200, 410):
        return response
    etag = response.headers.get("ETag") or strong_etag(body)  # a kept answer has its own
    response.headers["ETag"] = etag
    if response.status != 200 or not _names(request.if_none_match, etag):
        return response
    headers = {name: response.headers[name] for name in _KEPT_ON_304 if name in response.headers}
    return web.Response(status=304, headers={**headers, "ETag": etag})
