"""Pure, standard-library-only types: identities, commands and results, progress, errors."""

from questbot.domain.errors import (
    CatalogError,
    ConfigError,
    Problem,
    QuestbotError,
    Rejected,
    StoreError,
)
from questbot.domain.ids import ConversationRef, UserRef
from questbot.domain.messages import (
    Answer,
    BadgeAwarded,
    CheckIn,
    Choice,
    ChooseAnswer,
    Command,
    Delivery,
    Event,
    ExportData,
    ForgetMe,
    Grant,
    Help,
    Invalid,
    IssueCode,
    JoinQuest,
    LinkAccount,
    ListBadges,
    ListPathways,
    ListQuests,
    MakeTutor,
    Outbound,
    PostMessage,
    Question,
    React,
    Reload,
    Revoke,
    RevokeById,
    SetEmail,
    ShowName,
    ShowProgress,
    Start,
    StartQuiz,
    Text,
)
from questbot.domain.parsing import parse_text

__all__ = [
    "Answer", "BadgeAwarded", "CatalogError", "CheckIn", "Choice", "ChooseAnswer", "Command",
    "ConfigError", "ConversationRef", "Delivery", "Event", "ExportData", "ForgetMe", "Grant",
    "Help", "Invalid",
    "IssueCode", "JoinQuest", "LinkAccount", "ListBadges", "ListPathways", "ListQuests",
    "MakeTutor", "Outbound",
    "PostMessage", "Problem", "QuestbotError", "Question", "React", "Rejected", "Reload",
    "Revoke", "RevokeById", "SetEmail", "ShowName", "ShowProgress", "Start", "StartQuiz",
    "StoreError", "Text", "UserRef",
    "parse_text",
]
