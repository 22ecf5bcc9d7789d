"""What the web dashboard is given: the quest folder's state as plain data, the engine (once
it runs), and the key that encrypts its session cookies, kept beside the issuer's keys."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from questbot.app.config import Settings
from questbot.app.library import QuestLibrary
from questbot.catalog import (
    ChoiceQuestion,
    LocalizedText,
    PatternAnswer,
    Quest,
    QuizStep,
    TrueFalseQuestion,
)
from questbot.domain.errors import ConfigError
from questbot.domain.messages import Event, Outbound, Text
from questbot.i18n import translate
from questbot.ports import Clock, EventHandler, Store
from questbot.ports.dashboard import QuestionOutline, QuestOutline, ShelfState, StepOutline
from questbot.web.dashboard import DashboardSetup
from questbot.web.dashboard.setup import COOKIE_KEY_BYTES

COOKIE_KEY_FILE = "dashboard-cookie.key"


def _text(value: object, language: str) -> str:
    if isinstance(value, LocalizedText):
        return value.text(language)
    return "" if value is None else str(value)


def _right(question: object, quest: Quest, language: str) -> str:
    if isinstance(question, ChoiceQuestion):
        return _text(question.answer, language)
    if isinstance(question, TrueFalseQuestion):
        return "true" if question.answer else "false"
    answers = question.answers_for(language, quest.language)  # type: ignore[attr-defined]
    if isinstance(answers, PatternAnswer):
        return f"/{answers.pattern}/"
    return answers if isinstance(answers, str) else " | ".join(answers)


def outline(quest: Quest, language: str) -> QuestOutline:
    steps = []
    for step in quest.spec.steps:
        questions: tuple[QuestionOutline, ...] = ()
        if isinstance(step, QuizStep):
            questions = tuple(
                QuestionOutline(_text(q.text, language),
                                tuple(_text(c, language) for c in q.choices)
                                if isinstance(q, ChoiceQuestion) else (),
                                _right(q, quest, language)) for q in step.questions)
        steps.append(StepOutline(step.id, step.kind, _text(step.title, language) or step.id,
                                 questions))
    badges = tuple((m.badge_key, _text(m.badge.name, language))
                   for m in quest.milestones if m.badge is not None)
    return QuestOutline(quest.id, _text(quest.title, language), quest.version,
                        str(quest.source), tuple(steps), badges, quest.completion.steps,
                        quest.completion.need, tuple(str(w) for w in quest.warnings))


class LibraryShelf:
    """The quest library as the dashboard reads it."""

    def __init__(self, library: QuestLibrary) -> None:
        self._library = library

    def state(self, language: str) -> ShelfState:
        report = self._library.report
        quests = tuple(outline(q, language) for q in sorted(self._library.catalog,
                                                              key=lambda q: q.id))
        if report is None:
            return ShelfState(quests)
        return ShelfState(quests, tuple(str(p) for p in report.problems),
                          tuple(str(p) for p in report.kept_old))


class LiveEngine:
    """The engine, once the server has started it; before that the web's actions get a
    short apology."""

    def __init__(self, engine: Callable[[], EventHandler | None]) -> None:
        self._engine = engine

    async def handle(self, event: Event) -> list[Outbound]:
        engine = self._engine()
        if engine is None:
            return [Text(translate("error.internal", event.language))]
        return await engine.handle(event)


def cookie_key(folder: Path) -> bytes:
    """The session cookies' key, made once (mode 0600) beside the issuer's keys."""
    path = folder / COOKIE_KEY_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first
            else:
                with os.fdopen(descriptor, "w") as handle:
                    handle.write(secrets.token_hex(COOKIE_KEY_BYTES))
        key = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"QUESTBOT_DATA_DIR: cannot set up the dashboard's cookie key"
                          f" {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if len(key) != COOKIE_KEY_BYTES:
        raise ConfigError(f"{path}: not a dashboard cookie key; delete it to make a new one")
    return key


def dashboard_setup(settings: Settings, store: Store, library: QuestLibrary, clock: Clock,
                    engine: Callable[[], EventHandler | None]) -> DashboardSetup:
    engine_settings = settings.engine_settings()
    return DashboardSetup(store, LibraryShelf(library), LiveEngine(engine), clock,
                          cookie_key(settings.data_dir / "keys"),
                          settings.public_base_url.startswith("https://"),
                          engine_settings.admins, engine_settings.tutors)
