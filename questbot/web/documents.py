"""The machine-readable resources: Open Badges 2.0 and 3.0 documents, keys, status list."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from questbot.badges import ob2
from questbot.web.answer_cache import Answer
from questbot.web.badge_view import MAX_ID, BadgeAnswers, Current, slowly_changing
from questbot.web.context import WEB

LD_JSON = "application/ld+json"
VC_JSON = "application/vc+ld+json"


def json_response(document: Any, content_type: str = "application/json",
                  status: int = 200, cache: bool = False) -> web.Response:
    return json_answer(document, content_type, status, cache).response()


def json_answer(document: Any, content_type: str = "application/json",
                status: int = 200, cache: bool = False) -> Answer:
    headers = {"Access-Control-Allow-Origin": "*",
               "Cache-Control": "public, max-age=300" if cache else "no-cache"}
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return Answer.of(text.encode(), f"{content_type}; charset=utf-8", status, headers)


def not_found(kind: str = "badge") -> web.Response:
    return json_response({"error": f"no such {kind}"}, status=404)


async def assertion(request: web.Request) -> web.Response:
    answers = request.app[WEB].answers
    resent = answers.resent(request, "ob2")
    if resent is not None:
        return resent
    current = await answers.current(request.match_info["award_id"][:MAX_ID])
    if current is None:
        return not_found()
    return await answers.answer(request, ("ob2", current.award_id, current.fingerprint),
                                lambda: _assertion(answers, current), ("ob2", current))


async def _assertion(answers: BadgeAnswers, current: Current) -> tuple[Answer, bool]:
    record = await answers.record(current)
    if record is None:
        raise web.HTTPNotFound()
    document = json.loads(record.assertion)
    if record.award.revoked:
        # Open Badges 2.0 hosted verification: a revoked assertion answers 410 Gone.
        return json_answer({**document, "revoked": True,
                            "revocationReason": record.award.revocation_reason},
                           LD_JSON, status=410), current.matches(record)
    return json_answer(document, LD_JSON), current.matches(record)


async def credential(request: web.Request) -> web.Response:
    """The exact signed text, so a verifier checks what was signed. It never changes (its
    revocation is told by the status list), so once read it is kept."""
    answers = request.app[WEB].answers
    award_id = request.match_info["award_id"][:MAX_ID]
    found = answers.cache.get(("ob3", award_id))
    if found is not None:
        return found.response(request)
    record = await answers.badges.store.credential(award_id)
    if record is None:
        return not_found()
    signed = Answer.of(record.credential.encode(), f"{VC_JSON}; charset=utf-8",
                       headers={"Access-Control-Allow-Origin": "*",
                                "Cache-Control": "public, max-age=3600"})
    return answers.cache.put(("ob3", award_id), signed).response(request)


async def badge_class(request: web.Request) -> web.Response:
    answers = request.app[WEB].answers
    class_id = request.match_info["class_id"][:200]

    async def build() -> tuple[Answer, bool]:
        info = await answers.badges.class_info(class_id)
        if info is None:
            return json_answer({"error": "no such badge class"}, status=404), False
        return json_answer(ob2.badge_class(info, answers.badges.urls), LD_JSON,
                           cache=True), True

    return await answers.answer(request, slowly_changing("class", class_id), build)


async def class_image(request: web.Request) -> web.Response:
    answers = request.app[WEB].answers
    class_id = request.match_info["class_id"][:200]

    async def build() -> tuple[Answer, bool]:
        info = await answers.badges.class_info(class_id)
        if info is None:
            return json_answer({"error": "no such image"}, status=404), False
        return Answer.of(await answers.badges.class_image(info), "image/png",
                         headers={"Cache-Control": "public, max-age=86400"}), True

    return await answers.answer(request, slowly_changing("class image", class_id), build)


async def issuer(request: web.Request) -> web.Response:
    badges = request.app[WEB].badges

    async def build() -> tuple[Answer, bool]:
        return json_answer(ob2.issuer_profile(badges.issuer, badges.urls), LD_JSON,
                           cache=True), True

    return await request.app[WEB].answers.answer(request, ("issuer",), build)


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
