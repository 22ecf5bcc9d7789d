"""The badge service: turns a recorded award into hosted, signed and baked Open Badges, and
hands out what the server and the adapters show (baked PNGs, certificates, status list)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from questbot.badges import ob2, ob3
from questbot.badges.bake import OB2_KEYWORD, OB3_KEYWORD, bake
from questbot.badges.classes import badge_class_info, class_id, pathway_class_info
from questbot.badges.fastcanon import FastCanonicalizer
from questbot.badges.identity import LEGACY_LIST, IssuerIdentity
from questbot.badges.keys import Keyring
from questbot.badges.learner_record import LearnerRecords
from questbot.badges.model import AwardFacts, BadgeClassInfo, IssuerProfile, Recipient
from questbot.badges.pathway_map import PathwayMap, pathway_map
from questbot.badges.proof import Canonicalizer, sign
from questbot.badges.render import render_badge, render_certificate
from questbot.badges.status import status_list_credential
from questbot.badges.words import say
from questbot.catalog import PATHWAY_BADGE, Catalog
from questbot.domain.progress import AwardRecord
from questbot.ports import CredentialRecord, CredentialStore, IssuedBadge, RecipientRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedDocuments:
    assertion: dict[str, Any]
    credential: dict[str, Any]


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


class BadgeService:
    def __init__(self, store: CredentialStore, keys: Callable[[], Keyring],
                 issuer: IssuerProfile, identity: IssuerIdentity, folder: Path,
                 catalog: Callable[[], Catalog],
                 canonicalize: Canonicalizer | None = None) -> None:
        self.store = store
        self._keys = keys
        self.issuer = issuer
        self.identity = identity
        self.urls = identity.urls
        self.folder = folder
        self._catalog = catalog
        self._canonicalize = canonicalize or FastCanonicalizer()
        # list id -> (revoked indexes, signing method, signed list)
        self._status_cache: dict[str, tuple[tuple[int, ...], str, dict[str, Any]]] = {}
        self._classes: dict[str, BadgeClassInfo] = {}
        self._images: dict[str, tuple[str, bytes]] = {}  # class id -> (look, PNG)
        self._lock = asyncio.Lock()
        self.records = LearnerRecords(store, keys, issuer, identity, catalog)

    @property
    def keyring(self) -> Keyring:
        """The keys as they are now (a rotation is picked up without a restart)."""
        return self._keys()

    # --- issuing -------------------------------------------------------------------------
    async def issue(self, award: AwardRecord) -> IssuedBadge:
        """Build, sign and bake the award's badge once; later calls return the same."""
        record = await self.store.credential(award.award_id)
        if record is None:
            info = await self._class_for(award)
            recipient, index = await self.store.prepare_credential(award.award_id,
                                                                   award.learner_id)
            documents = await asyncio.to_thread(self.build, award, info, recipient, index)
            assertion, credential = dumps(documents.assertion), dumps(documents.credential)
            await self.store.save_credential(award.award_id, info.class_id, assertion,
                                             credential)
            record = CredentialRecord(award, info.class_id, assertion, credential,
                                      recipient.display_name, recipient.show_name)
        path = await self.write_png(record)
        return IssuedBadge(self.urls.page(award.award_id), str(path))

    def build(self, award: AwardRecord, info: BadgeClassInfo, recipient: RecipientRecord,
              status_index: int) -> IssuedDocuments:
        expires = (award.awarded_at + timedelta(seconds=info.expires_after_seconds)
                   if info.expires_after_seconds else None)
        key = self.keyring.active
        assert key.signing_key is not None
        status_list = self.urls.status_list_for(self.identity.status_list_id(key))
        facts = AwardFacts(award.award_id, award.awarded_at, award.evidence, expires,
                           status_index, status_list)
        salt = hashlib.sha256(f"{award.award_id}:{recipient.token}".encode()).hexdigest()[:16]
        identity = recipient.email or f"{self.urls.base}/recipients/{recipient.token}"
        who = Recipient(identity, recipient.email is not None, salt)
        unsigned = ob3.credential(facts, info, who, issuer=self.issuer,
                                  issuer_did=self.identity.issuer_id(key), urls=self.urls)
        credential = sign(unsigned, key.signing_key, self.identity.verification_method(key),
                          award.awarded_at, self._canonicalize)
        return IssuedDocuments(ob2.assertion(facts, info, who, self.urls), credential)

    async def record(self, learner_id: str, award_ids: Sequence[str], language: str = "en"
                     ) -> dict[str, Any] | None:
        """The learner's badges among ``award_ids`` as one signed CLR 2.0 ClrCredential
        (revoked ones and others' left out), None when none is left (learner_record.py)."""
        return await self.records.record(learner_id, award_ids, language)

    @property
    def catalog(self) -> Catalog:
        """The quests and pathways as they are now (a reload is picked up)."""
        return self._catalog()

    def pathway_map(self, pathway_id: str, language: str) -> PathwayMap | None:
        """A pathway as its page draws it, in ``language``; None if there is none."""
        catalog = self._catalog()
        pathway = catalog.pathway(pathway_id)
        return None if pathway is None else pathway_map(pathway, catalog, self.urls, language)

    async def _class_for(self, award: AwardRecord) -> BadgeClassInfo:
        catalog = self._catalog()
        quest = catalog.get(award.quest_id)
        milestone = quest.milestone_for_badge(award.badge_key) if quest else None
        pathway = catalog.pathway(award.quest_id) if award.badge_key == PATHWAY_BADGE else None
        info: BadgeClassInfo | None = None
        if quest is not None and milestone is not None:
            info = badge_class_info(quest, milestone)
        elif pathway is not None:
            info = pathway_class_info(pathway, catalog)
        if info is not None:
            if self._classes.get(info.class_id) != info:  # write only what changed
                await self.store.save_badge_class(info.class_id, json.dumps(info.to_json()))
                self._classes[info.class_id] = info
            return info
        stored = await self.store.badge_class(class_id(award.quest_id, award.badge_key))
        if stored is None:
            raise LookupError(f"badge {award.badge_key} of quest {award.quest_id} is unknown")
        return BadgeClassInfo.from_json(json.loads(stored))

    # --- images --------------------------------------------------------------------------
    async def class_image(self, info: BadgeClassInfo) -> bytes:
        """The badge class's picture: the quest's own PNG, or one rendered once and kept."""
        look = f"{info.image_source}|{info.name}|{self.issuer}"
        cached = self._images.get(info.class_id)
        if cached is not None and cached[0] == look:
            return cached[1]
        if info.image_source:
            png = await asyncio.to_thread(Path(info.image_source).read_bytes)
        else:
            png = await self._rendered(info, look)
        self._images[info.class_id] = (look, png)
        return png

    async def _rendered(self, info: BadgeClassInfo, look: str) -> bytes:
        path = self.folder / "classes" / f"{info.class_id}-{_short_hash(look)}.png"
        if not path.exists():
            async with self._lock:
                if not path.exists():
                    png = await asyncio.to_thread(render_badge, info.name, self.issuer.name,
                                                  self.issuer.colour, self.issuer.accent)
                    await asyncio.to_thread(_write_atomically, path, png)
        return await asyncio.to_thread(path.read_bytes)

    async def class_info(self, class_id_: str) -> BadgeClassInfo | None:
        if class_id_ in self._classes:
            return self._classes[class_id_]
        stored = await self.store.badge_class(class_id_)
        return BadgeClassInfo.from_json(json.loads(stored)) if stored else None

    async def baked_png(self, record: CredentialRecord) -> bytes:
        info = await self.class_info(record.class_id)
        if info is None:
            raise LookupError(f"badge class {record.class_id} is unknown")
        base = await self.class_image(info)
        # Byte-level: the pixels are never decoded, so baking costs microseconds.
        return bake(base, {OB2_KEYWORD: record.assertion, OB3_KEYWORD: record.credential})

    async def write_png(self, record: CredentialRecord) -> Path:
        path = self.folder / "awards" / f"{record.award.award_id}.png"
        png = await self.baked_png(record)
        await asyncio.to_thread(_write_if_missing, path, png)
        return path

    async def png_path(self, award_id: str) -> str | None:
        record = await self.store.credential(award_id)
        return str(await self.write_png(record)) if record else None

    async def certificate(self, record: CredentialRecord, stamp: str | None = None,
                          stamp_colour: str = "#a4161a", language: str = "en") -> bytes:
        """A certificate with a QR code, in ``language``, stamped (REVOKED, EXPIRED) when
        ``stamp`` is given.
        The file is named by a hash of everything it shows, so it is rendered again when the
        holder hides or deletes their name or the badge's state changes."""
        info = await self.class_info(record.class_id)
        assert info is not None
        base = await self.class_image(info)
        award_id = record.award.award_id
        name = record.display_name if record.show_name else None
        date = record.award.awarded_at.date()
        worth = worth_text(info, language)
        shows = json.dumps([name, stamp, stamp_colour, info.name, worth, date.isoformat(),
                            language,
                            self.urls.base,
                            str(self.issuer), hashlib.sha256(base).hexdigest()])
        folder = self.folder / "certificates"
        path = folder / f"{award_id}-{hashlib.sha256(shows.encode()).hexdigest()[:16]}.png"
        if path.exists():
            return await asyncio.to_thread(path.read_bytes)
        png = await asyncio.to_thread(
            render_certificate, base, badge_name=info.name, recipient=name,
            issuer=self.issuer.name, date=date, url=self.urls.page(award_id),
            colour=self.issuer.colour, accent=self.issuer.accent, stamp=stamp,
            stamp_colour=stamp_colour, language=language, worth=worth)

        def replace() -> None:  # earlier renderings may show a name the holder withdrew
            _write_atomically(path, png)
            for old in (*folder.glob(f"{award_id}-{'?' * 16}.png"), folder / f"{award_id}.png"):
                if old != path:
                    old.unlink(missing_ok=True)

        await asyncio.to_thread(replace)
        return png

    # --- status list ---------------------------------------------------------------------
    async def status_list(self, list_id: str = LEGACY_LIST) -> dict[str, Any] | None:
        """A signed status list: the issuer-wide one, or one key's own; None if unknown.

        Status indexes are unique across keys, so every list carries the same bits; each is
        signed by the issuer its credentials name."""
        keyring = self.keyring
        key = self.identity.status_list_signer(list_id, keyring)
        if key is None:
            return None
        if key.signing_key is None:
            raise LookupError(f"the key of status list {list_id} has no private key left")
        method = self.identity.status_list_method(list_id, key)
        revoked = tuple(await self.store.revoked_status_indexes())
        cached = self._status_cache.get(list_id)
        if cached is not None and cached[:2] == (revoked, method):
            return cached[2]
        now = datetime.now(UTC).replace(microsecond=0)
        document = status_list_credential(list(revoked),
                                          self.identity.status_list_issuer(list_id, key),
                                          self.urls.status_list_for(list_id), now)
        signed = await asyncio.to_thread(sign, document, key.signing_key, method, now,
                                         self._canonicalize)
        self._status_cache[list_id] = (revoked, method, signed)
        return signed

    async def issue_missing(self, batch: int = 100) -> MissingReport:
        """Build the badges of awards recorded without one (a crash between the award's
        commit and its badge, a build that failed), batch after batch until none is left.

        An award that fails is tried once per call. Builds of the same award that race (the
        engine's own and this one) are harmless: both build the same documents, and the
        first saved is kept."""
        failed: dict[str, BaseException] = {}
        issued = 0
        while True:
            # The store lists the first awards without a credential; those that failed
            # stay first, so ask for as many more as have failed.
            awards = [a for a in await self.store.awards_without_credentials(
                          len(failed) + batch) if a.award_id not in failed]
            if not awards:
                return MissingReport(issued, failed)
            results = await asyncio.gather(*(self.issue(a) for a in awards),
                                           return_exceptions=True)
            for award, result in zip(awards, results, strict=True):
                if isinstance(result, Exception):
                    failed[award.award_id] = result
                elif isinstance(result, BaseException):
                    raise result  # cancelled: stop here
                else:
                    issued += 1

    async def keep_issuing(self, retry: RetryPolicy | None = None) -> None:
        """Run for as long as the service: build every missing badge at once, then look
        again every ``retry.interval`` seconds; while builds fail, back off (doubling up to
        ``retry.longest``). Each failing award is logged once with its traceback, and once
        more when its badge is finally built."""
        retry = retry or RetryPolicy()
        reported: set[str] = set()
        failing = 0  # passes in a row with a failure
        while True:
            try:
                report: MissingReport | None = await self.issue_missing(retry.batch)
            except Exception:  # the store itself failed: try again later
                log.exception("looking for awards without a badge failed")
                report = None
            if report is not None:
                for award_id, error in report.failed.items():
                    if award_id not in reported:
                        reported.add(award_id)
                        log.error("badge %s could not be built; it is tried again later",
                                  award_id, exc_info=error)
                healed = reported - report.failed.keys()
                for award_id in sorted(healed):
                    log.warning("badge %s is built now, after failing before", award_id)
                reported -= healed
                if report.issued:
                    log.info("built %d missing badge(s)", report.issued)
            failing = failing + 1 if report is None or report.failed else 0
            await asyncio.sleep(retry.delay(failing))


@dataclass(frozen=True)
class MissingReport:
    issued: int
    failed: dict[str, BaseException]


@dataclass(frozen=True)
class RetryPolicy:
    """When the service looks again for awards without a badge."""

    interval: float = 30.0  # seconds between looks while all is well
    first_backoff: float = 5.0  # after a failure; doubled while failures last
    longest: float = 600.0
    batch: int = 100

    def delay(self, failing: int) -> float:
        """Seconds to wait after ``failing`` passes in a row had a failure."""
        if failing <= 0:
            return self.interval
        return min(self.longest, self.first_backoff * float(2 ** min(failing - 1, 32)))


def worth_text(info: BadgeClassInfo, language: str) -> str | None:
    """The badge's credit and level in ``language`` ("10 SCQF credit points · SCQF level
    5"), or None when it carries neither."""
    parts = []
    if info.credit is not None:
        parts.append(say("credential.credit", language, points=info.credit["points"],
                         framework=info.credit["framework"]))
    if info.level is not None:
        parts.append(say("credential.level", language, framework=info.level["framework"],
                         level=info.level["level"]))
    return " · ".join(parts) or None


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _write_if_missing(path: Path, data: bytes) -> None:
    if not path.exists():
        _write_atomically(path, data)


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never a part. The temporary name is unique
    (two threads of one process may write the same badge at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
