"""Stage four of loading, which only warns: texts that lack a translation other texts of the
same quest have. A learner reading such a text gets it in the quest's default language, so a
missing translation is never an error, but the author would want to know."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from pydantic import BaseModel

from questbot.catalog.localized import LocalizedText
from questbot.catalog.locate import Locations
from questbot.catalog.models import QuestFile
from questbot.domain.errors import Problem

At = tuple[str | int, ...]
MAX_WARNINGS = 50  # per file, as for problems


def localized_parts(value: object, at: At = ()) -> Iterator[tuple[At, frozenset[str]]]:
    """Every text a learner reads (but those without a letter, such as a choice "2"), and
    every set of answers by language, with its place in the file and its languages."""
    if isinstance(value, LocalizedText):
        if any(char.isalpha() for char in value):  # "1", "42" read alike in every language
            yield at, value.languages
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from localized_parts(getattr(value, name), (*at, name))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from localized_parts(item, (*at, index))
    elif isinstance(value, Mapping) and value:  # answers by language: {en: [...], fr: [...]}
        yield at, frozenset(str(key) for key in value)


MAX_QUEST_LANGUAGES = 30  # languages one quest file may speak (each text: at most these)
NAMED = 5  # missing languages named in one warning; the rest are counted


def quest_languages(spec: QuestFile) -> frozenset[str]:
    """Every language the quest's texts are written in, its default included."""
    return frozenset({spec.language}).union(
        *(languages for _, languages in localized_parts(spec)))


def missing_translations(path: Path, spec: QuestFile, where: Locations) -> list[Problem]:
    """At most ``MAX_WARNINGS`` warnings, the rest counted, so the work stays bounded by the
    texts times the (at most ``MAX_QUEST_LANGUAGES``) languages."""
    every = quest_languages(spec)
    warnings: list[Problem] = []
    more = 0
    for at, languages in localized_parts(spec):
        missing = every - languages
        if not missing:
            continue
        if len(warnings) >= MAX_WARNINGS - 1:
            more += 1
            continue
        pos = where.value(at)
        named = sorted(missing)[:NAMED]
        names = ", ".join(named) + (f" and {len(missing) - NAMED} more"
                                    if len(missing) > NAMED else "")
        warnings.append(Problem(
            str(path), pos.line, pos.column,
            f"warning: {_dotted(at)} has no {names} text, which other texts of the quest have",
            f"add {named[0]}: ... to it; until then learners read it in "
            f"{_shown_instead(spec.language, languages)}"))
    if more:
        last = warnings[-1]
        warnings.append(Problem(last.path, last.line, last.column,
                                f"warning: {more} more texts lack a translation", None))
    return warnings


def _shown_instead(default: str, languages: frozenset[str]) -> str:
    return default if default in languages else "its first language"


def _dotted(at: At) -> str:
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "file"
