"""What the core needs from the outside world, as Protocols, one module per concern:
``clock``, ``events``, ``outbox``, ``credentials``, ``store`` and ``adapters`` (what a chat
adapter is given). Concrete classes live in ``questbot.storage``, ``questbot.badges``,
``questbot.web`` and the adapters; only ``questbot.app`` wires them."""

from questbot.ports.adapters import (
    AdapterContext,
    AdapterPlugin,
    ChatAdapter,
    CommonSettings,
    WebhookHandler,
    WebhookRegistry,
)
from questbot.ports.clock import Clock
from questbot.ports.credentials import (
    AwardReader,
    AwardView,
    BadgeFiles,
    BadgeIssuer,
    CredentialRecord,
    CredentialStore,
    IssuedBadge,
    RecipientRecord,
)
from questbot.ports.dashboard import DashboardReader, DashboardStore, QuestShelf
from questbot.ports.events import Decide, EventHandler, EventStore, LoadRequest, Outcome
from questbot.ports.evidence import EvidenceFile, EvidenceReader
from questbot.ports.outbox import Claimed, DeliveryStatus, FailedDelivery, Outbox, Settle
from questbot.ports.store import Store

__all__ = [
    "AdapterContext",
    "AdapterPlugin",
    "AwardReader",
    "AwardView",
    "BadgeFiles",
    "BadgeIssuer",
    "ChatAdapter",
    "Claimed",
    "Clock",
    "CommonSettings",
    "CredentialRecord",
    "CredentialStore",
    "DashboardReader",
    "DashboardStore",
    "Decide",
    "DeliveryStatus",
    "EventHandler",
    "EventStore",
    "EvidenceFile",
    "EvidenceReader",
    "FailedDelivery",
    "IssuedBadge",
    "LoadRequest",
    "Outbox",
    "Outcome",
    "QuestShelf",
    "RecipientRecord",
    "Settle",
    "Store",
    "WebhookHandler",
    "WebhookRegistry",
]
