"""The store both databases share: every port method once, as a program. A subclass says how
a program runs on its database (and how an event is isolated from others)."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from questbot.domain.ids import UserRef
from questbot.domain.messages import Delivery, Outbound
from questbot.domain.progress import AwardRecord
from questbot.ports import (
    AwardView,
    Board,
    BoardQuery,
    Claimed,
    CredentialRecord,
    CredentialState,
    DecideNudge,
    DueWebhook,
    Endpoint,
    EvidenceFile,
    FailedDelivery,
    Nudge,
    RecipientRecord,
    Settle,
    TellWinner,
    WalletHolder,
    WebhookAttempt,
    WebhookOutcome,
)
from questbot.storage.sql import credentials, leaderboard, nudges, outbox, wallet, webhooks
from questbot.storage.sql.dashboard import DashboardQueries
from questbot.storage.sql.events import prune_events
from questbot.storage.sql.program import PRUNE_BATCH, Program

T = TypeVar("T")


class SqlStore(DashboardQueries, ABC):
    @abstractmethod
    async def write(self, program: Program[T]) -> T:
        """Run ``program`` in a transaction of its own, durable when this returns."""

    @abstractmethod
    async def read(self, program: Program[T]) -> T:
        """Run a program that only reads."""

    # --- wallet --------------------------------------------------------------------------
    async def wallet(self, token_hash: str) -> WalletHolder | None:
        return await self.read(wallet.holder(token_hash))

    # --- outbox --------------------------------------------------------------------------
    async def pending_deliveries(self, platform: str, limit: int = 50) -> list[Delivery]:
        return await self.write(outbox.pending(platform, limit))  # after the writes queued

    async def claim_deliveries(self, platform: str, now: datetime, lease_until: datetime,
                               limit: int = 100) -> list[Claimed]:
        return await self.write(outbox.claim(platform, now, lease_until, limit))

    async def settle(self, outcomes: Sequence[Settle]) -> None:
        await self.write(outbox.settle(outcomes))

    async def mark_delivered(self, delivery_ids: Sequence[int]) -> None:
        await self.write(outbox.mark_delivered(delivery_ids))

    async def enqueue(self, recipient: UserRef, message: Outbound) -> None:
        await self.write(outbox.enqueue(recipient, message))

    async def keep_uncertain(self, recipient: UserRef, message: Outbound, error: str) -> None:
        await self.write(outbox.keep_uncertain(recipient, message, error))

    async def failed_deliveries(self, platform: str | None = None, limit: int = 100
                                ) -> list[FailedDelivery]:
        return await self.read(outbox.failed(platform, limit))

    async def outbox_counts(self) -> dict[tuple[str, str], int]:
        return await self.read(outbox.counts())

    async def requeue(self, delivery_ids: Sequence[int]) -> int:
        return await self.write(outbox.requeue(delivery_ids))

    async def prune_processed_events(self, older_than: timedelta) -> int:
        """Forget event ids older than any platform redelivers; returns how many."""
        return await self._prune(prune_events, datetime.now(UTC) - older_than)

    async def prune_delivered(self, older_than: timedelta) -> int:
        """Delete messages delivered longer ago than ``older_than``; returns how many."""
        return await self._prune(outbox.prune_delivered, datetime.now(UTC) - older_than)

    async def _prune(self, batch: Callable[[datetime], Program[int]], cutoff: datetime) -> int:
        """Batch after batch, each its own short transaction, so events keep flowing."""
        total = 0
        while True:
            pruned = await self.write(batch(cutoff))
            total += pruned
            if pruned < PRUNE_BATCH:
                return total
            await asyncio.sleep(0)

    # --- outbound webhooks ------------------------------------------------------------------
    async def add_webhook(self, url: str, events: tuple[str, ...], secret: str,
                          at: datetime) -> Endpoint:
        return await self.write(webhooks.add(url, events, secret, at))

    async def webhooks(self) -> list[Endpoint]:
        return await self.read(webhooks.listing())

    async def remove_webhook(self, endpoint_id: str) -> bool:
        return await self.write(webhooks.remove(endpoint_id))

    async def enable_webhook(self, endpoint_id: str) -> bool:
        return await self.write(webhooks.enable(endpoint_id))

    async def disable_webhook(self, endpoint_id: str, reason: str) -> bool:
        return await self.write(webhooks.disable(endpoint_id, reason))

    async def webhook_log(self, endpoint_id: str | None = None, limit: int = 50
                          ) -> list[WebhookAttempt]:
        return await self.read(webhooks.log(endpoint_id, limit))

    async def claim_webhooks(self, now: datetime, lease_until: datetime, limit: int = 50
                             ) -> list[DueWebhook]:
        return await self.write(webhooks.claim(now, lease_until, limit))

    async def fix_webhook_body(self, event_id: str, body: str) -> str:
        return await self.write(webhooks.fix_body(event_id, body))

    async def settle_webhook(self, outcome: WebhookOutcome) -> None:
        await self.write(webhooks.settle(outcome))

    async def prune_webhooks(self, older_than: timedelta) -> int:
        return await self._prune(webhooks.prune, datetime.now(UTC) - older_than)
    # --- leaderboards ----------------------------------------------------------------------
    async def leaderboard(self, query: BoardQuery) -> Board:
        return await self.read(leaderboard.leaderboard(query))

    async def home_community(self, account: UserRef) -> str | None:
        return await self.read(leaderboard.home_community(account))

    async def season_to_close(self, community_id: str, current: str | None) -> str | None:
        return await self.read(leaderboard.season_to_close(community_id, current))

    async def close_season(self, community_id: str, season: str, winners: int,
                           tell: TellWinner, now: datetime) -> bool:
        closed = await self.write(leaderboard.close_season(community_id, season, winners,
                                                           tell, now))
        while True:  # batch after batch, each its own transaction, so events keep flowing
            if await self.write(leaderboard.drop_season(community_id, season)) < PRUNE_BATCH:
                return closed
            await asyncio.sleep(0)
    # --- nudges: reminders and streak notes ---------------------------------------------
    async def due_nudges(self, now: datetime, limit: int = 50) -> list[Nudge]:
        return await self.read(nudges.due(now, limit))

    async def run_nudge(self, nudge: Nudge, decide: DecideNudge) -> bool:
        return await self.write(nudges.run(nudge, decide, datetime.now(UTC)))

    # --- badges --------------------------------------------------------------------------
    async def prepare_credential(self, award_id: str, learner_id: str
                                 ) -> tuple[RecipientRecord, int]:
        ready = await self.read(credentials.ready_recipient(award_id, learner_id))
        if ready is not None:
            return ready
        return await self.write(credentials.prepare_recipient(award_id, learner_id))

    async def save_badge_class(self, class_id: str, info: str) -> None:
        await self.write(credentials.save_badge_class(class_id, info))

    async def save_credential(self, award_id: str, class_id: str, assertion: str,
                              credential: str) -> None:
        await self.write(credentials.save_credential(award_id, class_id, assertion, credential))

    async def badge_class(self, class_id: str) -> str | None:
        return await self.read(credentials.badge_class(class_id))

    async def credential(self, award_id: str) -> CredentialRecord | None:
        return await self.read(credentials.credential(award_id))

    async def credential_states(self, award_ids: Sequence[str]
                                ) -> dict[str, CredentialState]:
        return await self.read(credentials.credential_states(award_ids)) if award_ids else {}

    def data_version(self) -> int | None:
        return None

    async def revoked_status_indexes(self) -> list[int]:
        return await self.read(credentials.revoked_status_indexes())

    async def awards_without_credentials(self, limit: int = 100) -> list[AwardRecord]:
        return await self.read(credentials.awards_without_credentials(limit))

    async def get_award(self, award_id: str) -> AwardView | None:
        return await self.read(credentials.award_view(award_id))

    async def evidence_file(self, ref: str) -> EvidenceFile | None:
        return await self.read(credentials.evidence_file(ref))
