"""The message catalogue: every sentence people read goes through ``translate``.

The sentences live in gettext catalogues, ``questbot/locale/LANG/LC_MESSAGES/questbot.po``,
whose msgids are the keys (``quest.unknown``) and whose English one is the source: a
language is one more ``.po`` file of the same keys and touches no module. A message that
names a number has plural forms, chosen by the parameter ``PLURAL_COUNTS`` names. Unknown
languages, and keys a language lacks, fall back to English; an unknown key reads as itself.
Adapters' sentences live in their own packages' catalogues (``register_catalogues``), kept
beside the core's, which names no platform."""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Protocol, cast

from questbot.i18n.files import languages, load, locale_folder

DOMAIN = "questbot"
SOURCE_LANGUAGE = "en"
_LANGUAGE = re.compile(r"[a-z]{2,3}")

# The parameter whose number chooses a message's plural form (English: 1 vs. many; Scottish
# Gaelic has four forms); every message with plural forms in the catalogues is named here.
PLURAL_COUNTS: dict[str, str] = {
    "input.too_long": "limit",
    "privacy.forgotten": "badges",
    "link.code": "minutes",
    "link.too_many": "minutes",
    "dashboard.link": "minutes",
    "quests.line": "steps",
    "step.todo_message": "target",
    "step.todo_reaction": "target",
    "step.todo_quiz": "attempts",
    "submission.too_long": "limit",
    "review.list": "count",
    "progress.header": "total",
    "quiz.cooldown": "seconds",
    "quiz.intro": "count",
    "quiz.failed_retry": "left",
    "quiz.failed_cooldown": "left",
    "code.relocked": "count",
    "checkin.too_many": "minutes",
    "reload.done": "count",
    "quiz.time_limit": "seconds",
    "streak.grew_day": "count",
    "streak.grew_week": "count",
    "streak.warn_day": "count",
    "streak.warn_week": "count",
    "progress.streak_day": "count",
    "progress.streak_week": "count",
    "counters.why_short": "count",
    "counters.why_repeat": "count",
    "counters.why_similar": "count",
    "counters.streak": "count",
}
_UNKNOWN_COUNT = 0  # a plural message whose number is missing: the form 0 takes


@functools.cache
def catalogue(language: str) -> gettext.GNUTranslations | None:
    """The core's compiled catalogue in one language (None when it does not ship)."""
    return load(locale_folder("questbot"), DOMAIN, language)


@functools.cache
def shipped_languages() -> tuple[str, ...]:
    """The languages the core ships (en first), read once: every reply asks."""
    return tuple(languages(locale_folder("questbot")))


def messages(translations: gettext.GNUTranslations) -> dict[str, str]:
    """Every key of a compiled catalogue with its text (a plural message's last form, the
    one English uses for many)."""
    compiled = cast("dict[object, str]", getattr(translations, "_catalog", {}))
    texts: dict[str, str] = {}
    for msgid, text in sorted(compiled.items(), key=lambda item: str(item[0])):
        match msgid:
            case str() if msgid:
                texts[msgid] = text
            case (str() as key, int()):
                texts[key] = text
            case _:
                pass  # the header, whose msgid is empty
    return texts


def _source() -> gettext.GNUTranslations:
    english = catalogue(SOURCE_LANGUAGE)
    if english is None:
        raise RuntimeError(f"questbot's {SOURCE_LANGUAGE} catalogue is missing from "
                           "questbot/locale: the package is incomplete")
    return english


ENGLISH: dict[str, str] = messages(_source())  # the core's keys and English texts

ADDED: dict[str, dict[str, str]] = {}  # the parts' own sentences (adapters'), by language


def register_messages(namespace: str, catalogues: Mapping[str, Mapping[str, str]]) -> None:
    """A part's own sentences (an adapter's), as ``NAMESPACE.KEY`` in every language it
    ships, kept beside the core's catalogue, which names no platform."""
    for language, texts in catalogues.items():
        added = ADDED.setdefault(language, {})
        added.update({f"{namespace}.{key}": text for key, text in texts.items()})


def register_catalogues(namespace: str, package: str, domain: str | None = None) -> None:
    """A part's own gettext catalogues, ``PACKAGE/locale/LANG/LC_MESSAGES/DOMAIN.po`` (the
    domain is the package's name unless told), whose keys it says as ``NAMESPACE.KEY``."""
    folder = locale_folder(package)
    found = {language: load(folder, domain or package, language)
             for language in languages(folder)}
    register_messages(namespace, {language: messages(translations)
                                  for language, translations in found.items()
                                  if translations is not None})


class Sayer(Protocol):
    def __call__(self, key: str, language: str = "en", **params: object) -> str:
        ...


def own_sentences(namespace: str, package: str, domain: str | None = None) -> Sayer:
    """Registers a part's catalogues (see ``register_catalogues``) and gives the part its
    ``say(key, language, **params)``, which is ``translate("NAMESPACE.key", ...)``."""
    register_catalogues(namespace, package, domain)

    def say(key: str, language: str = "en", **params: object) -> str:
        return translate(f"{namespace}.{key}", language, **params)
    return say


class _Params(dict[str, object]):
    """A missing parameter shows as {name} instead of raising mid-reply."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _language(language: str) -> str:
    if language in shipped_languages():  # nearly always: the engine picked it
        return language
    primary = language.split("-", maxsplit=1)[0].split("_", maxsplit=1)[0].lower()
    return primary if _LANGUAGE.fullmatch(primary) else SOURCE_LANGUAGE


def _count(key: str, params: Mapping[str, object]) -> int:
    value = params.get(PLURAL_COUNTS[key])
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return _UNKNOWN_COUNT


def _lookup(translations: gettext.GNUTranslations | None, key: str,
            params: Mapping[str, object]) -> str | None:
    if translations is None:
        return None
    text = (translations.ngettext(key, key, _count(key, params)) if key in PLURAL_COUNTS
            else translations.gettext(key))
    return text if text != key else None


def translate(key: str, language: str = "en", **params: object) -> str:
    """The sentence ``key`` in ``language`` (``fr``, ``gd-GB``...), its ``{name}`` parameters
    filled in; a message with plural forms takes the form its count parameter calls for."""
    language = _language(language)
    template = _FOUND.get((language, key))
    if template is None:
        core = _lookup(catalogue(language), key, params)
        if core is not None and key not in PLURAL_COUNTS:
            _FOUND[language, key] = core
        template = (core or ADDED.get(language, {}).get(key)
                    or _lookup(_source(), key, params)
                    or ADDED.get(SOURCE_LANGUAGE, {}).get(key) or key)
    return template.format_map(_Params(params))


# The core catalogue's sentences without plural forms, by language and key, once looked up:
# the catalogues are read once, and every reply says several sentences.
_FOUND: dict[tuple[str, str], str] = {}


@functools.cache
def language_name(code: str, in_a_sentence: bool = False) -> str:
    """A language's name in itself: as a person picks it (English, Français, Gàidhlig), or
    as a sentence in that language says it (français)."""
    from babel import Locale  # noqa: PLC0415  (Babel's data only when a name is wanted)

    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, LookupError):
        return code
    return name if in_a_sentence else name[:1].upper() + name[1:]


def format_day(value: date, language: str) -> str:
    """A date as the reader's language writes it (3 Dec 2026, 3 déc. 2026, 3 Dùbh 2026)."""
    from babel.dates import format_date  # noqa: PLC0415

    return str(format_date(value, format="medium", locale=_known(language)))


def format_period(first: date, last: date, language: str) -> str:
    """Days from ``first`` to ``last`` as the reader's language names them: December 2026 for
    a whole month, 30 Nov to 6 Dec 2026 otherwise."""
    from babel.dates import format_interval, format_skeleton  # noqa: PLC0415

    locale = _known(language)
    if first.day == 1 and (last + timedelta(days=1)).day == 1 and last - first > timedelta(days=7):
        return str(format_skeleton("yMMMM", first, locale=locale))
    return str(format_interval(first, last, "yMMMd", locale=locale))


def format_moment(value: datetime, language: str) -> str:
    """A date and time in its own time zone (named after it), as the reader's language
    writes it: 3 déc. 2026 14:05 UTC."""
    from babel.dates import format_date, format_time  # noqa: PLC0415

    locale = _known(language)
    zone = value.strftime("%Z") or "UTC"
    return (f"{format_date(value.date(), format='medium', locale=locale)}"
            f" {format_time(value.timetz(), format='short', locale=locale)} {zone}")


def _known(language: str) -> str:
    """A language Babel has data for: a shipped one, else the source language."""
    code = _language(language)
    return code if code in shipped_languages() else SOURCE_LANGUAGE
