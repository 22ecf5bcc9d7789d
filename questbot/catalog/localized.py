"""Texts in several languages. Any text a learner reads may be written as a plain string (in
the quest's default language) or as a map from language code to text::

    title: {en: Python Basics, fr: Les bases de Python, gd: Bunaitean Python}

Either form loads as a ``LocalizedText``: a ``str`` holding the text in the quest's default
language (so code that only needs one text, such as a credential, keeps working unchanged),
which also carries every translation and picks one with ``.text(language)``."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

LANGUAGE_PATTERN = r"^[a-z]{2,3}$"
DEFAULT_LANGUAGE = "en"
MAX_LANGUAGES = 30  # per text: far more than any community translates into

Language = Annotated[str, Field(
    pattern=LANGUAGE_PATTERN,
    description="a language code of 2-3 lower-case letters (ISO 639): en, fr, gd")]

_LANGUAGE = re.compile(LANGUAGE_PATTERN)
# The default language of the quest file being validated, so a plain string knows its
# language. Set by QuestFile's validator for the time it validates (see ``quest_language``).
_QUEST_LANGUAGE: ContextVar[str] = ContextVar("quest_language", default=DEFAULT_LANGUAGE)


def primary_language(language: str) -> str:
    """``fr`` for ``fr``, ``fr-CA`` or ``fr_CA``, as platforms report a user's language."""
    return language.split("-", maxsplit=1)[0].split("_", maxsplit=1)[0].lower()


@contextmanager
def quest_language(language: object) -> Iterator[None]:
    """Plain strings validated inside this block are texts in ``language``."""
    valid = isinstance(language, str) and _LANGUAGE.fullmatch(language)
    token = _QUEST_LANGUAGE.set(language if valid and isinstance(language, str)
                                else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _QUEST_LANGUAGE.reset(token)


class LocalizedText(str):
    """A text and its translations: equal to (and printed as) the default language's text,
    or the first given when the map lacks the default language. Immutable."""

    _translations: Mapping[str, str]
    _language: str

    def __new__(cls, translations: Mapping[str, str], language: str = DEFAULT_LANGUAGE
                ) -> LocalizedText:
        if not translations:
            raise ValueError("a localized text needs at least one language")
        if language not in translations:
            language = next(iter(translations))
        self = super().__new__(cls, translations[language])
        object.__setattr__(self, "_translations", MappingProxyType(dict(translations)))
        object.__setattr__(self, "_language", language)
        return self

    @classmethod
    def plain(cls, text: str, language: str = DEFAULT_LANGUAGE) -> LocalizedText:
        return cls({language: text}, language)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a LocalizedText is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return LocalizedText, (dict(self._translations), self._language)

    def __repr__(self) -> str:
        return f"LocalizedText({dict(self._translations)!r}, {self._language!r})"

    @property
    def language(self) -> str:
        """The language of the text this string holds: the quest's default, if given."""
        return self._language

    @property
    def translations(self) -> Mapping[str, str]:
        """Language code to text, in the order the quest file gives them."""
        return self._translations

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._translations)

    def text(self, language: str, fallback: str | None = None) -> str:
        """The text in ``language`` (``fr-CA`` finds ``fr``), else in ``fallback``, else in
        the quest's default language, else the first given."""
        translations = self._translations
        if language in translations:  # nearly always: asked for every text of every reply
            return translations[language]
        for wanted in (primary_language(language), fallback):
            if wanted is not None and wanted in translations:
                return translations[wanted]
        return str.__str__(self)


def _build(value: str | dict[str, str]) -> LocalizedText:
    if isinstance(value, str):
        return LocalizedText.plain(value, _QUEST_LANGUAGE.get())
    return LocalizedText(value, _QUEST_LANGUAGE.get())


def _dump(value: LocalizedText) -> str | dict[str, str]:
    translations = value.translations
    if list(translations) == [value.language]:
        return str.__str__(value)
    return dict(translations)


def _unquoted_codes(value: Any) -> Any:
    """YAML reads no, yes, on and off as true or false: say so instead of a puzzle."""
    if isinstance(value, dict) and any(isinstance(key, bool) for key in value):
        raise ValueError("a language code YAML reads as true or false (no, yes, on, off)"
                         " must be quoted, e.g. 'no': ...")
    return value


def _shape(value: Any) -> str:
    return "by-language" if isinstance(value, dict) else "text"


@dataclass(frozen=True)
class Localized:
    """Pydantic annotation: a plain string of 1..max_length characters, or a map from
    language code to such strings."""

    max_length: int

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler
                                     ) -> CoreSchema:
        text = core_schema.str_schema(min_length=1, max_length=self.max_length,
                                      strip_whitespace=True)
        by_language = core_schema.dict_schema(
            keys_schema=core_schema.str_schema(pattern=LANGUAGE_PATTERN),
            values_schema=text, min_length=1, max_length=MAX_LANGUAGES)
        either = core_schema.tagged_union_schema(
            {"text": text, "by-language": by_language}, discriminator=_shape)
        return core_schema.no_info_after_validator_function(
            _build, core_schema.no_info_before_validator_function(_unquoted_codes, either),
            serialization=core_schema.plain_serializer_function_ser_schema(_dump))

    def __get_pydantic_json_schema__(self, schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        text = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        return {
            "anyOf": [text, {
                "type": "object", "minProperties": 1, "maxProperties": MAX_LANGUAGES,
                "propertyNames": {"pattern": LANGUAGE_PATTERN},
                "additionalProperties": text,
            }],
            "description": "a text, or the text by language: {en: ..., fr: ...}",
        }


ShortLocalized = Annotated[LocalizedText, Localized(200)]
LongLocalized = Annotated[LocalizedText, Localized(4000)]
PromptLocalized = Annotated[LocalizedText, Localized(1000)]
