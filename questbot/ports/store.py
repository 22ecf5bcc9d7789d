"""Everything a database offers questbot, in one Protocol."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from questbot.ports.credentials import AwardReader, CredentialStore
from questbot.ports.dashboard import DashboardReader
from questbot.ports.events import EventStore
from questbot.ports.evidence import EvidenceReader
from questbot.ports.leaderboard import SeasonStore
from questbot.ports.nudges import Nudges
from questbot.ports.outbox import Outbox
from questbot.ports.wallet import WalletReader
from questbot.ports.webhooks import WebhookStore


class Store(EventStore, Outbox, AwardReader, CredentialStore, EvidenceReader, WebhookStore,
            SeasonStore, Nudges, DashboardReader, WalletReader, Protocol):
    async def open(self) -> None:
        ...

    async def prune_processed_events(self, older_than: timedelta) -> int:
        ...

    async def prune_delivered(self, older_than: timedelta) -> int:
        """Delete outbox messages delivered longer ago than ``older_than``."""
        ...

    async def close(self) -> None:
        ...
