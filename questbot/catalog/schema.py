"""The JSON Schemas of the files in the quest folder, for editors (e.g. the VS Code YAML
extension): one per kind of file."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from questbot.catalog.community import CommunityFile
from questbot.catalog.models import QuestFile
from questbot.catalog.pathway import PathwayFile

SCHEMA_BASE = "https://questbot.invalid/schema/"
SCHEMA_ID = SCHEMA_BASE + "quest-v1.json"
FILE_MODELS: dict[str, type[BaseModel]] = {"quest": QuestFile, "community": CommunityFile,
                                           "pathway": PathwayFile}


def schema_file_name(kind: str) -> str:
    return f"{kind}-v1.json"


def file_json_schema(kind: str) -> dict[str, Any]:
    schema = FILE_MODELS[kind].model_json_schema()
    return {
        **schema,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + schema_file_name(kind),
        "title": f"questbot {kind} file",
    }


def quest_json_schema() -> dict[str, Any]:
    return file_json_schema("quest")


def file_json_schema_text(kind: str) -> str:
    return json.dumps(file_json_schema(kind), indent=2, sort_keys=True) + "\n"


def quest_json_schema_text() -> str:
    return file_json_schema_text("quest")
