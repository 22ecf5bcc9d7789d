"""The JSON body of a webhook: ``type``, ``timestamp`` (when it happened) and ``data``: the
learner (by their opaque id: badges name people only by a salted hash), the quest and, for
awards and revocations, the badge with its URLs and, once issued, its Open Badges 3.0
credential (the signed JSON the badge server serves)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from questbot.domain.progress import AwardRecord
from questbot.domain.webhooks import BADGE_AWARDED
from questbot.ports import WebhookEvent

# The badge's public URLs by name: page, assertion (OB 2.0), credential (OB 3.0), png.
BadgeLinks = Callable[[str], Mapping[str, str]]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def body(event: WebhookEvent, award: AwardRecord | None, credential: str | None,
         links: BadgeLinks) -> str:
    data: dict[str, Any] = {"learner_id": event.learner_id, "quest_id": event.quest_id}
    data.update(event.detail)
    if event.award_id is not None:
        data["award_id"] = event.award_id
        data["links"] = dict(links(event.award_id))
    if award is not None:
        data["badge"] = {"key": award.badge_key, "name": award.badge_name}
        data["quest_version"] = award.quest_version
        data["awarded_at"] = iso(award.awarded_at)
        if award.revoked_at is not None and event.event_type != BADGE_AWARDED:
            data["revoked_at"] = iso(award.revoked_at)
    if credential is not None and event.event_type == BADGE_AWARDED:
        data["credential"] = json.loads(credential)
    document = {"type": event.event_type, "timestamp": iso(event.occurred_at), "data": data}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
