"""The badge service and the verifier, built the same way for the server and the CLI."""

from __future__ import annotations

from questbot.app.config import Settings
from questbot.app.library import QuestLibrary
from questbot.badges.fastcanon import FastCanonicalizer
from questbot.badges.fetch import DocumentFetcher
from questbot.badges.identity import IdentityMode, IssuerIdentity
from questbot.badges.key_resolver import KeyResolver
from questbot.badges.keys import KeyFolder, KeyringError
from questbot.badges.model import Urls
from questbot.badges.proof_pool import ProofChecker
from questbot.badges.service import BadgeService
from questbot.badges.status_check import StatusChecker
from questbot.badges.verify import Verifier
from questbot.domain.errors import ConfigError
from questbot.ports import Store


def badge_services(settings: Settings, store: Store, library: QuestLibrary
                   ) -> tuple[BadgeService, Verifier]:
    keys = KeyFolder(settings.data_dir / "keys")
    try:
        keys.current()
    except (OSError, KeyringError) as exc:
        raise ConfigError(f"QUESTBOT_DATA_DIR: cannot set up the issuer keys: {exc}") from exc
    mode: IdentityMode = "web" if settings.issuer_did == "web" else \
        "key" if settings.issuer_did == "key" else "auto"
    identity = IssuerIdentity.choose(Urls(settings.public_base_url), mode)
    canonicalizer = FastCanonicalizer()
    badges = BadgeService(store, keys.current, settings.issuer_profile(), identity,
                          settings.data_dir / "badges", lambda: library.catalog, canonicalizer)
    return badges, verifier_for(settings, store, keys, identity, canonicalizer)


def verifier_for(settings: Settings, store: Store, keys: KeyFolder,
                 identity: IssuerIdentity, known_shapes: FastCanonicalizer) -> Verifier:
    fetcher = DocumentFetcher(online=settings.verify_online,
                              allow_loopback=settings.verify_allow_loopback,
                              timeout=settings.verify_timeout)
    resolver = KeyResolver(fetcher)
    proofs = ProofChecker(timeout=settings.verify_timeout, known_shapes=known_shapes)
    return Verifier(keys.current, identity, store.credential, proofs, resolver,
                    StatusChecker(fetcher, resolver, proofs))
