"""Group commit for PostgreSQL: events that arrive together share one transaction (and so one
WAL flush). A few batches run at once on their own connections. Inside a batch a learner's
lock is only tried, never waited for: a job whose learner another transaction holds steps out
of the batch (before it has written anything) and runs on its own afterwards, so batches never
wait on each other in a circle.

Each event stays all-or-nothing without a savepoint of its own (which would cost a round trip
per event): when any job fails, the whole batch is rolled back and every job in it runs again
in a transaction of its own, where the failing one fails alone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncpg

from questbot.domain.errors import StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")
BatchJob = Callable[[asyncpg.Connection], Awaitable[Any]]


class Busy(StoreError):
    """A lock the job needs is held by another transaction: run it on its own instead."""




@dataclass(slots=True)
class _Pending:
    job: BatchJob
    alone: Callable[[], Awaitable[Any]]
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = field(default=None)


class Batcher:
    def __init__(self, pool: Callable[[], asyncpg.Pool], workers: int = 4,
                 max_batch: int = 64) -> None:
        self._pool = pool
        self._workers = workers
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._solo: set[asyncio.Task[None]] = set()
        self.batches = 0  # for benchmarks: how many commits served how many jobs
        self.jobs = 0

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._work(), name=f"questbot-pg-batch-{n}")
                       for n in range(self._workers)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in (*self._tasks, *self._solo):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        while not self._queue.empty():
            pending = self._queue.get_nowait()
            if not pending.future.done():
                pending.future.set_exception(StoreError("the store closed"))

    async def submit(self, job: BatchJob, alone: Callable[[], Awaitable[T]]) -> T:
        """``job`` runs inside a batch's transaction (raising Busy to step out); ``alone``
        runs the same work in a transaction of its own."""
        if not self._tasks:
            raise StoreError("the store is not open")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(job, alone, future))
        return await future

    async def _work(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            stepped_out = await self._run(batch)
            self.batches += 1
            self.jobs += len(batch) - len(stepped_out)
            for pending in batch:
                if pending in stepped_out or pending.future.done():
                    continue
                if pending.error is not None:
                    pending.future.set_exception(pending.error)
                else:
                    pending.future.set_result(pending.result)
            for pending in stepped_out:
                task = asyncio.create_task(self._alone(pending))
                self._solo.add(task)
                task.add_done_callback(self._solo.discard)

    async def _run(self, batch: list[_Pending]) -> list[_Pending]:
        """Runs the batch; returns the jobs to run on their own."""
        stepped_out: list[_Pending] = []
        try:
            async with self._pool().acquire() as conn:
                transaction = conn.transaction()
                await transaction.start()
                try:
                    for pending in batch:
                        try:
                            pending.result = await pending.job(conn)
                        except Busy:  # raised before the job wrote anything
                            stepped_out.append(pending)
                        except Exception:  # its writes may be in the transaction
                            await transaction.rollback()
                            return batch
                    await transaction.commit()
                except BaseException:
                    with contextlib.suppress(Exception):
                        await transaction.rollback()
                    raise
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            # The commit (or the connection) failed: nothing of the batch is durable.
            log.exception("database commit failed")
            for pending in batch:
                pending.error = StoreError(f"the database could not commit: {exc}")
            return []
        return stepped_out

    async def _alone(self, pending: _Pending) -> None:
        try:
            result = await pending.alone()
        except BaseException as exc:
            if not pending.future.done():
                pending.future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            if not pending.future.done():
                pending.future.set_result(result)
