"""Badges' current states, read for many requests at once.

Every request for a badge's page, assertion or certificate needs the badge's state as it is
now (a revocation, by a tutor in this process, another worker or `questbot revoke`, shows
at once). Reading it per request would cost a round trip to the database reader each; so
requests that arrive while a read is under way wait for the next one, which reads all their
badges in one statement. Each request is answered by a read that began after it arrived."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from questbot.ports import CredentialState

ReadStates = Callable[[Sequence[str]], Awaitable[dict[str, CredentialState]]]
MAX_BATCH = 256


class BadgeStates:
    def __init__(self, read: ReadStates) -> None:
        self._read = read
        self._waiting: dict[str, list[asyncio.Future[CredentialState | None]]] = {}
        self._reading: asyncio.Task[None] | None = None

    async def state(self, award_id: str) -> CredentialState | None:
        """The badge's state now, or None when no badge has this id."""
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
