"""The outbound webhooks in the OpenAPI description (3.1 ``webhooks``): the signed POST
questbot sends each endpoint, per event type, and the JSON body of each."""

from __future__ import annotations

from typing import Any

from questbot.domain.webhooks import BADGE_AWARDED, BADGE_REVOKED, LEARNER_JOINED, QUEST_COMPLETED

Schema = dict[str, Any]

_TEXT = {"type": "string"}
_MOMENT = {"type": "string", "format": "date-time"}
_URL = {"type": "string", "format": "uri"}

LINKS: Schema = {
    "type": "object", "required": ["page", "assertion", "credential", "png"],
    "description": "The badge's public URLs.",
    "properties": {
        "page": {**_URL, "description": "its page (HTML, or JSON-LD by Accept)"},
        "assertion": {**_URL, "description": "its Open Badges 2.0 hosted assertion"},
        "credential": {**_URL, "description": "its signed Open Badges 3.0 credential"},
        "png": {**_URL, "description": "the PNG baked with both"},
    },
}
BADGE: Schema = {"type": "object", "required": ["key", "name"],
                 "properties": {"key": _TEXT, "name": _TEXT}}

_LEARNER = {"learner_id": {**_TEXT, "description": "questbot's opaque id of the learner"},
            "quest_id": _TEXT, "quest_version": _TEXT}
_AWARD = {**_LEARNER, "award_id": _TEXT, "badge": {"$ref": "#/components/schemas/WebhookBadge"},
          "links": {"$ref": "#/components/schemas/WebhookBadgeLinks"}, "awarded_at": _MOMENT}


def _data(required: list[str], properties: Schema) -> Schema:
    return {"type": "object", "required": required, "properties": properties}


DATA: dict[str, Schema] = {
    BADGE_AWARDED: _data(
        ["learner_id", "quest_id", "quest_version", "award_id", "links"],
        {**_AWARD, "credential": {
            "type": "object", "description": "the signed Open Badges 3.0 credential"
                                             " (OpenBadgeCredential), once issued"}}),
    BADGE_REVOKED: _data(
        ["learner_id", "quest_id", "award_id", "links", "reason"],
        {**_AWARD, "reason": _TEXT, "revoked_at": _MOMENT}),
    QUEST_COMPLETED: _data(["learner_id", "quest_id", "quest_version"], _LEARNER),
    LEARNER_JOINED: _data(["learner_id", "quest_id", "quest_version"], _LEARNER),
}

SUMMARIES = {
    BADGE_AWARDED: "A badge was awarded",
    BADGE_REVOKED: "A badge was revoked",
    QUEST_COMPLETED: "A learner completed a quest",
    LEARNER_JOINED: "A learner joined a quest",
}


def schema_name(event_type: str) -> str:
    return "Webhook" + "".join(part.capitalize() for part in event_type.split("."))


def schemas() -> dict[str, Schema]:
    named: dict[str, Schema] = {"WebhookBadgeLinks": LINKS, "WebhookBadge": BADGE}
    for event_type, data in DATA.items():
        named[schema_name(event_type)] = {
            "type": "object", "required": ["type", "timestamp", "data"],
            "properties": {"type": {"const": event_type},
                           "timestamp": {**_MOMENT, "description": "when it happened"},
                           "data": data}}
    return named


_HEADERS = [
    ("webhook-id", "the event's id (msg_...): the same at every retry; deduplicate by it"),
    ("webhook-timestamp", "seconds since 1970 when this attempt was signed"),
    ("webhook-signature", "v1, and the base64 HMAC-SHA256 of id.timestamp.body under the"
                          " endpoint's secret (the bytes after whsec_, base64-decoded)"),
]


def webhooks() -> dict[str, Any]:
    """One operation per event type, each a signed POST of its JSON body."""
    described = {}
    for event_type, summary in SUMMARIES.items():
        described[event_type] = {"post": {
            "summary": summary,
            "description": "Sent as Standard Webhooks say, retried with back-off for at"
                           " least a day until the endpoint answers 2xx; one endpoint's"
                           " deliveries go one at a time, in order.",
            "operationId": "webhook_" + event_type.replace(".", "_"),
            "parameters": [{"name": name, "in": "header", "required": True,
                            "description": text, "schema": {"type": "string"}}
                           for name, text in _HEADERS],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema_name(event_type)}"}}}},
            "responses": {"2XX": {"description": "received; anything else is retried"}},
        }}
    return described
