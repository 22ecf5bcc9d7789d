"""Badges' current states, read for many requests at once.

Every request for a badge's page, assertion or certificate needs the badge's state as it is
now (a revocation, by a tutor in this process, another worker or `questbot revoke`, shows
at once). Reading it per request would cost a round trip to the database reader each; so
requests that arrive while a read is under way wait for the next one, which reads all their
badges in one statement. Each request is answered by a read that began after it arrived.

Where the store can tell at once whether anything was committed since it was last asked
(SQLite's data version), the states read are kept until the next commit, however small or
unrelated: a request that finds the database unchanged since a read that began after that
check, and that kept its badge's state, needs no read at all. So a revocation still shows
on the first request after its commit.

The data version is asked once per turn of the event loop: every request handled in a turn
arrived before the turn began, and a commit of this process is told to its caller in a
later turn, so no request can be answered from before a commit it knows of."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

from questbot.ports import CredentialState

ReadStates = Callable[[Sequence[str]], Awaitable[dict[str, CredentialState]]]
DataVersion = Callable[[], "int | None"]
MAX_BATCH = 256
MAX_KEPT = 65_536  # states kept while the database does not change (a few hundred bytes each)


def _unknown() -> int | None:
    return None


class BadgeStates:
    def __init__(self, read: ReadStates, data_version: DataVersion = _unknown,
                 max_kept: int = MAX_KEPT) -> None:
        self._read = read
        self._data_version = data_version
        self._max_kept = max_kept
        self._waiting: dict[str, list[asyncio.Future[CredentialState | None]]] = {}
        self._reading: asyncio.Task[None] | None = None
        self._kept: OrderedDict[str, CredentialState | None] = OrderedDict()
        self._kept_version: int | None = None  # the data version the kept states are as of
        self._turn_version: int | None = None  # the data version asked in this turn
        self._asked_this_turn = False

    async def state(self, award_id: str) -> CredentialState | None:
        """The badge's state now, or None when no badge has this id."""
        version = self._version_this_turn()
        if version is None or version != self._kept_version:
            self._kept.clear()  # read before a commit, or maybe so
            self._kept_version = version
        elif award_id in self._kept:
            self._kept.move_to_end(award_id)
            return self._kept[award_id]
        state = await self._batched(award_id)
        # read after ``version`` was seen: it is the state as of ``version`` or later
        if version is not None and version == self._kept_version:
            self._kept[award_id] = state
            if len(self._kept) > self._max_kept:
                self._kept.popitem(last=False)
        return state

    def kept(self, award_id: str) -> CredentialState | None:
        """The badge's state when a kept one is still current, without waiting; None when
        it would have to be read (or no badge has this id): ask ``state``."""
        version = self._version_this_turn()
        if version is None or version != self._kept_version:
            return None
        return self._kept.get(award_id)

    def _version_this_turn(self) -> int | None:
        if not self._asked_this_turn:
            self._turn_version = self._data_version()
            self._asked_this_turn = True
            asyncio.get_running_loop().call_soon(self._next_turn)
        return self._turn_version

    def _next_turn(self) -> None:
        self._asked_this_turn = False

    async def _batched(self, award_id: str) -> CredentialState | None:
        future: asyncio.Future[CredentialState | None] = \
            asyncio.get_running_loop().create_future()
        self._waiting.setdefault(award_id, []).append(future)
        if self._reading is None:
            self._reading = asyncio.create_task(self._read_while_asked())
        return await future

    async def _read_while_asked(self) -> None:
        try:
            while self._waiting:
                batch = dict(list(self._waiting.items())[:MAX_BATCH])
                for award_id in batch:
                    del self._waiting[award_id]
                try:
                    states = await self._read(list(batch))
                except Exception as exc:
                    for futures in batch.values():
                        for future in futures:
                            if not future.done():
                                future.set_exception(exc)
                    continue
                for award_id, futures in batch.items():
                    for future in futures:
                        if not future.done():  # its request may have gone
                            future.set_result(states.get(award_id))
        except asyncio.CancelledError:  # the server is stopping: nobody is left waiting
            for futures in self._waiting.values():
                for future in futures:
                    future.cancel()
            self._waiting.clear()
            raise
        finally:
            self._reading = None
