"""Quests and community files whose badges bring rewards inside the community (a Discord role,
a Telegram invite link) and whose community announces badges, shared by the rewards tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.fakes.discord_api import GUILD_ID, HELPER_ROLE, MENTOR_ROLE

GROUP = "-100500"  # the Telegram group an invite link opens


def quest(quest_id: str, role: int = HELPER_ROLE, *, invite: bool = True,
          milestone_role: int | None = None) -> dict[str, Any]:
    rewards: list[dict[str, Any]] = [
        {"discord_role": str(role), "server": str(GUILD_ID),
         "name": {"en": "Helper", "fr": "Aide", "gd": "Neach-cuideachaidh"}}]
    if invite:
        rewards.append({"telegram_invite": GROUP, "expires_after": "2d",
                        "name": {"en": "Alumni", "fr": "Anciens", "gd": "Alumni"}})
    milestones: list[dict[str, Any]] = [{"after": ["hello"], "xp": 10, "award": "badge"}]
    if milestone_role is not None:
        milestones.insert(0, {"id": "first", "after": ["hello"], "award": {
            "name": "First post", "rewards": [{"discord_role": str(milestone_role),
                                               "server": str(GUILD_ID)}]}})
    return {"schema_version": 1, "id": quest_id,
            "title": {"en": f"Quest {quest_id}", "fr": f"Quête {quest_id}",
                      "gd": f"Cuest {quest_id}"},
            "badge": {"name": {"en": "Helper", "fr": "Aide", "gd": "Neach-cuideachaidh"},
                      "description": "Helps.", "criteria": "Said hello.", "rewards": rewards},
            "steps": [{"id": "hello", "kind": "participation", "action": "message",
                       "count": 1, "title": {"en": "Say hello", "fr": "Dire bonjour",
                                             "gd": "Can halò"}}],
            "milestones": milestones}


def community(announcements: dict[str, Any] | None = None,
              places: tuple[str, ...] = ()) -> dict[str, Any]:
    spec: dict[str, Any] = {"schema_version": 1, "kind": "community", "id": "learners"}
    if places:
        spec["places"] = list(places)
    if announcements is not None:
        spec["announcements"] = announcements
    return spec


def write_folder(folder: Path, *specs: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        (folder / f"{spec['id']}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False,
                                                                  allow_unicode=True))
    return folder


__all__ = ["GROUP", "MENTOR_ROLE", "community", "quest", "write_folder"]
