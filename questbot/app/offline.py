"""The services the command line needs without the server: store, quests, badges, engine."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from questbot.app.config import Settings
from questbot.app.library import QuestLibrary
from questbot.badges.fastcanon import FastCanonicalizer
from questbot.badges.keys import KeyringError, load_or_create_keyring
from questbot.badges.model import Urls
from questbot.badges.service import BadgeService
from questbot.badges.verify import Verifier
from questbot.domain.errors import ConfigError
from questbot.domain.ids import UserRef
from questbot.engine import QuestEngine
from questbot.ports import Store
from questbot.storage import open_store

OPERATOR = UserRef("cli", "operator")  # whoever runs the command line is an admin


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
    try:
        keyring = load_or_create_keyring(settings.data_dir / "keys")
    except (OSError, KeyringError) as exc:
        raise ConfigError(f"QUESTBOT_DATA_DIR: cannot set up the issuer keys: {exc}") from exc
    store = open_store(settings.database)
    library = QuestLibrary(settings.quests_dir)
    library.load()
    urls = Urls(settings.public_base_url)
    badges = BadgeService(store, keyring, settings.issuer_profile(), urls,
                          settings.data_dir / "badges", lambda: library.catalog)
    engine_settings = settings.engine_settings()
    engine_settings = type(engine_settings)(
        base_url=engine_settings.base_url, admins=engine_settings.admins | {OPERATOR},
        tutors=engine_settings.tutors)
    engine = QuestEngine(store, library.catalog, engine_settings, issuer=badges)
    await store.open()
    try:
        yield Offline(settings, store, library, badges,
                      Verifier(keyring, urls, store.credential, FastCanonicalizer()), engine)
    finally:
        await store.close()
