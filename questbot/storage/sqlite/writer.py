"""One writer owns the SQLite connection. Jobs queue up; the writer takes what has arrived
(up to a batch), runs each job in its own savepoint on one thread hop, commits once, and only
then releases the results. Each job stays all-or-nothing and durable; the commit is shared."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from questbot.domain.errors import StoreError

log = logging.getLogger(__name__)

T = TypeVar("T")
Job = Callable[[sqlite3.Connection], Any]


@dataclass(slots=True)
class _Pending:
    job: Job
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = field(default=None)


class BatchWriter:
    def __init__(self, connect: Callable[[], sqlite3.Connection], max_batch: int = 256) -> None:
        self._connect = connect
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="questbot-sqlite-writer")
        self._conn: sqlite3.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # for benchmarks: how many commits served how many jobs
        self.jobs = 0

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._conn = await loop.run_in_executor(self._executor, self._connect)
        self._task = asyncio.create_task(self._run(), name="questbot-sqlite-writer")

    async def stop(self) -> None:
        if self._task is not None:
            await self._queue.put(None)
            await self._task
            self._task = None
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await asyncio.get_running_loop().run_in_executor(self._executor, conn.close)
        self._executor.shutdown(wait=True)

    async def submit(self, job: Callable[[sqlite3.Connection], T]) -> T:
        if self._task is None or self._task.done():
            raise StoreError("the database writer is not running")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Pending(job, future))
        return await future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        stopping = False
        while not stopping:
            first = await self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self._max_batch and not self._queue.empty():
                item = self._queue.get_nowait()
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            try:
                await loop.run_in_executor(self._executor, self._run_batch, batch)
            except Exception as exc:  # the commit failed: nothing in the batch is durable
                log.exception("database commit failed")
                for pending in batch:
                    pending.error = StoreError(f"the database could not commit: {exc}")
            self.batches += 1
            self.jobs += len(batch)
            for pending in batch:
                if pending.future.done():
                    continue
                if pending.error is not None:
                    pending.future.set_exception(pending.error)
                else:
                    pending.future.set_result(pending.result)

    def _run_batch(self, batch: list[_Pending]) -> None:
        conn = self._conn
        assert conn is not None
        conn.execute("BEGIN IMMEDIATE")
        try:
            savepoints = conn.cursor()  # one for the batch: two statements a job
            for pending in batch:
                savepoints.execute("SAVEPOINT job")
                try:
                    pending.result = pending.job(conn)
                except Exception as exc:
                    savepoints.execute("ROLLBACK TO job")
                    pending.error = exc
                savepoints.execute("RELEASE job")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
