"""Languages: the message catalogues (gettext ``.po`` files compiled with Babel) and the
one function every sentence people read goes through, ``translate``. Its own part, beside
the domain, because the domain uses the standard library only."""

from questbot.i18n.catalogue import (
    ADDED,
    ENGLISH,
    PLURAL_COUNTS,
    format_day,
    format_moment,
    format_period,
    language_name,
    own_sentences,
    register_catalogues,
    register_messages,
    shipped_languages,
    translate,
)

__all__ = ["ADDED", "ENGLISH", "PLURAL_COUNTS", "format_day", "format_moment", "format_period",
           "language_name",
           "own_sentences", "register_catalogues", "register_messages", "shipped_languages",
           "translate"]
