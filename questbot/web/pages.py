"""Pages for people: a badge, its baked image, its certificate, the home page."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

from aiohttp import web

from questbot.badges.model import BadgeClassInfo
from questbot.badges.service import worth_text
from questbot.badges.verdict import status_label
from questbot.domain.sharing import linkedin_add_url
from questbot.ports import CredentialRecord
from questbot.web.answer_cache import Answer
from questbot.web.badge_view import MAX_ID, Current, cacheable_query
from questbot.web.context import WEB, wants
from questbot.web.documents import LD_JSON, VC_JSON, json_answer, json_response
from questbot.web.language import QUERY, page_language

STAMP_COLOURS = {"revoked": "#a4161a", "expired": "#7a5200"}  # as on the page's labels


async def home(request: web.Request) -> web.Response:
    context = request.app[WEB]
    urls = context.badges.urls
    language = page_language(request, context.language)
    return context.page(request, "message.html", heading=context.badges.issuer.name,
                        text=language.say("home.text"),
                        links=((language.say("link.verify"), language.keep(urls.verify)),
                               (language.say("link.keys"), urls.keys)))


async def favicon(request: web.Request) -> web.Response:
    issuer = request.app[WEB].badges.issuer
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
           f'<circle cx="16" cy="16" r="15" fill="{issuer.accent}"/>'
           f'<circle cx="16" cy="16" r="11" fill="{issuer.colour}"/></svg>')
    return web.Response(text=svg, content_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})


async def stylesheet(request: web.Request) -> web.Response:
    """The pages' style in the issuer's colours: a file, so no page needs inline style."""
    css = request.app[WEB].render("site.css")
    return web.Response(text=css, content_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _award_id(request: web.Request) -> str:
    return request.match_info["award_id"][:MAX_ID]


async def badge_page(request: web.Request) -> web.Response:
    context = request.app[WEB]
    answers = context.answers
    resent = answers.resent(request, "page")
    if resent is not None:
        return resent
    current = await answers.current(_award_id(request))
    kind = wants(request, "application/json", LD_JSON, VC_JSON)
    if current is None:
        if kind:
            return json_response({"error": "no such badge"}, status=404)
        return context.message(request, "error.no_badge", "error.no_badge_text", 404)
    # Only the HTML page speaks a language (and so varies with Accept-Language).
    language = page_language(request, context.language) if kind is None else None
    key = ("page", current.award_id, kind, current.key,
           language and (language.code, language.chosen))
    return await answers.answer(request, key if cacheable_query(request, (QUERY,)) else None,
                                lambda: _badge_answer(request, current, kind),
                                ("page", current))


async def _badge_answer(request: web.Request, current: Current,
                        kind: str | None) -> tuple[Answer, bool]:
    context = request.app[WEB]
    record = await context.answers.record(current)
    if record is None:  # cannot happen: badges are never deleted
        raise web.HTTPNotFound()
    matches = current.matches(record)
    if kind == VC_JSON:
        return Answer.of(record.credential.encode(), f"{VC_JSON}; charset=utf-8"), True
    if kind == LD_JSON:
        return json_answer(json.loads(record.assertion), LD_JSON), matches
    info = await context.badges.class_info(record.class_id)
    assert info is not None
    if kind is not None:
        return json_answer(_summary(record, info, current, request)), matches
    status, expires = current.status, current.expires
    language = page_language(request, context.language)
    return context.page_answer(
        request, "badge.html", award=record.award, info=info, badge_status=status,
        words=info.texts(language.code),  # the badge's name and criteria in the reader's
        status_text=status_label(status, language.code),
        worth=worth_text(info, language.code),
        recipient=record.display_name if record.show_name else None, expires=expires,
        # A revoked badge is not to be passed on: no download, certificate or LinkedIn.
        linkedin=None if status == "revoked" else _linkedin(record, info, expires, request),
    ), matches


def _summary(record: CredentialRecord, info: BadgeClassInfo, current: Current,
             request: web.Request) -> dict[str, object]:
    urls = request.app[WEB].badges.urls
    award = record.award
    credential = json.loads(record.credential)
    return {
        "id": award.award_id, "badge": info.name, "description": info.description,
        "status": current.status, "issuedOn": credential["validFrom"],
        "expires": credential.get("validUntil"),
        "issuer": request.app[WEB].badges.issuer.name,
        "recipient": record.display_name if record.show_name else None,
        "quest": award.quest_id, "questVersion": award.quest_version,
        "evidence": award.evidence, "revocationReason": award.revocation_reason,
        "links": {"page": urls.page(award.award_id), "png": urls.png(award.award_id),
                  "assertion": urls.assertion(award.award_id),
                  "credential": urls.credential(award.award_id),
                  "certificate": urls.certificate(award.award_id),
                  "badgeClass": urls.badge_class(info.class_id),
                  "statusList": urls.status_list},
    }


def _linkedin(record: CredentialRecord, info: BadgeClassInfo, expires: datetime | None,
              request: web.Request) -> str:
    badges = request.app[WEB].badges
    award = record.award
    return linkedin_add_url(info.name, badges.issuer.name, badges.urls.page(award.award_id),
                            award.award_id, award.awarded_at, expires)


async def badge_png(request: web.Request) -> web.Response:
    """The baked image as it was written when the badge was issued; it never changes (a
    revoked badge's image still carries its signed documents: the status list tells)."""
    answers = request.app[WEB].answers
    award_id = _award_id(request)
    found = answers.cache.get(("png", award_id))
    if found is not None:
        return found.response(request)
    record = await request.app[WEB].badges.store.credential(award_id)
    if record is None:
        return _no_image(request)
    path = await request.app[WEB].badges.write_png(record)  # written at issue: only read
    png = await asyncio.to_thread(path.read_bytes)
    return answers.cache.put(("png", award_id), Answer.of(png, "image/png", headers={
        "Content-Disposition": f'inline; filename="{record.class_id}.png"',
        "Cache-Control": "public, max-age=3600"})).response(request)


async def certificate(request: web.Request) -> web.Response:
    """The certificate as the badge stands now, in the reader's language: stamped once
    revoked or expired."""
    context = request.app[WEB]
    resent = context.answers.resent(request, "certificate")
    if resent is not None:
        return resent
    current = await context.answers.current(_award_id(request))
    if current is None:
        return _no_image(request)
    language = page_language(request, context.language).code
    key = ("certificate", current.award_id, current.key, language)
    return await context.answers.answer(
        request, key if cacheable_query(request, (QUERY,)) else None,
        lambda: _certificate(request, current, language), ("certificate", current))


async def _certificate(request: web.Request, current: Current,
                       language: str) -> tuple[Answer, bool]:
    context = request.app[WEB]
    record = await context.answers.record(current)
    if record is None:
        raise web.HTTPNotFound()
    status = current.status
    stamp = None if status == "valid" else status_label(status, language).upper()
    png = await context.badges.certificate(record, stamp,
                                           STAMP_COLOURS.get(status, STAMP_COLOURS["revoked"]),
                                           language=language)
    return (Answer.of(png, "image/png", headers={"Cache-Control": "no-cache"}),
            current.matches(record))


def _no_image(request: web.Request) -> web.Response:
    return request.app[WEB].message(request, "error.no_badge", "error.no_image_text", 404)
