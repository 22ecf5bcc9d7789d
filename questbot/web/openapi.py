"""The OpenAPI 3.1 description of the badge server's HTTP API, served at /openapi.json.

Every route of ``questbot.web.app`` is here with the media types it can answer (chosen by
``Accept`` where a route negotiates), its status codes and, for the JSON answers, schemas.
The suite runs schemathesis against a running server to keep the two in step."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from questbot.web import webhook_schemas
from questbot.web.context import WEB
from questbot.web.documents import LD_JSON, VC_JSON, json_response
from questbot.web.identity import DID_JSON

JSON = "application/json"
HTML = "text/html"
PNG = "image/png"
TEXT = "text/plain"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str) -> Schema:
    return {"type": [kind, "null"]}


SCHEMAS: dict[str, Schema] = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "string", "description": "what was not found"}},
    },
    "Health": {
        "type": "object", "required": ["status"],
        "properties": {"status": {"const": "ok"}},
    },
    "Check": {
        "type": "object", "required": ["name", "passed", "detail"],
        "properties": {"name": {"type": "string"}, "passed": {"type": "boolean"},
                       "detail": {"type": "string"}},
    },
    "Verdict": {
        "type": "object", "description": "The verdict on an uploaded badge.",
        "required": ["status", "summary", "checks"],
        "properties": {
            "status": {"enum": ["valid", "revoked", "expired", "tampered", "unverifiable",
                                "unknown_issuer", "invalid"]},
            "summary": {"type": "string"},
            "badge": _nullable("string"),
            "issuer": _nullable("string"),
            "issuerId": _nullable("string"),
            "thisServer": {"type": "boolean", "description": "issued by this server"},
            "issuedOn": _nullable("string"),
            "expires": _nullable("string"),
            "id": {**_nullable("string"), "description": "the award's id on this server"},
            "revocationReason": _nullable("string"),
            "checks": {"type": "array", "items": _ref("Check")},
            "record": {"type": "boolean",
                       "description": "a learner record (CLR 2.0 ClrCredential)"},
            "credentials": {"type": "array", "items": _ref("Verdict"),
                            "description": "a learner record's badges, each verified alone"},
        },
    },
    "UploadRejected": {
        "type": "object",
        "description": "An upload that could not be read as a badge (invalid), or not checked"
                       " now (unverifiable).",
        "required": ["status", "summary"],
        "properties": {"status": {"enum": ["invalid", "unverifiable"]},
                       "summary": {"type": "string"}},
    },
    "PathwaySummary": {
        "type": "object",
        "description": "A pathway: the badges it is built from, in groups, the badge it awards"
                       " and the job role it leads to (Accept: application/json). With a"
                       " holder's learner token, what they have earned.",
        "required": ["id", "title", "badge", "groups", "leadsTo", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": _nullable("string"),
            "earned": {"type": "boolean", "description": "with a learner token only"},
            "badge": {"type": "object", "required": ["name", "badgeClass"], "properties": {
                "name": {"type": "string"}, "description": {"type": "string"},
                "badgeClass": {"type": "string"},
                "credit": {"type": ["object", "null"]}, "level": {"type": ["object", "null"]}}},
            "groups": {"type": "array", "items": {
                "type": "object", "required": ["need", "badges"], "properties": {
                    "title": _nullable("string"), "need": {"type": "integer", "minimum": 1},
                    "badges": {"type": "array", "items": {
                        "type": "object", "required": ["badgeClass", "name", "from"],
                        "properties": {"badgeClass": {"type": "string"},
                                       "name": {"type": "string"},
                                       "from": {"type": "string"},
                                       "fromPathway": {"type": "boolean"},
                                       "earned": {"type": "boolean"}}}}}}},
            "leadsTo": {"type": ["object", "null"], "properties": {
                "name": {"type": "string"}, "framework": {"type": "string"},
                "url": {"type": "string"}, "code": _nullable("string")}},
            "links": {"type": "object", "properties": {"page": {"type": "string"},
                                                       "map": {"type": "string"}}},
        },
    },
    "BadgeSummary": {
        "type": "object", "description": "One award, for scripts (Accept: application/json).",
        "required": ["id", "badge", "status", "issuedOn", "issuer", "quest", "links"],
        "properties": {
            "id": {"type": "string"},
            "badge": {"type": "string"},
            "description": {"type": "string"},
            "status": {"enum": ["valid", "revoked", "expired"]},
            "issuedOn": {"type": "string", "format": "date-time"},
            "expires": _nullable("string"),
            "issuer": {"type": "string"},
            "recipient": {**_nullable("string"),
                          "description": "the holder's name, only if they chose to show it"},
            "quest": {"type": "string"},
            "questVersion": {"type": "string"},
            "evidence": {"type": "object"},
            "revocationReason": _nullable("string"),
            "links": {
                "type": "object",
                "required": ["page", "png", "assertion", "credential", "certificate",
                             "badgeClass", "statusList"],
                "properties": {name: {"type": "string", "format": "uri"} for name in (
                    "page", "png", "assertion", "credential", "certificate", "badgeClass",
                    "statusList")},
            },
        },
    },
    "Keys": {
        "type": "object", "required": ["issuer", "keys"],
        "properties": {
            "issuer": {"type": "string"},
            "keys": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "type", "controller", "publicKeyMultibase", "status"],
                "properties": {"id": {"type": "string"}, "type": {"const": "Multikey"},
                               "controller": {"type": "string"},
                               "publicKeyMultibase": {"type": "string", "pattern": "^z"},
                               "created": {"type": "string"},
                               "status": {"enum": ["active", "retired"]}}}},
        },
    },
    "Assertion": {
        "type": "object", "description": "An Open Badges 2.0 hosted Assertion (JSON-LD).",
        "required": ["@context", "type", "id", "recipient", "badge", "verification"],
        "properties": {"type": {"const": "Assertion"}, "id": {"type": "string"}},
    },
    "RevokedAssertion": {
        "allOf": [_ref("Assertion"), {
            "type": "object", "required": ["revoked"],
            "properties": {"revoked": {"const": True},
                           "revocationReason": _nullable("string")}}],
    },
    "BadgeClass": {
        "type": "object", "description": "An Open Badges 2.0 BadgeClass.",
        "required": ["@context", "type", "id", "name", "issuer"],
        "properties": {"type": {"const": "BadgeClass"}},
    },
    "Issuer": {
        "type": "object", "description": "The Open Badges 2.0 Issuer Profile.",
        "required": ["@context", "type", "id", "name"],
    },
    "Credential": {
        "type": "object",
        "description": "A signed W3C Verifiable Credential (an OpenBadgeCredential or a"
                       " BitstringStatusListCredential) with a Data Integrity proof.",
        "required": ["@context", "type", "issuer", "credentialSubject", "proof"],
    },
    "DidDocument": {
        "type": "object", "required": ["@context", "id", "verificationMethod"],
        "properties": {"id": {"type": "string", "pattern": "^did:web:"},
                       "verificationMethod": {"type": "array"}},
    },
}

ETAG_HEADERS = {
    "ETag": {"description": "a strong entity tag of the exact bytes",
             "schema": {"type": "string"}},
}
CORS_HEADERS = {"Access-Control-Allow-Origin": {"schema": {"const": "*"}}}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False,
                 "description": "entity tags the client holds: a match answers 304",
                 "schema": {"type": "string"}}
NOT_MODIFIED = {"description": "Not Modified: the client's copy (If-None-Match) is current.",
                "headers": ETAG_HEADERS}
ID = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[A-Za-z0-9_-]+$"}


def _content(*types: str | tuple[str, Schema]) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for entry in types:
        name, schema = entry if isinstance(entry, tuple) else (entry, None)
        content[name] = {"schema": schema} if schema is not None else {}
    return content


def _answer(description: str, *types: str | tuple[str, Schema], etag: bool = False,
            cors: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description, "content": _content(*types)}
    headers = {**(ETAG_HEADERS if etag else {}), **(CORS_HEADERS if cors else {})}
    if headers:
        answer["headers"] = headers
    return answer


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": ID}


LANG = {"name": "lang", "in": "query", "required": False,
        "description": "the page's language (en, fr, gd); else Accept-Language decides, then"
                       " the community's default",
        "schema": {"type": "string", "maxLength": 16}}
LEARNER = {"name": "learner", "in": "query", "required": False,
           "description": "a holder's token from their wallet: the map shows their progress;"
                          " a token no one holds shows the pathway alone",
           "schema": {"type": "string", "maxLength": 200}}
ACCEPT_LANGUAGE = {"name": "Accept-Language", "in": "header", "required": False,
                   "description": "the reader's languages, when lang is not given",
                   "schema": {"type": "string", "maxLength": 4096}}


def _get(summary: str, responses: dict[str, Any], *, tag: str, etag: bool = False,
         parameters: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "tags": [tag],
                                 "responses": responses}
    if etag:
        responses["304"] = NOT_MODIFIED
    found = [*parameters, *((IF_NONE_MATCH,) if etag else ())]
    if found:
        operation["parameters"] = found
    return {"get": operation}


NO_BADGE = _answer("No badge with this id: a page, or JSON when asked for JSON.",
                   HTML, (JSON, _ref("Error")))
NO_BADGE_IMAGE = _answer("No badge with this id.", HTML)


def not_found(what: str) -> dict[str, Any]:
    return _answer(f"No such {what}.", (JSON, _ref("Error")), cors=True)


def _paths() -> dict[str, Any]:
    award = _path("award_id", "the award's id, the last part of its badge URL")
    badge_class = _path("class_id", "the badge class's id")
    pathway = _path("pathway_id", "the pathway's id, as its file names it")
    list_id = _path("list_id", "a key's multibase (did:key issuers keep one list per key)")
    did = _get("The issuer's DID document (did:web issuers only)", {
        "200": _answer("Current and retired keys as Multikey verification methods.",
                       (DID_JSON, _ref("DidDocument")), etag=True, cors=True),
        "404": not_found("DID document: the issuer is a did:key")}, tag="identity", etag=True)
    upload = {"type": "string", "format": "binary"}
    verdict_types = ((JSON, _ref("Verdict")), HTML)
    rejected = ((JSON, _ref("UploadRejected")), HTML)
    return {
        "/": _get("The home page", {"200": _answer("A page.", HTML)}, tag="pages",
                  parameters=(LANG, ACCEPT_LANGUAGE)),
        "/healthz": _get("Liveness", {"200": _answer("Up.", (JSON, _ref("Health")))},
                         tag="pages"),
        "/openapi.json": _get("This description", {
            "200": _answer("OpenAPI 3.1.", JSON, etag=True, cors=True)}, tag="pages",
            etag=True),
        "/favicon.svg": _get("The site icon", {
            "200": _answer("An SVG.", "image/svg+xml", etag=True, cors=True)},
            tag="pages", etag=True),
        "/favicon.ico": _get("The site icon (as /favicon.svg)", {
            "200": _answer("An SVG.", "image/svg+xml", etag=True, cors=True)},
            tag="pages", etag=True),
        "/static/site.css": _get("The pages' style sheet", {
            "200": _answer("CSS in the issuer's colours.", "text/css", etag=True)},
            tag="pages", etag=True),
        "/badges/{award_id}": _get(
            "A badge: a page for people, or by Accept a JSON summary (application/json), the"
            " 2.0 assertion (application/ld+json) or the 3.0 credential"
            " (application/vc+ld+json); q-values are honoured, the page is the fallback", {
                "200": _answer("The badge, as negotiated (Vary: Accept).", HTML,
                               (JSON, _ref("BadgeSummary")), (LD_JSON, _ref("Assertion")),
                               (VC_JSON, _ref("Credential")), etag=True, cors=True),
                "404": NO_BADGE}, tag="badges", etag=True,
            parameters=(award, LANG, ACCEPT_LANGUAGE)),
        "/badges/{award_id}/badge.png": _get(
            "The baked badge image: the 2.0 assertion and 3.0 credential in iTXt chunks", {
                "200": _answer("A PNG.", PNG, etag=True, cors=True), "404": NO_BADGE_IMAGE},
            tag="badges", etag=True, parameters=(award,)),
        "/badges/{award_id}/certificate.png": _get(
            "A certificate with a QR code of the badge's page (stamped when revoked or"
            " expired)", {"200": _answer("A PNG.", PNG, etag=True, cors=True),
                          "404": NO_BADGE_IMAGE}, tag="badges", etag=True,
            parameters=(award, LANG, ACCEPT_LANGUAGE)),
        "/pathways/{pathway_id}": _get(
            "A pathway: a page with its map (quests → badges → the pathway's badge → the job"
            " role), or by Accept a JSON summary; with ?learner=TOKEN (from the holder's"
            " wallet) the holder's own progress", {
                "200": _answer("The pathway, as negotiated (Vary: Accept).", HTML,
                               (JSON, _ref("PathwaySummary")), etag=True, cors=True),
                "404": _answer("No pathway with this id: a page, or JSON when asked for"
                               " JSON.", HTML, (JSON, _ref("Error")))},
            tag="pathways", etag=True, parameters=(pathway, LEARNER, LANG, ACCEPT_LANGUAGE)),
        "/pathways/{pathway_id}/map.svg": _get(
            "The pathway's map alone, as an SVG image (with the holder's progress when"
            " given their learner token)", {
                "200": _answer("An SVG.", "image/svg+xml", etag=True, cors=True),
                "404": not_found("pathway")},
            tag="pathways", etag=True, parameters=(pathway, LEARNER, LANG, ACCEPT_LANGUAGE)),
        "/ob2/assertions/{award_id}": _get("The Open Badges 2.0 hosted assertion", {
            "200": _answer("The assertion.", (LD_JSON, _ref("Assertion")), etag=True,
                           cors=True),
            "404": not_found("badge"),
            "410": _answer("Revoked (Open Badges 2.0 hosted verification).",
                           (LD_JSON, _ref("RevokedAssertion")), etag=True, cors=True)},
            tag="open badges 2.0", etag=True, parameters=(award,)),
        "/ob2/badges/{class_id}": _get("An Open Badges 2.0 BadgeClass", {
            "200": _answer("The badge class.", (LD_JSON, _ref("BadgeClass")), etag=True,
                           cors=True),
            "404": not_found("badge class")}, tag="open badges 2.0", etag=True,
            parameters=(badge_class,)),
        "/evidence/{ref}": _get(
            "A file a learner handed in as evidence (the unguessable ref is its only key)", {
                "200": _answer("The file: a PNG or JPEG image, or a PDF.", PNG, "image/jpeg",
                               "application/pdf", etag=True),
                "404": _answer("No file with this ref.", HTML)},
            tag="badges", etag=True,
            parameters=(_path("ref", "the file's unguessable ref, from its URL"),)),
        "/ob2/issuer": _get("The Open Badges 2.0 Issuer Profile", {
            "200": _answer("The issuer.", (LD_JSON, _ref("Issuer")), etag=True, cors=True)},
            tag="open badges 2.0", etag=True),
        "/ob3/credentials/{award_id}": _get(
            "The signed Open Badges 3.0 credential, byte for byte as signed", {
                "200": _answer("The credential.", (VC_JSON, _ref("Credential")), etag=True,
                               cors=True),
                "404": not_found("badge")}, tag="open badges 3.0", etag=True,
            parameters=(award,)),
        "/images/badges/{class_id}.png": _get("A badge class's image (not baked)", {
            "200": _answer("A PNG.", PNG, etag=True, cors=True), "404": not_found("image")},
            tag="open badges 2.0", etag=True, parameters=(badge_class,)),
        "/issuer/keys": _get("The issuer's public keys, active and retired", {
            "200": _answer("The keys.", (JSON, _ref("Keys")), etag=True, cors=True)},
            tag="identity", etag=True),
        "/status/revocation": _get(
            "The issuer-wide signed Bitstring Status List (did:web issuers; with did:key,"
            " the badges issued before lists were kept per key)", {
                "200": _answer("The status list.", (VC_JSON, _ref("Credential")), etag=True,
                               cors=True),
                "404": not_found("status list")}, tag="identity", etag=True),
        "/status/revocation/{list_id}": _get("One key's signed Bitstring Status List", {
            "200": _answer("The status list.", (VC_JSON, _ref("Credential")), etag=True,
                           cors=True),
            "404": not_found("status list")}, tag="identity", etag=True,
            parameters=(list_id,)),
        "/.well-known/did.json": did,
        "/did.json": did,
        "/communities/{community_id}/leaderboard": _get(
            "A community's leaderboard: this season's and the all-time standings (learners"
            " named only if they opted in, else anonymous)", {
                "200": _answer("A page.", HTML),
                "404": _answer("No community with this id.", HTML)},
            tag="pages", parameters=(
                _path("community_id", "the community's id, as its community file says"),
                LANG, ACCEPT_LANGUAGE)),
        "/verify": {
            **_get("The verify page: upload a badge", {"200": _answer("A page.", HTML)},
                   tag="verify", parameters=(LANG, ACCEPT_LANGUAGE)),
            "post": {
                "summary": "Verify a baked PNG or a credential's JSON, uploaded as a form"
                           " (field `file`) or as the raw body; the verdict is JSON when"
                           " Accept prefers application/json, else a page",
                "tags": ["verify"],
                "requestBody": {"required": True, "content": {
                    "multipart/form-data": {"schema": {
                        "type": "object", "required": ["file"],
                        "properties": {"file": upload}}},
                    PNG: {"schema": upload},
                    JSON: {"schema": {"type": "object"}},
                    VC_JSON: {"schema": {"type": "object"}},
                    LD_JSON: {"schema": {"type": "object"}},
                    "application/octet-stream": {"schema": upload}}},
                "responses": {
                    "200": _answer("A verdict on a badge: valid, revoked, expired, tampered,"
                                   " unverifiable or unknown_issuer.", *verdict_types,
                                   cors=True),
                    "400": _answer("Not a well-formed form or file, or empty.", *rejected,
                                   cors=True),
                    "413": _answer("Larger than 2 MB.", *rejected, cors=True),
                    "422": _answer("Not a badge at all (status invalid).", *verdict_types,
                                   cors=True),
                    "429": _answer("A learner record, while other records are being checked"
                                   " (status unverifiable): send it again after"
                                   " Retry-After seconds.", *rejected, cors=True)}},
            "options": {
                "summary": "CORS preflight: pages elsewhere may POST badges from a script",
                "tags": ["verify"],
                "responses": {"204": {"description": "Allowed.", "headers": {
                    "Access-Control-Allow-Methods": {"schema": {"type": "string"}},
                    **CORS_HEADERS}}}},
        },
        "/webhooks/{platform}/{path}": {"post": {
            "summary": "A chat platform's update (Telegram webhook mode), for the adapter"
                       " that registered the platform; the path and a secret header are"
                       " checked by the adapter",
            "tags": ["webhooks"],
            "parameters": [_path("platform", "the platform, e.g. telegram"),
                           _path("path", "the adapter's secret-derived path")],
            "requestBody": {"required": True, "content": {JSON: {"schema": {"type": "object"}}}},
            "responses": {
                "200": _answer("Accepted.", TEXT),
                "400": _answer("Not an update.", TEXT),
                "403": _answer("Wrong path or secret.", TEXT),
                "404": _answer("No adapter takes this platform's webhooks.", TEXT),
                "413": _answer("Larger than 2 MB.", TEXT),
                "503": _answer("The adapter is not ready yet.", TEXT)}}},
    }


# Paths that parts of the web with routes of their own (the dashboard) add to the description.
MORE_PATHS: web.AppKey[dict[str, Any]] = web.AppKey("more_paths", dict)


def document(base_url: str, title: str, more: dict[str, Any] | None = None
             ) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{title}: questbot badge server",
            "version": "1",
            "description": "Hosted Open Badges 2.0 assertions, signed Open Badges 3.0"
                           " credentials, baked PNGs, the issuer's keys and status lists, and"
                           " verification of any badge. Answers that do not change carry a"
                           " strong ETag and answer If-None-Match with 304; answers chosen"
                           " by Accept say Vary: Accept.",
        },
        "servers": [{"url": base_url}],
        "paths": {**_paths(), **(more or {})},
        "webhooks": webhook_schemas.webhooks(),
        "components": {"schemas": {**SCHEMAS, **webhook_schemas.schemas()}},
    }


async def description(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges
    return json_response(document(badges.urls.base, badges.issuer.name,
                                  request.app.get(MORE_PATHS)), cache=True)
