"""Signature checks of credentials from strangers, off the event loop and within a time limit.

Canonicalizing a hostile JSON-LD document can take very long (URDNA2015 is exponential in
the worst case), and a thread cannot be stopped. So each check runs in a worker process
with a time limit and a memory limit; a worker that overruns is killed and replaced, and
the verdict says the credential was too complex to check. Other requests, and the chat
adapters in the same process, are never delayed by it."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import multiprocessing
import resource
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pebble import ProcessExpired, ProcessPool

from questbot.badges.fastcanon import FastCanonicalizer
from questbot.badges.proof import Canonicalizer, ProofError, ProofMismatch, verify

log = logging.getLogger(__name__)

Outcome = Literal["valid", "mismatch", "malformed", "unreadable", "too_complex", "failed"]
WORKER_MEMORY = 2 * 1024 * 1024 * 1024
MAX_LOCAL_TEXT = 16 * 1024


@dataclass(frozen=True)
class ProofResult:
    outcome: Outcome
    detail: str = ""


class ProofChecks(Protocol):
    async def check(self, document_text: str, proof_index: int, public_key: bytes
                    ) -> ProofResult: ...

    async def start(self) -> None: ...

    def close(self) -> None: ...


@functools.cache
def _worker_canonicalizer() -> FastCanonicalizer:
    """One per worker process, kept between tasks so each shape is templated once."""
    return FastCanonicalizer()


def _ready() -> bool:
    return True


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))


def check_in_worker(document_text: str, proof_index: int, public_key: bytes
                    ) -> tuple[Outcome, str]:
    document = json.loads(document_text)
    return check_now(document, proof_index, public_key, _worker_canonicalizer())


def check_now(document: dict[str, Any], proof_index: int, public_key: bytes,
              canonicalize: Canonicalizer) -> tuple[Outcome, str]:
    proofs = document.get("proof")
    proof = proofs[proof_index] if isinstance(proofs, list) else proofs
    if not isinstance(proof, dict):
        return "malformed", "the proof is not an object"
    try:
        verify(document, public_key, proof, canonicalize)
    except ProofMismatch as exc:
        return "mismatch", str(exc)
    except ProofError as exc:
        return "malformed", str(exc)
    except Exception as exc:  # JSON-LD processing of a hostile document may fail anyhow
        return "unreadable", type(exc).__name__
    return "valid", ""


class InlineProofChecker:
    """Checks in a thread of this process: for trusted input (benchmarks, tests of our own
    badges), where no time limit is needed."""

    def __init__(self, canonicalize: Canonicalizer | None = None) -> None:
        self._canonicalize = canonicalize or FastCanonicalizer()

    async def check(self, document_text: str, proof_index: int, public_key: bytes
                    ) -> ProofResult:
        document = json.loads(document_text)
        outcome, detail = await asyncio.to_thread(check_now, document, proof_index,
                                                  public_key, self._canonicalize)
        return ProofResult(outcome, detail)

    async def start(self) -> None:
        pass

    def close(self) -> None:
        pass


class ProofChecker:
    def __init__(self, timeout: float = 5.0, workers: int = 1,
                 known_shapes: FastCanonicalizer | None = None) -> None:
        """``known_shapes``: a canonicalizer that issuing has taught this process's own
        shapes; a small credential of such a shape is checked in a thread, which costs a
        bounded moment, instead of a round trip to the worker."""
        self.timeout = timeout
        self._known = known_shapes
        self._workers = workers
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()

    def _started(self) -> ProcessPool:
        with self._lock:
            if self._pool is None:
                # The fork server starts from this module, not from whatever __main__ is,
                # and has the JSON-LD code imported once for every worker it forks.
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([__name__])
                self._pool = ProcessPool(max_workers=self._workers, initializer=_limit_memory,
                                         context=context)
                self._pool.schedule(_ready).result(timeout=60)
            return self._pool

    async def start(self) -> None:
        """Start the worker now, off the event loop (it takes a moment)."""
        await asyncio.to_thread(self._started)

    async def check(self, document_text: str, proof_index: int, public_key: bytes
                    ) -> ProofResult:
        if self._known is not None and len(document_text) <= MAX_LOCAL_TEXT:
            document = json.loads(document_text)
            unsecured = {k: v for k, v in document.items() if k != "proof"} \
                if isinstance(document, dict) else document
            if isinstance(unsecured, dict) and self._known.knows_cheaply(unsecured):
                # bounded (a known shape, few blank nodes, 16 KiB) and under a millisecond
                outcome, detail = check_now(document, proof_index, public_key, self._known)
                return ProofResult(outcome, detail)
        pool = self._pool
        if pool is None:
            pool = await asyncio.to_thread(self._started)
        try:
            future = pool.schedule(check_in_worker,
                                   args=(document_text, proof_index, public_key),
                                   timeout=self.timeout)
            outcome, detail = await asyncio.wrap_future(future)
        except (FutureTimeout, TimeoutError):
            return ProofResult("too_complex", f"it could not be checked within"
                                              f" {self.timeout:g} s")
        except (ProcessExpired, MemoryError):
            return ProofResult("too_complex", "checking it needed too much memory")
        except Exception as exc:  # a broken worker must not become a 500
            log.exception("a signature check failed in the worker")
            return ProofResult("failed", type(exc).__name__)
        return ProofResult(outcome, detail)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves it untyped
            self._pool.join(timeout=5)
            self._pool = None
