"""The language a learner reads: chosen with /language (buttons, or a code), else what the
platform says, else the community's default; kept by the store; used for what others send
them too."""

from __future__ import annotations

from dataclasses import replace

from questbot.catalog import Catalog
from questbot.domain import UserRef
from questbot.domain.messages import Question
from questbot.engine import EngineSettings, QuestEngine
from questbot.ports import Store
from tests.helpers import FakeClock, Player


async def test_a_learner_picks_a_language_with_a_button_and_keeps_it(
        alice: Player) -> None:
    assert "Commands:" in await alice.say("/help")
    await alice.say("/language")
    [question] = alice.last
    assert isinstance(question, Question)
    assert [c.label for c in question.choices] == ["English", "Français", "Gàidhlig"]
    assert "sgrìobhaidh mi thugad ann an Gàidhlig" in await alice.press("Gàidhlig")
    assert "Àitheantan" in await alice.say("/help")  # the platform still says English
    assert "Désormais, je vous écris en français" in await alice.say("/language FR")


async def test_an_unknown_language_is_refused_with_the_ones_there_are(alice: Player) -> None:
    reply = await alice.say("/language de")
    assert "en, fr, gd" in reply and "Commands:" in await alice.say("/help")


async def test_the_platform_then_the_community_decides_for_who_never_chose(
        store: Store, catalog: Catalog, settings: EngineSettings, clock: FakeClock) -> None:
    engine = QuestEngine(store, catalog, replace(settings, default_language="gd"), clock=clock)
    french = Player(engine, UserRef("console", "fr1"), "Zoé", language="fr-CA")
    silent = Player(engine, UserRef("console", "x1"), "Sam", language="")
    german = Player(engine, UserRef("console", "de1"), "Jonas", language="de")
    assert "Commandes" in await french.say("/help")
    assert "Àitheantan" in await silent.say("/help")
    assert "Àitheantan" in await german.say("/help")  # German is not shipped


async def test_what_a_tutor_sends_arrives_in_the_learners_language(
        alice: Player, tutor: Player, store: Store) -> None:
    await alice.say("/language fr")
    await tutor.say("/grant alice community-helper badge ran the help desk")
    [delivery] = [d for d in await store.pending_deliveries("console")
                  if d.recipient == alice.user and "ran the help desk" in str(d.message)]
    assert "Tina vous a décerné le badge Community Helper" in str(delivery.message)
    assert "Awarded the Community Helper badge" in tutor.last[0].text  # type: ignore[union-attr]
    assert "(1 déc. 2026)" in await alice.say("/badges")  # dates as French writes them


async def test_the_choice_survives_a_restart_and_forgetting_clears_it(
        store: Store, catalog: Catalog, settings: EngineSettings, clock: FakeClock) -> None:
    first = QuestEngine(store, catalog, settings, clock=clock)
    await Player(first, UserRef("console", "ana"), "Ana").say("/language gd")
    again = Player(QuestEngine(store, catalog, settings, clock=clock), UserRef("console", "ana"),
                   "Ana")
    assert "Àitheantan" in await again.say("/help")
    await again.say("/forget confirm")
    assert "Commands:" in await again.say("/help")


async def test_true_or_false_may_be_typed_in_the_learners_language(
        engine: QuestEngine) -> None:
    amelie = Player(engine, UserRef("console", "amelie"), "Amélie", language="fr")
    await amelie.say("/join python-basics")
    await amelie.say("/quiz")
    await amelie.say("2")
    await amelie.say("def")
    assert "Question 4/4" in await amelie.say("Vrai")  # the third question: true or false
