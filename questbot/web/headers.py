"""What the badge server's answers carry besides their bodies: the security headers on every
answer, and per route CORS, an ETag with conditional GET, Vary.

A kept answer (answer_cache.py) is sent many times over with the same headers, so they are
worked out once per answer and kind of request (its route's Answers, whether the page's
language came from Accept-Language) and its responses are marked complete: the hook that adds
headers to every other response leaves them alone."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

from aiohttp import ETag, web
from multidict import CIMultiDict, CIMultiDictProxy

from questbot.web.language import LANGUAGE

HTML = "text/html"
# What the templates need and no more: no inline script or style, no frames, no plugins.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self';"
                           " script-src 'self'; object-src 'none'; frame-ancestors 'none';"
                           " base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {"Server": "questbot", "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "strict-origin-when-cross-origin"}
PAGE_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Frame-Options": "DENY"}
# A wallet's answers, and a page opened with its token: for its holder and whom they tell
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                   "X-Robots-Tag": "noindex"}
KEPT_ON_304 = ("Cache-Control", "Content-Location", "Expires", "Vary", "ETag")


@dataclass(frozen=True, eq=False)  # each is a route's constant: hashed as itself, quickly
class Answers:
    """What a route's answers carry besides the security headers."""

    cors: bool = False  # public to scripts on any site
    etag: bool = False  # a strong ETag of the bytes; If-None-Match gets 304
    vary: bool = False  # the answer depends on Accept
    private: bool = False  # PRIVATE_HEADERS: a wallet's


PAGE = Answers()
STATIC = Answers(etag=True)
DOCUMENT = Answers(cors=True, etag=True)
NEGOTIATED = Answers(cors=True, etag=True, vary=True)
VERIFIER = Answers(cors=True, vary=True)
PRIVATE = Answers(private=True)
ANSWERS = web.RequestKey("answers", Answers)
# set by a handler whose answer is one person's (a page opened with a wallet's token)
PRIVATE_ANSWER = web.RequestKey("private answer", bool)

# The route's Answers, whether the answer varies with Accept-Language, whether it is private.
Shape = tuple[Answers, bool, bool]


class Complete(web.Response):
    """A response whose headers are all set already."""


def shape(request: web.Request) -> Shape:
    language = request.get(LANGUAGE)
    return (request.get(ANSWERS, PAGE), language is not None and not language.chosen,
            request.get(PRIVATE_ANSWER, False))


def add_headers(headers: MutableMapping[str, str], content_type: str, kind: Shape) -> None:
    """The headers every answer of this kind carries, added to ``headers``."""
    answers, language_varies, private = kind
    headers.update(SECURITY_HEADERS)
    if content_type == HTML:
        headers.update(PAGE_HEADERS)
    if answers.private or private:
        headers.update(PRIVATE_HEADERS)
    if answers.cors:
        headers["Access-Control-Allow-Origin"] = "*"
    if answers.vary:
        vary(headers, "Accept")
    if language_varies:  # said in the header's language
        vary(headers, "Accept-Language")


def vary(headers: MutableMapping[str, str], header: str) -> None:
    named = {name.strip().lower() for name in headers.get("Vary", "").split(",")}
    if header.lower() not in named:
        headers["Vary"] = ", ".join(filter(None, (headers.get("Vary"), header)))


def names(tags: tuple[ETag, ...] | None, etag: str) -> bool:
    """Whether If-None-Match's ``tags`` name ``etag``: weakly (RFC 9110 13.1.2), so
    W/"x" names "x"."""
    return any(tag.value in ("*", etag.strip('"')) for tag in tags or ())


def not_modified(headers: CIMultiDict[str], kind: Shape) -> CIMultiDictProxy[str]:
    """The headers of a 304 for an answer sent with ``headers``."""
    kept: CIMultiDict[str] = CIMultiDict(
        (name, headers[name]) for name in KEPT_ON_304 if name in headers)
    add_headers(kept, "", kind)
    return CIMultiDictProxy(kept)
