"""A learner's signed Comprehensive Learner Record, built on request from the badges they
hold: their OpenBadgeCredentials as stored, minus revoked ones, with the pathways of the
catalogue (and of the stored pathway badge classes) as associations.

Canonicalizing a record is PyLD's work (the fast path's templates do not fit a document
whose shape grows with each badge and which holds named graphs, the embedded proofs), about
80 ms for 20 badges on a small machine, so it runs in a thread, a few at a time, and a
record holds at most ``MAX_RECORD_BADGES`` badges."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from questbot.badges.canonical import canonical_nquads
from questbot.badges.classes import class_id
from questbot.badges.clr import MAX_RECORD_BADGES, RecordedBadge, clr_credential
from questbot.badges.identity import IssuerIdentity
from questbot.badges.keys import Keyring
from questbot.badges.model import BadgeClassInfo, IssuerProfile, Recipient
from questbot.badges.proof import sign
from questbot.badges.words import say
from questbot.catalog import Catalog
from questbot.domain.errors import QuestbotError
from questbot.ports import CredentialRecord, CredentialStore

BUILDING_AT_ONCE = 2  # records canonicalized at the same time, each in its own thread


class RecordTooLarge(QuestbotError, ValueError):
    """More badges were asked for than one record holds."""


class LearnerRecords:
    def __init__(self, store: CredentialStore, keys: Callable[[], Keyring],
                 issuer: IssuerProfile, identity: IssuerIdentity,
                 catalog: Callable[[], Catalog],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self._keys = keys
        self.issuer = issuer
        self.identity = identity
        self._catalog = catalog
        self._clock = clock
        self._building = asyncio.Semaphore(BUILDING_AT_ONCE)

    async def record(self, learner_id: str, award_ids: Sequence[str], language: str = "en"
                     ) -> dict[str, Any] | None:
        """The signed ClrCredential of ``learner_id``'s badges among ``award_ids`` (others'
        awards and revoked ones left out), named in ``language``; None when none is left.
        RecordTooLarge when more than MAX_RECORD_BADGES are asked for."""
        wanted = list(dict.fromkeys(award_ids))
        if len(wanted) > MAX_RECORD_BADGES:
            raise RecordTooLarge(f"a record holds at most {MAX_RECORD_BADGES} badges,"
                                 f" not {len(wanted)}")
        records = await self._held(learner_id, wanted)
        if not records:
            return None
        badges = [RecordedBadge(r.class_id, json.loads(r.credential)) for r in records]
        parts = await self._pathway_parts({r.class_id for r in records})
        recipient, _ = await self.store.prepare_credential(records[0].award.award_id,
                                                           learner_id)
        record_id = f"urn:uuid:{uuid.uuid4()}"
        salt = hashlib.sha256(f"{record_id}:{recipient.token}".encode()).hexdigest()[:16]
        identity = recipient.email or f"{self.identity.urls.base}/recipients/{recipient.token}"
        learner = Recipient(identity, recipient.email is not None, salt)
        now = self._clock().astimezone(UTC).replace(microsecond=0)
        key = self._keys().active
        if key.signing_key is None:
            raise LookupError("the active issuer key has no private key")
        unsigned = clr_credential(
            badges, parts, learner, record_id=record_id,
            name=say("record.name", language, issuer=self.issuer.name), issuer=self.issuer,
            issuer_did=self.identity.issuer_id(key), valid_from=now)
        async with self._building:
            return await asyncio.to_thread(sign, unsigned, key.signing_key,
                                           self.identity.verification_method(key), now,
                                           canonical_nquads)

    async def _held(self, learner_id: str, award_ids: list[str]) -> list[CredentialRecord]:
        states = await self.store.credential_states(award_ids)
        kept = [a for a in award_ids if a in states and states[a].revoked_at is None]
        found = await asyncio.gather(*(self.store.credential(a) for a in kept))
        return [r for r in found if r is not None and r.award.learner_id == learner_id
                and not r.award.revoked]

    async def _pathway_parts(self, held: set[str]) -> dict[str, tuple[str, ...]]:
        """Each held pathway badge's components: from the catalogue, else (a pathway no
        longer loaded) from the badge class stored when it was issued."""
        catalog = self._catalog()
        parts = {class_id(*p.badge): tuple(class_id(*b) for b in p.components)
                 for p in catalog.pathways.values()}
        for pathway_class in held - parts.keys():
            stored = await self.store.badge_class(pathway_class)
            if stored is not None:
                info = BadgeClassInfo.from_json(json.loads(stored))
                if info.parts:
                    parts[pathway_class] = info.parts
        return {k: v for k, v in parts.items() if k in held}
