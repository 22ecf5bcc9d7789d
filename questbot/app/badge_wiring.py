"""The badge service and the verifier, built the same way for the server and the CLI."""

from __future__ import annotations

from questbot.app.config import Settings
from questbot.app.library import QuestLibrary
from questbot.badges.fastcanon import FastCanonicalizer
from questbot.badges.keys import KeyringError, load_or_create_keyring
from questbot.badges.model import Urls
from questbot.badges.service import BadgeService
from questbot.badges.verify import Verifier
from questbot.domain.errors import ConfigError
from questbot.ports import Store


def badge_services(settings: Settings, store: Store, library: QuestLibrary
                   ) -> tuple[BadgeService, Verifier]:
    try:
        keyring = load_or_create_keyring(settings.data_dir / "keys")
    except (OSError, KeyringError) as exc:
        raise ConfigError(f"QUESTBOT_DATA_DIR: cannot set up the issuer keys: {exc}") from exc
    urls = Urls(settings.public_base_url)
    badges = BadgeService(store, keyring, settings.issuer_profile(), urls,
                          settings.data_dir / "badges", lambda: library.catalog)
    return badges, Verifier(keyring, urls, store.credential, FastCanonicalizer())
