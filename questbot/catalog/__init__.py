"""Quest YAML to strict models to an immutable, cross-checked Catalog."""

from questbot.catalog.catalog import Catalog
from questbot.catalog.loader import LoadReport, load_catalog, load_quest_file, quest_files
from questbot.catalog.localized import DEFAULT_LANGUAGE, LocalizedText
from questbot.catalog.models import (
    AttendanceStep,
    BadgeSpec,
    ChoiceQuestion,
    MilestoneBadge,
    ParticipationStep,
    PatternAnswer,
    QuestFile,
    QuizStep,
    TextQuestion,
    TrueFalseQuestion,
)
from questbot.catalog.pathway import PATHWAY_BADGE, BadgeRef, Pathway, ResolvedGroup
from questbot.catalog.patterns import MAX_ANSWER_CHARS, AnswerPattern
from questbot.catalog.quest import QUEST_BADGE, Quest, ResolvedMilestone
from questbot.catalog.schema import quest_json_schema, quest_json_schema_text
from questbot.catalog.steps import AnyStep

__all__ = [
    "DEFAULT_LANGUAGE",
    "MAX_ANSWER_CHARS",
    "PATHWAY_BADGE",
    "QUEST_BADGE",
    "AnswerPattern",
    "AnyStep",
    "AttendanceStep",
    "BadgeRef",
    "BadgeSpec",
    "Catalog",
    "ChoiceQuestion",
    "LoadReport",
    "LocalizedText",
    "MilestoneBadge",
    "ParticipationStep",
    "Pathway",
    "PatternAnswer",
    "Quest",
    "QuestFile",
    "QuizStep",
    "ResolvedGroup",
    "ResolvedMilestone",
    "TextQuestion",
    "TrueFalseQuestion",
    "load_catalog",
    "load_quest_file",
    "quest_files",
    "quest_json_schema",
    "quest_json_schema_text",
]
