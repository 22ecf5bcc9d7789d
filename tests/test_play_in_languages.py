"""A whole sample quest played in French and in Gaelic through the Telegram fake and the
terminal chat: nothing English reaches the learner, neither a sentence of any catalogue nor
a text of the quest."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from string import Formatter
from typing import Any

import pytest
from pydantic import BaseModel

from questbot.catalog import load_quest_file
from questbot.catalog.localized import LocalizedText
from questbot.i18n import ADDED, ENGLISH, translate
from tests.fakes.discord_api import GENERAL, FakeDiscord, Post
from tests.fakes.telegram_api import FakeTelegram
from tests.paths import QUESTS
from tests.server import free_port, running_server
from tests.test_console_e2e import finish, start
from tests.test_discord import ALICE, TINA, button, question
from tests.test_discord import adapter_for as discord_adapter
from tests.test_discord import fake as discord_fake  # noqa: F401 (a fixture)
from tests.test_telegram import GROUP_ID, last_question
from tests.test_telegram import adapter_for as telegram_adapter
from tests.test_telegram import fake as fake_telegram  # noqa: F401 (a fixture)

LEARNER, TUTOR, GROUP = 2001, 2002, GROUP_ID
WORD = re.compile(r"(?<![/\w])[a-z]{2,}\b")  # a word in lower case, not a /command or USAGE
SAMPLE = QUESTS / "python-basics.yaml"


def texts_of(node: object) -> Iterator[LocalizedText]:
    if isinstance(node, LocalizedText):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from texts_of(getattr(node, name))
    elif isinstance(node, dict):
        for value in node.values():
            yield from texts_of(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from texts_of(value)


def english_pieces(language: str) -> set[str]:
    """Every English piece of three words or more a learner could be shown: the core's and
    the adapters' sentences, and the sample quest's English texts where it has another."""
    literals = [*ENGLISH.values(), *ADDED["en"].values()]
    literals += [text.translations["en"] for text in texts_of(load_quest_file(SAMPLE).spec)
                 if "en" in text.translations and language in text.translations
                 and text.translations["en"] != text.translations[language]]
    pieces: set[str] = set()
    for text in literals:
        for literal, _, _, _ in Formatter().parse(text):
            pieces |= {piece.strip() for piece in re.split(r"[\n:;()!?.,]", literal)
                       if len(WORD.findall(piece)) >= 3}
    return pieces


async def reply_to(fake: FakeTelegram, chat: int, before: int) -> None:
    await fake.wait_for(lambda: len(fake.to(chat)) > before)


def everything_sent(fake: FakeTelegram, *chats: int) -> str:
    parts = []
    for chat in chats:
        for sent in fake.to(chat):
            parts += [sent.text or "", sent.caption or ""]
            parts += [b["text"] for row in sent.keyboard or () for b in row]
    return "\n".join(parts)


@pytest.mark.parametrize("language", ["fr", "gd"])
async def test_the_sample_quest_on_telegram_shows_no_english(
        tmp_path: Path, fake_telegram: FakeTelegram,  # noqa: F811
        language: str) -> None:
    fake = fake_telegram
    async with running_server(tmp_path, tutors=(f"telegram:{TUTOR}",)) as server:
        adapter = telegram_adapter(server, fake)  # its channel "general" is GROUP
        await adapter.start()
        try:
            await play_on_telegram(fake, language)
        finally:
            await adapter.stop()
    text = everything_sent(fake, LEARNER, GROUP)
    assert len(text) > 800
    assert sorted(piece for piece in english_pieces(language) if piece in text) == []
    assert any(s.document for s in fake.to(LEARNER))  # the badge itself arrived


async def play_on_telegram(fake: FakeTelegram, language: str) -> None:
    learner = fake.user(LEARNER, "Amélie", language=language)
    tutor = fake.user(TUTOR, "Tina", language="en")
    group = fake.group(GROUP, "Python")

    async def say(text: str, chat: dict[str, Any] | None = None) -> None:
        before = len(fake.to(LEARNER)) + len(fake.to(GROUP))
        fake.says(learner, text, chat=chat)
        await fake.wait_for(lambda: len(fake.to(LEARNER)) + len(fake.to(GROUP)) > before)

    for line in ("/start", "/help", "/quests", "/join python-basics"):
        await say(line)
    for n in range(3):
        fake.says(learner, f"salut {n}", chat=group)
    await reply_to(fake, GROUP, 0)
    await say("/quiz")
    await fake.wait_for(lambda: any(s.keyboard for s in fake.to(LEARNER)))  # after its intro
    fake.presses(learner, last_question(fake, LEARNER), "2")
    await reply_to(fake, LEARNER, len(fake.to(LEARNER)))
    await say("def")
    true = translate("quiz.true", language)
    await fake.wait_for(lambda: any(b["text"] == true for s in fake.to(LEARNER)
                                    for row in s.keyboard or () for b in row))
    fake.presses(learner, last_question(fake, LEARNER), true)
    await reply_to(fake, LEARNER, len(fake.to(LEARNER)))
    await say("ab")
    fake.says(tutor, "/code python-basics")
    await reply_to(fake, TUTOR, 0)
    code = fake.texts_to(TUTOR).split("): ")[1].split("\n")[0]
    await say(f"/checkin {code}")
    await fake.wait_for(lambda: any(s.document for s in fake.to(LEARNER)))
    for line in ("/progress", "/badges"):
        await say(line)


@pytest.mark.parametrize("language", ["fr", "gd"])
async def test_the_sample_quest_in_the_terminal_shows_no_english(
        tmp_path: Path, language: str) -> None:
    term = await start(tmp_path, free_port(), "--as", "amelie")
    lines = [f"/language {language}", "/help", "/quests", "/join python-basics", "salut 1",
             "salut 2", "salut 3", "/quiz", "2", "def", "1", "ab", "/progress", "/badges"]
    transcript = [await term.type(line) for line in lines]
    assert await finish(term) == 0
    text = "\n".join(transcript[1:])
    english = english_pieces(language) | {translate("console.posted", "en", channel="general")}
    assert sorted(piece for piece in english if piece in text) == []


@pytest.mark.parametrize(("language", "locale"), [("fr", "fr"), ("gd", "en-GB")])
async def test_the_sample_quest_on_discord_shows_no_english(
        tmp_path: Path, discord_fake: FakeDiscord,  # noqa: F811
        language: str, locale: str) -> None:
    fake = discord_fake
    async with running_server(tmp_path) as server:
        adapter = discord_adapter(server, fake)
        await adapter.start()
        try:
            learner = await play_on_discord(fake, language, locale)
        finally:
            await adapter.stop()
    shown = []
    for post in fake.posts:
        ours = post.interaction_token in learner if post.interaction_token else \
            post.channel_id == GENERAL  # what the channel sees, not the tutor's own answers
        if ours:
            shown += [post.content or "", str(post.embeds), str(post.data.get("title", ""))]
            shown += [str(b.get("label", "")) for b in post.buttons()]
            shown += [str(c.get("label", "")) for row in post.data.get("components", [])
                      for c in row.get("components", [])]
    text = "\n".join(shown)
    assert len(text) > 800
    assert sorted(piece for piece in english_pieces(language) if piece in text) == []
    assert any(post.files for post in fake.posts)  # the badge itself arrived


async def play_on_discord(fake: FakeDiscord, language: str, locale: str) -> set[str]:
    """The learner's interactions' tokens, after playing the sample quest to its badge."""
    amelie = fake.member(ALICE, "Amélie", locale=locale)
    tina = fake.member(TINA, "Tina", tutor=True)
    tokens: set[str] = set()

    async def slash(name: str, **options: Any) -> str:
        token = await fake.slash(amelie, name, **options)
        tokens.add(token)
        await fake.wait_for(lambda: any(p.kind == "followup" for p in fake.to_interaction(token)))
        return token

    if language == "gd":  # Discord has no Gaelic locale: the learner says so
        await slash("language", language="gd")
    for name in ("help", "quests"):
        await slash(name)
    await slash("join", quest="python-basics")
    for n in range(3):
        await fake.say(amelie, f"salut {n}")
    await fake.wait_for(lambda: sum(p.channel_id == GENERAL for p in fake.posts) >= 1)
    def asking(number: int) -> list[Post]:
        return [p for p in fake.posts if p.buttons() and f"{number}/4" in (p.content or "")]

    token = await slash("quiz")
    await fake.wait_for(lambda: bool(asking(1)))  # the intro comes first, then the question
    tokens.add(await fake.press(amelie, button(question(fake, token), "2")))
    await fake.wait_for(lambda: bool(asking(2)))
    form = await fake.press(amelie, asking(2)[-1].buttons()[0]["custom_id"])
    tokens.add(form)
    await fake.wait_for(lambda: any(p.callback_type == 9 for p in fake.to_interaction(form)))
    modal = next(p for p in fake.to_interaction(form) if p.callback_type == 9).data
    field = modal["components"][0]["components"][0]["custom_id"]
    tokens.add(await fake.submit_modal(amelie, modal["custom_id"], field, "def"))
    await fake.wait_for(lambda: bool(asking(3)))
    tokens.add(await fake.press(amelie, button(asking(3)[-1],
                                               translate("quiz.true", language))))
    await fake.wait_for(lambda: bool(asking(4)))
    await slash("answer", text="ab")
    code_token = await fake.slash(tina, "code", quest="python-basics")
    await fake.wait_for(lambda: "): " in fake.text_of(code_token))
    code = fake.text_of(code_token).split("): ")[1].split("\n")[0]
    token = await slash("checkin", code=code)
    await fake.wait_for(lambda: any(p.files for p in fake.to_interaction(token)))
    for name in ("progress", "badges"):
        await slash(name)
    return tokens
