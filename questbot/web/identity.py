"""The issuer's identity documents: the did:web DID document (current and retired keys) and
the status list of each key, which did:key credentials name."""

from __future__ import annotations

from aiohttp import web

from questbot.web.context import WEB
from questbot.web.documents import VC_JSON, json_response, not_found

DID_JSON = "application/did+ld+json"
MAX_LIST_ID = 64


async def did_document(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges
    document = badges.identity.did_document(badges.keyring)
    if document is None:
        return not_found("DID document: this issuer is a did:key")
    return json_response(document, DID_JSON)


async def key_status_list(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges
    document = await badges.status_list(request.match_info["list_id"][:MAX_LIST_ID])
    if document is None:
        return not_found("status list")
    return json_response(document, VC_JSON)
