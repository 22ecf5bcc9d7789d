"""Small quest and pathway files for the pathway tests, written into a folder."""

from __future__ import annotations

from pathlib import Path


def quest_yaml(quest_id: str, *, milestone: str | None = None, extra: str = "") -> str:
    milestones = "" if milestone is None else f"""
milestones:
  - id: {milestone}
    after: [say]
    award: {{name: {quest_id} {milestone}}}
  - {{after: all, award: badge}}
"""
    return f"""schema_version: 1
id: {quest_id}
title: Quest {quest_id}
badge:
  name: Badge {quest_id}
  description: Did {quest_id}.
  criteria: Posted a message.{extra}
steps:
  - {{id: say, kind: participation, action: message, count: 1}}
{milestones}"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def pathway_yaml(pathway_id: str, requires: str, extra: str = "") -> str:
    return f"""schema_version: 1
kind: pathway
id: {pathway_id}
title: Pathway {pathway_id}
badge:
  name: Pathway badge {pathway_id}
  description: Earned the pathway {pathway_id}.{extra}
requires:
{requires}
leads_to:
  name: Software developer
  framework: ESCO
  url: http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1
  code: "2512.4"
"""


def quests(folder: Path, *ids: str) -> None:
    for quest_id in ids:
        write(folder, f"{quest_id}.yaml", quest_yaml(quest_id, milestone="half"))
