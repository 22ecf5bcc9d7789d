"""The services the command line needs without the server: store, quests, badges, engine."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass

from questbot.app.badge_wiring import badge_services
from questbot.app.config import Settings
from questbot.app.library import QuestLibrary
from questbot.badges.service import BadgeService
from questbot.badges.verify import Verifier
from questbot.domain.ids import UserRef
from questbot.engine import QuestEngine
from questbot.ports import Store
from questbot.storage import open_store

OPERATOR = UserRef("cli", "operator")  # whoever runs the command line is an admin


def operator_name(settings: Settings) -> str:
    """The name the command line acts under. Its operator speaks for the issuer, so badges
    it awards (evidence, "awarded by") name the issuer, not a person called "operator"."""
    return settings.issuer_name


@dataclass
class Offline:
    settings: Settings
    store: Store
    library: QuestLibrary
    badges: BadgeService
    verifier: Verifier
    engine: QuestEngine


@contextlib.asynccontextmanager
async def offline_services(settings: Settings) -> AsyncIterator[Offline]:
    store = open_store(settings.database, auto_migrate=settings.auto_migrate)
    library = QuestLibrary(settings.quests_dir)
    library.load()
    badges, verifier = badge_services(settings, store, library)
    engine_settings = settings.engine_settings()
    engine_settings = dataclasses.replace(engine_settings,
                                          admins=engine_settings.admins | {OPERATOR})
    engine = QuestEngine(store, library.catalog, engine_settings, issuer=badges)
    await store.open()
    try:
        yield Offline(settings, store, library, badges, verifier, engine)
    finally:
        await verifier.close()
        await store.close()
