"""What the core needs from the outside world, as Protocols, one module per concern:
``clock``, ``events``, ``outbox``, ``credentials``, ``webhooks`` (outbound), ``store`` and
``adapters`` (what a chat adapter is given). Concrete classes live in ``questbot.storage``,
``questbot.badges``, ``questbot.web`` and the adapters; only ``questbot.app`` wires them."""

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
    CredentialState,
    CredentialStore,
    IssuedBadge,
    RecipientRecord,
)
from questbot.ports.dashboard import DashboardReader, DashboardStore, QuestShelf
from questbot.ports.events import Decide, EventHandler, EventStore, LoadRequest, Outcome
from questbot.ports.evidence import EvidenceFile, EvidenceReader
from questbot.ports.leaderboard import (
    Board,
    BoardQuery,
    CommunityBoards,
    CommunityBoardSource,
    LeaderboardReader,
    SeasonStore,
    Standing,
    TellWinner,
)
from questbot.ports.nudges import DecideNudge, Nudge, Nudges
from questbot.ports.outbox import Claimed, DeliveryStatus, FailedDelivery, Outbox, Settle
from questbot.ports.records import LearnerRecords
from questbot.ports.store import Store
from questbot.ports.wallet import WalletBadge, WalletHolder, WalletReader
from questbot.ports.webhooks import (
    DueWebhook,
    Endpoint,
    WebhookAttempt,
    WebhookEvent,
    WebhookOutcome,
    WebhookStore,
)

__all__ = [
    "AdapterContext",
    "AdapterPlugin",
    "AwardReader",
    "AwardView",
    "BadgeFiles",
    "BadgeIssuer",
    "Board",
    "BoardQuery",
    "ChatAdapter",
    "Claimed",
    "Clock",
    "CommonSettings",
    "CommunityBoardSource",
    "CommunityBoards",
    "CredentialRecord",
    "CredentialState",
    "CredentialStore",
    "DashboardReader",
    "DashboardStore",
    "Decide",
    "DecideNudge",
    "DeliveryStatus",
    "DueWebhook",
    "Endpoint",
    "EventHandler",
    "EventStore",
    "EvidenceFile",
    "EvidenceReader",
    "FailedDelivery",
    "IssuedBadge",
    "LeaderboardReader",
    "LearnerRecords",
    "LoadRequest",
    "Nudge",
    "Nudges",
    "Outbox",
    "Outcome",
    "QuestShelf",
    "RecipientRecord",
    "SeasonStore",
    "Settle",
    "Standing",
    "Store",
    "TellWinner",
    "WalletBadge",
    "WalletHolder",
    "WalletReader",
    "WebhookAttempt",
    "WebhookEvent",
    "WebhookHandler",
    "WebhookOutcome",
    "WebhookRegistry",
    "WebhookStore",
]
