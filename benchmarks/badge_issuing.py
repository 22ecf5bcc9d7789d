"""Badges per second on one core: issuing (credentials built, signed, both chunks baked,
stored) and unbake-and-verify, each next to a baseline measured in the same run: the same
credential canonicalized the simplest way (PyLD normalize, URDNA2015) and signed with PyNaCl.

    .venv/bin/python -m benchmarks.badge_issuing [--badges 300]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from nacl.signing import SigningKey

from benchmarks.figures import FULL, Figure, Scale
from questbot.app.tuning import tune_garbage_collector
from questbot.badges import ob2, ob3
from questbot.badges.bake import OB2_KEYWORD, OB3_KEYWORD, bake
from questbot.badges.canonical import canonical_nquads
from questbot.badges.fastcanon import FastCanonicalizer
from questbot.badges.identity import IssuerIdentity
from questbot.badges.keys import Keyring, load_or_create_keyring
from questbot.badges.model import AwardFacts, BadgeClassInfo, IssuerProfile, Recipient, Urls
from questbot.badges.multikey import did_key, verification_method
from questbot.badges.proof import proof_config, sign
from questbot.badges.proof_pool import InlineProofChecker, ProofChecker
from questbot.badges.render import render_badge
from questbot.badges.service import BadgeService, dumps
from questbot.badges.verify import Verifier
from questbot.catalog import load_catalog
from questbot.domain import ConversationRef, Event, UserRef, parse_text
from questbot.domain.progress import AwardRecord
from questbot.engine import EngineSettings, QuestEngine
from questbot.storage import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
URLS = Urls("http://127.0.0.1:8080")
ISSUER = IssuerProfile("Questbot Community", "https://community.example.org",
                       "badges@example.org")
INFO = BadgeClassInfo("python-basics.badge", "python-basics", "Python Basics", "Python Basics",
                      "Knows the first steps of Python.", "Passed the quiz and attended.",
                      ("python",), ({"targetName": "Programming",
                                     "targetUrl": "https://skills.example.org/programming"},))


def rate(work: Callable[[int], object], count: int) -> float:
    """Runs of ``work`` per second: the median of three timed rounds."""
    rounds = []
    for _ in range(3):
        began = time.perf_counter()
        for n in range(count):
            work(n)
        rounds.append(count / (time.perf_counter() - began))
    return statistics.median(rounds)


def credential_for(n: int, did: str) -> dict[str, object]:
    facts = AwardFacts(f"award{n}", datetime(2026, 11, 29, 10, 0, tzinfo=UTC),
                       {"Quiz": f"score: {n % 5}/4", "Say hello": "messages: 3"}, None, n)
    recipient = Recipient(f"learner{n}@example.org", True, f"salt{n}")
    return ob3.credential(facts, INFO, recipient, issuer=ISSUER, issuer_did=did, urls=URLS)


def baseline_sign(document: dict[str, object], key: SigningKey, method: str) -> bytes:
    """The simplest way: canonicalize both parts with PyLD, hash, sign with PyNaCl."""
    config = proof_config(document, method, datetime(2026, 11, 29, 10, 0, tzinfo=UTC))
    data = (hashlib.sha256(canonical_nquads(config).encode()).digest()
            + hashlib.sha256(canonical_nquads(document).encode()).digest())
    return key.sign(data).signature


async def issue_through_service(folder: Path, count: int) -> float:
    """The whole path as the bot runs it: awards recorded by the engine, then built,
    signed, baked, stored in SQLite and written as PNG files by the badge service."""
    catalog = load_catalog(ROOT / "quests").catalog
    store = SqliteStore(folder / "questbot.sqlite3")
    await store.open()
    tutor = UserRef("bench", "tutor")
    # an admin: only admins may name learners the bot has not met (a class list)
    engine = QuestEngine(store, catalog, EngineSettings(admins=frozenset({tutor})))
    for n in range(count):
        text = f"/grant bench:learner{n} python-basics badge passed the course"
        await engine.handle(Event(f"g{n}", tutor, ConversationRef("bench", "dm"),
                                  parse_text(text, "bench")))
    awards = await store.awards_without_credentials(count)
    keyring = load_or_create_keyring(folder / "keys")
    service = BadgeService(store, lambda: keyring, ISSUER, IssuerIdentity(URLS, None),
                           folder / "badges", lambda: catalog)
    await service.issue(awards[0])  # renders and caches the class image once
    gate = asyncio.Semaphore(16)  # awards arrive from many chats at once; commits are shared

    async def one(award: AwardRecord) -> None:
        async with gate:
            await service.issue(award)

    began = time.perf_counter()
    await asyncio.gather(*(one(award) for award in awards[1:]))
    per_second = (len(awards) - 1) / (time.perf_counter() - began)
    await store.close()
    return per_second


def measure_verification(keyring: Keyring, key: SigningKey, did: str, baked: list[bytes],
                         fast: FastCanonicalizer, count: int) -> tuple[float, float, float]:
    """Unbake and verify: the PyLD reference, the fast path, and the server's worker."""
    verifier_keyring = type(keyring)([*keyring.keys])
    verifier_keyring.keys[0] = type(keyring.keys[0])(keyring.keys[0].created,
                                                     bytes(key.verify_key), key)
    assert verifier_keyring.keys[0].did == did

    async def no_record(_: str) -> None:
        return None

    identity = IssuerIdentity(URLS, None)
    verifier = Verifier.offline(lambda: verifier_keyring, identity, no_record,
                                InlineProofChecker(fast))
    reference = Verifier.offline(lambda: verifier_keyring, identity, no_record,
                                 InlineProofChecker(canonical_nquads))
    pooled = Verifier.offline(lambda: verifier_keyring, identity, no_record,
                              ProofChecker(known_shapes=fast))
    now = datetime(2026, 12, 1, tzinfo=UTC)

    async def check(which: Verifier, runs: int) -> float:
        rounds = []
        for _ in range(3):
            began = time.perf_counter()
            for n in range(runs):
                verdict = await which.verify_bytes(baked[n], now)
                assert any(c.name == "signature" and c.passed for c in verdict.checks)
            rounds.append(runs / (time.perf_counter() - began))
        return statistics.median(rounds)

    async def through_workers() -> float:
        await pooled.verify_bytes(baked[0], now)  # starts the worker
        try:
            return await check(pooled, count)
        finally:
            await pooled.close()

    return (asyncio.run(check(reference, max(count // 5, 20))),
            asyncio.run(check(verifier, count)), asyncio.run(through_workers()))


def measure(count: int) -> dict[str, float]:
    """Badges per second of each path and of both baselines, one after the other."""
    count = max(count, 20)  # the baselines time at least 20
    key = SigningKey(b"\x07" * 32)
    did, method = did_key(bytes(key.verify_key)), verification_method(bytes(key.verify_key))
    base_png = render_badge("Python Basics", ISSUER.name, "#1f4e79", "#f2a900")
    fast = FastCanonicalizer()
    documents = [credential_for(n, did) for n in range(count)]

    baseline = rate(lambda n: baseline_sign(documents[n], key, method), max(count // 5, 20))

    def issue(n: int) -> bytes:
        document = credential_for(n, did)
        facts = AwardFacts(f"award{n}", datetime(2026, 11, 29, 10, 0, tzinfo=UTC))
        signed = sign(document, key, method, facts.awarded_at, fast)
        assertion = ob2.assertion(facts, INFO, Recipient(f"l{n}@example.org", True, "s"), URLS)
        return bake(base_png, {OB2_KEYWORD: dumps(assertion), OB3_KEYWORD: dumps(signed)})

    issued = rate(issue, count)
    baked = [issue(n) for n in range(count)]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        keyring = load_or_create_keyring(folder / "keys")
        service_rate = asyncio.run(issue_through_service(folder, count))

    verify_baseline, verify_fast, verify_pooled = measure_verification(
        keyring, key, did, baked, fast, count)
    return {"baseline": baseline, "issue": issued, "service": service_rate,
            "verify baseline": verify_baseline, "verify": verify_fast,
            "verify pooled": verify_pooled, "template hits": fast.hits,
            "fallbacks": fast.fallbacks}


def figures(scale: Scale = FULL) -> list[Figure]:
    """Issuing and unbake-and-verify, each next to its PyLD + PyNaCl baseline of this run."""
    rates = measure(scale.badges)
    unit = "badges/s"
    return [
        Figure("issue: build, sign, bake (vs PyLD + PyNaCl)", rates["issue"],
               rates["baseline"], unit, target_ratio=10.0),
        Figure("issue through the service (vs PyLD + PyNaCl)", rates["service"],
               rates["baseline"], unit),
        Figure("unbake + verify (vs PyLD)", rates["verify"], rates["verify baseline"], unit,
               target_ratio=10.0),
        Figure("unbake + verify, worker (vs PyLD)", rates["verify pooled"],
               rates["verify baseline"], unit),
    ]


def main() -> None:
    tune_garbage_collector()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=FULL.badges)
    args = parser.parse_args()
    count = args.badges
    rates = measure(count)
    baseline, verify_baseline = rates["baseline"], rates["verify baseline"]

    print(f"one core, {count} badges; baseline: PyLD normalize (URDNA2015) + PyNaCl")
    print(f"{'':44}{'badges/s':>10}{'vs baseline':>13}")
    rows = [("baseline: canonicalize + sign", baseline, baseline),
            ("issue: build, sign, bake both chunks", rates["issue"], baseline),
            ("issue via the service (+ SQLite, PNG file)*", rates["service"], baseline),
            ("baseline: unbake + verify (PyLD)", verify_baseline, verify_baseline),
            ("unbake + verify", rates["verify"], verify_baseline),
            ("unbake + verify, signature in a worker**", rates["verify pooled"],
             verify_baseline)]
    for name, value, base in rows:
        print(f"{name:44}{value:>10.0f}{value / base:>12.1f}x")
    print("* 16 awards in flight at a time, each durable in SQLite before it is announced")
    print("** as the server checks uploads: small ones of its own shapes at once, others in a"
          " time-limited worker process")
    print(f"fast canonicalization: {rates['template hits']:.0f} template hits,"
          f" {rates['fallbacks']:.0f} fallbacks")


if __name__ == "__main__":
    main()
