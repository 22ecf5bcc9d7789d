"""The words people read about a badge (a verification's checks, the certificate), in
``badges.KEY`` form beside the core's catalogue; their texts are the gettext catalogues
``questbot/badges/locale/LANG/LC_MESSAGES/questbot_badges.po``. Dates are written the
reader's way with Babel."""

from __future__ import annotations

from datetime import date

from babel.core import UnknownLocaleError
from babel.dates import format_date

from questbot.i18n import own_sentences

NAMESPACE = "badges"
# English dates are written day first, as the pages always wrote them ("10 January 2024").
DATE_LOCALES = {"en": "en_GB"}
FALLBACK_DATE_LOCALE = "en_GB"

say = own_sentences(NAMESPACE, "questbot.badges", domain="questbot_badges")


def long_date(day: date, language: str) -> str:
    """``day`` as the reader's language writes it in full: 10 janvier 2024."""
    primary = language.replace("-", "_").split("_", maxsplit=1)[0].lower()
    try:
        return format_date(day, format="long", locale=DATE_LOCALES.get(primary, primary))
    except (UnknownLocaleError, ValueError):
        return format_date(day, format="long", locale=FALLBACK_DATE_LOCALE)
