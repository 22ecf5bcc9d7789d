"""The gettext catalogues: English is the source and every shipped language has every message,
with the same placeholders, commands and emoji in every plural form; a learner whose platform
says French or Scottish Gaelic reads no English sentence of the catalogue; plural forms follow
each language's rule; a fresh compiled catalogue is used and a stale one is not."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from questbot.domain import UserRef
from questbot.engine.engine import QuestEngine
from questbot.i18n import ENGLISH, PLURAL_COUNTS, translate
from questbot.i18n.catalogue import catalogue
from questbot.i18n.files import load
from tests.helpers import FakeClock, Player
from tests.paths import ROOT

LANGUAGES = ("en", "fr", "gd")
TRANSLATED = ("fr", "gd")
CATALOGUES = [("questbot/locale", "questbot"),
              ("questbot/web/locale", "questbot_web"),  # the badge server's pages
              ("questbot/badges/locale", "questbot_badges"),  # verdicts and certificates
              ("questbot/mail/locale", "questbot_mail"),  # the emails
              *((f"adapters/{name}/locale", name)
                for name in ("questbot_console", "questbot_telegram", "questbot_discord"))]
COMMAND = re.compile(r"(?<![\w/])/[a-z]+\b")
WORD = re.compile(r"(?<![/\w])[a-z]{2,}\b")  # a word in lower case, not a /command
EMOJI = re.compile(r"[\u2600-\u27bf\U0001f300-\U0001faff]")


def _read(folder: str, domain: str, language: str) -> Catalog:
    path = ROOT / folder / language / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as source:
        return read_po(source, locale=language)


def _forms(message: Message) -> list[str]:
    forms = message.string
    return [str(form) for form in forms] if isinstance(forms, tuple | list) else [
        str(forms or "")]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def _marks(text: str) -> tuple[set[str], set[str], set[str]]:
    return _fields(text), set(COMMAND.findall(text)), set(EMOJI.findall(text))


def _english(folder: str, domain: str) -> dict[str, Message]:
    return {str(m.id[0] if isinstance(m.id, tuple) else m.id): m
            for m in _read(folder, domain, "en") if m.id}


def test_the_core_catalogue_is_the_english_po_and_has_the_plural_messages_it_names() -> None:
    english = _english("questbot/locale", "questbot")
    assert set(english) == set(ENGLISH)
    plural = {key for key, message in english.items() if message.pluralizable}
    assert plural == set(PLURAL_COUNTS)
    for key, count in PLURAL_COUNTS.items():
        assert all(count in _fields(form) for form in _forms(english[key])), key


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize(("folder", "domain"), CATALOGUES)
def test_every_message_is_translated_with_the_same_placeholders_commands_and_emoji(
        folder: str, domain: str, language: str) -> None:
    english = _english(folder, domain)
    translated = _read(folder, domain, language)
    forms_wanted = translated.num_plurals
    problems: list[str] = []
    for key, source in english.items():
        message = translated.get(key)
        if message is None or message.fuzzy:
            problems.append(f"{key}: missing or fuzzy")
            continue
        forms = _forms(message)
        if source.pluralizable and len(forms) != forms_wanted:
            problems.append(f"{key}: {len(forms)} plural forms, not {forms_wanted}")
        wanted = _marks(" ".join(_forms(source)))
        problems += [f"{key}[{index}]: {form!r}" for index, form in enumerate(forms)
                     if not form.strip() or _marks(form) != wanted]
    extra = {str(m.id[0] if isinstance(m.id, tuple) else m.id) for m in translated if m.id}
    problems += [f"{key}: not in English" for key in sorted(extra - set(english))]
    assert problems == []


def test_the_plural_rules_are_each_languages() -> None:
    forms = {language: [catalogue(language).plural(n)  # type: ignore[union-attr]
                        for n in (0, 1, 2, 3, 11, 12, 19, 20, 101)]
             for language in LANGUAGES}
    assert forms == {"en": [1, 0, 1, 1, 1, 1, 1, 1, 1],
                     "fr": [0, 0, 1, 1, 1, 1, 1, 1, 1],
                     "gd": [3, 0, 1, 2, 0, 1, 2, 3, 3]}


def test_a_count_picks_the_gaelic_form_for_1_2_3_and_20() -> None:
    gaelic = _read("questbot/locale", "questbot", "gd")
    for key, count in PLURAL_COUNTS.items():
        forms = _forms(gaelic[key])
        for n, index in ((1, 0), (2, 1), (3, 2), (20, 3)):
            assert translate(key, "gd", **{count: n}) == forms[index].format_map(
                _Filled({count: n})), (key, n)
    assert translate("quiz.cooldown", "gd", seconds=3).endswith("3 diogan.")
    assert translate("quiz.cooldown", "gd", seconds=20).endswith("20 diog.")
    assert translate("quiz.cooldown", "en", seconds=1) == "You can try again in 1 second."
    assert translate("quiz.cooldown", "fr-CA", seconds=1) == (
        "Vous pourrez réessayer dans 1 seconde.")
    assert translate("input.too_long", "en", limit="500").endswith("500 characters).")


class _Filled(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def test_odd_language_tags_read_english() -> None:
    for tag in ("xx", "../en", "", "EN_gb", "fr/../../x"):
        assert translate("quiz.true", tag) in {"True", "Vrai"}
    assert translate("quiz.true", "FR-ca") == "Vrai"


def _sentences(texts: list[str]) -> set[str]:
    """The literal English pieces of the catalogue long enough to be a sentence's words."""
    pieces: set[str] = set()
    for text in texts:
        for literal, _, _, _ in Formatter().parse(text):
            pieces |= {piece.strip() for piece in re.split(r"[\n:;()]", literal)
                       if len(WORD.findall(piece)) >= 3}  # not a usage line's syntax
    return pieces


CONVERSATION = ["/start", "/help", "/quests", "/join python-basics", "/join python-basics",
                "/progress", "/quiz python-basics quiz-1", "3", "function", "False", "ab",
                "/quiz python-basics quiz-1", "/badges", "/mydata", "/frobnicate", "hello",
                "/join", "/forget", "/link", "/email off", "/showname on", "/review",
                "/code python-basics"]


@pytest.mark.parametrize("language", TRANSLATED)
async def test_a_conversation_in_french_or_gaelic_reads_no_english_sentence(
        engine: QuestEngine, clock: FakeClock, language: str) -> None:
    english = _sentences([*ENGLISH.values(),
                          *(form for key in PLURAL_COUNTS
                            for form in _forms(_english("questbot/locale", "questbot")[key]))])
    player = Player(engine, UserRef("console", "amelie"), "Amélie", language=language)
    replies = []
    for line in CONVERSATION:
        replies.append(await player.say(line) if line[0] == "/" or len(line) > 1
                       else await player.press(line))
    text = "\n".join(replies)
    assert len(text) > 500
    assert sorted(piece for piece in english if piece in text) == []
    assert translate("quiz.correct", language) in text or translate(
        "quiz.wrong", language) in text


def test_a_fresh_compiled_catalogue_is_used_and_a_stale_one_is_not(tmp_path: Path) -> None:
    messages = tmp_path / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = messages / "questbot.po"
    shutil.copy(ROOT / "questbot/locale/fr/LC_MESSAGES/questbot.po", po)
    translations = load(tmp_path, "questbot", "fr")
    assert translations is not None and translations.gettext("quiz.true") == "Vrai"
    from questbot.i18n.files import compile_po  # noqa: PLC0415

    mo = messages / "questbot.mo"
    mo.write_bytes(compile_po(po.read_bytes().replace(b'"Vrai"', b'"Juste"'), "fr"))
    os.utime(po, (1, 1))
    assert load(tmp_path, "questbot", "fr").gettext("quiz.true") == "Juste"  # type: ignore[union-attr]
    os.utime(mo, (0, 0))
    assert load(tmp_path, "questbot", "fr").gettext("quiz.true") == "Vrai"  # type: ignore[union-attr]
    assert load(tmp_path, "questbot", "de") is None
    assert io.BytesIO(mo.read_bytes()).read(4) in {b"\xde\x12\x04\x95", b"\x95\x04\x12\xde"}


@pytest.mark.parametrize(("folder", "domain", "namespace"),
                         [("questbot/web/locale", "questbot_web", "web"),
                          ("questbot/badges/locale", "questbot_badges", "badges")])
def test_the_web_and_badge_catalogues_are_registered_in_every_language(
        folder: str, domain: str, namespace: str) -> None:
    import questbot.web.language  # noqa: F401, PLC0415  (registers both catalogues)

    for language in LANGUAGES:
        for message in _read(folder, domain, language):
            if message.id:
                key = f"{namespace}.{message.id}"
                assert translate(key, language) == str(message.string).format_map(
                    _Filled({})), (language, key)


def test_an_odd_count_picks_a_form_and_never_raises() -> None:
    for odd in ("²", "9" * 5000, "-3", "", None, 2**80):
        assert translate("quiz.cooldown", "gd", seconds=odd)
