"""The machine-readable resources: Open Badges 2.0 and 3.0 documents, keys, status list."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from questbot.badges import ob2
from questbot.web.context import WEB

LD_JSON = "application/ld+json"
VC_JSON = "application/vc+ld+json"
MAX_ID = 64


def json_response(document: Any, content_type: str = "application/json",
                  status: int = 200, cache: bool = False) -> web.Response:
    headers = {"Access-Control-Allow-Origin": "*"}
    headers["Cache-Control"] = "public, max-age=300" if cache else "no-cache"
    return web.Response(text=json.dumps(document, ensure_ascii=False, indent=2),
                        content_type=content_type, status=status, headers=headers)


def not_found(kind: str = "badge") -> web.Response:
    return json_response({"error": f"no such {kind}"}, status=404)


async def assertion(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges
    record = await badges.store.credential(request.match_info["award_id"][:MAX_ID])
    if record is None:
        return not_found()
    document = json.loads(record.assertion)
    if record.award.revoked:
        # Open Badges 2.0 hosted verification: a revoked assertion answers 410 Gone.
        return json_response({**document, "revoked": True,
                              "revocationReason": record.award.revocation_reason},
                             LD_JSON, status=410)
    return json_response(document, LD_JSON)


async def credential(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges
    record = await badges.store.credential(request.match_info["award_id"][:MAX_ID])
    if record is None:
        return not_found()
    # The exact signed text, so a verifier checks what was signed. It never changes: its
    # revocation is told by the status list.
    return web.Response(text=record.credential, content_type=VC_JSON,
                        headers={"Access-Control-Allow-Origin": "*",
                                 "Cache-Control": "public, max-age=3600"})


async def badge_class(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges
    info = await badges.class_info(request.match_info["class_id"][:200])
    if info is None:
        return not_found("badge class")
    return json_response(ob2.badge_class(info, badges.urls), LD_JSON, cache=True)


async def class_image(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges
    info = await badges.class_info(request.match_info["class_id"][:200])
    if info is None:
        return not_found("image")
    return web.Response(body=await badges.class_image(info), content_type="image/png",
                        headers={"Cache-Control": "public, max-age=86400"})


async def issuer(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges
    return json_response(ob2.issuer_profile(badges.issuer, badges.urls), LD_JSON, cache=True)


async def keys(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges
    active = badges.keyring.active
    return json_response({
        "issuer": badges.urls.issuer,
        "keys": [{"id": key.verification_method, "type": "Multikey", "controller": key.did,
                  "publicKeyMultibase": key.multibase, "created": key.created.isoformat(),
                  "status": "active" if key is active else "retired"}
                 for key in reversed(badges.keyring.keys)],
    })


async def status_list(request: web.Request) -> web.Response:
    document = await request.app[WEB].badges.status_list()
    if document is None:
        return not_found("status list")
    return json_response(document, VC_JSON)
