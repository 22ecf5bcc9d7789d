"""The JSON Schema of the quest format, for editors (e.g. the VS Code YAML extension)."""

from __future__ import annotations

import json
from typing import Any

from questbot.catalog.models import QuestFile

SCHEMA_ID = "https://questbot.invalid/schema/quest-v1.json"


def quest_json_schema() -> dict[str, Any]:
    schema = QuestFile.model_json_schema()
    return {
        **schema,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "questbot quest file",
    }


def quest_json_schema_text() -> str:
    return json.dumps(quest_json_schema(), indent=2, sort_keys=True) + "\n"
