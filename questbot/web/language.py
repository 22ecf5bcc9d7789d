"""The language a page is read in, and the words it says.

``?lang=xx`` (a shipped language) decides; else the ``Accept-Language`` header, negotiated
against the shipped languages (then the answer varies with it); else the community's
language. Every sentence of a page is a ``web.KEY`` of the web's own gettext catalogue,
``questbot/web/locale/LANG/LC_MESSAGES/questbot_web.po``."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from aiohttp import web
from babel.core import negotiate_locale

from questbot.badges.words import long_date
from questbot.i18n import own_sentences, shipped_languages

NAMESPACE = "web"
QUERY = "lang"
DEFAULT = "en"
MAX_HEADER = 512  # an Accept-Language header longer than this is read only this far
QUALITY = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")

say = own_sentences(NAMESPACE, "questbot.web", domain="questbot_web")


@dataclass(frozen=True)
class PageLanguage:
    code: str
    chosen: bool  # named by ?lang=: the page's links keep it, and no header changes it

    def say(self, key: str, **params: object) -> str:
        return say(key, self.code, **params)

    def date(self, day: date) -> str:
        return long_date(day, self.code)

    def keep(self, url: str) -> str:
        """A link to another page, in the language the reader chose."""
        if not self.chosen:
            return url
        return f"{url}{'&' if '?' in url else '?'}{QUERY}={self.code}"


LANGUAGE = web.RequestKey("language", PageLanguage)


def page_language(request: web.Request, default: str = DEFAULT) -> PageLanguage:
    """The request's language, worked out once and kept on the request (which then varies
    with Accept-Language unless ``?lang=`` chose)."""
    found = request.get(LANGUAGE)
    if found is None:
        asked = request.query.get(QUERY) if request.query_string else None
        found = choose(asked, request.headers.get("Accept-Language"), default)
        request[LANGUAGE] = found
    return found


@functools.lru_cache(maxsize=512)  # browsers send a few distinct headers, over and over
def choose(asked: str | None, accept_language: str | None, default: str) -> PageLanguage:
    shipped = shipped_languages()
    if asked is not None and asked.strip().lower() in shipped:
        return PageLanguage(asked.strip().lower(), chosen=True)
    preferred = preferred_languages(accept_language or "")
    negotiated = negotiate_locale(preferred, shipped, sep="-") if preferred else None
    if negotiated is None:
        negotiated = default if default in shipped else DEFAULT
    return PageLanguage(negotiated, chosen=False)


def preferred_languages(header: str) -> list[str]:
    """An Accept-Language header's tags, most wanted first (q=0 and malformed ones left
    out, ``*`` too: any language is the default's)."""
    ranked: list[tuple[float, int, str]] = []
    if len(header) > MAX_HEADER:  # whole entries only: a cut one could lose its q=0
        header = header[:header.rfind(",", 0, MAX_HEADER) + 1]
    for position, part in enumerate(header.split(",")):
        tag, _, parameters = part.partition(";")
        tag = tag.strip().replace("_", "-").lower()
        quality = _quality(parameters)
        if tag and tag != "*" and quality > 0 and all(p.isalnum() for p in tag.split("-")):
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def _quality(parameters: str) -> float:
    """The q of an entry's parameters (RFC 9110: 0, 1, or 0. and up to three digits); 1
    when it has none, 0 when it is malformed."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if QUALITY.fullmatch(value) else 0.0
    return 1.0


def switcher(request: web.Request) -> list[tuple[str, str, str]]:
    """The links to this very page in each shipped language: code, name in that language,
    address."""
    return [(code, say("language", code),
             str(request.rel_url.update_query({QUERY: code})))
            for code in shipped_languages()]

