"""Pages for people: a badge, its baked image, its certificate, the home page."""

from __future__ import annotations

import json
from datetime import datetime

from aiohttp import web

from questbot.badges.model import BadgeClassInfo
from questbot.badges.service import worth_text
from questbot.badges.verdict import status_label
from questbot.domain.sharing import linkedin_add_url
from questbot.ports import CredentialRecord
from questbot.web.context import WEB, wants
from questbot.web.documents import LD_JSON, MAX_ID, VC_JSON, json_response
from questbot.web.language import page_language

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


async def _record(request: web.Request) -> CredentialRecord | None:
    return await request.app[WEB].badges.store.credential(request.match_info["award_id"][:MAX_ID])


def _expires(record: CredentialRecord) -> datetime | None:
    until = json.loads(record.credential).get("validUntil")
    return datetime.fromisoformat(until.replace("Z", "+00:00")) if until else None


def _status(record: CredentialRecord, request: web.Request) -> str:
    if record.award.revoked:
        return "revoked"
    expires = _expires(record)
    return "expired" if expires and expires < request.app[WEB].clock.now() else "valid"


async def badge_page(request: web.Request) -> web.Response:
    context = request.app[WEB]
    record = await _record(request)
    if record is None:
        if wants(request, "application/json", LD_JSON, VC_JSON):
            return json_response({"error": "no such badge"}, status=404)
        return context.message(request, "error.no_badge", "error.no_badge_text", 404)
    info = await context.badges.class_info(record.class_id)
    assert info is not None
    status = _status(record, request)
    kind = wants(request, "application/json", LD_JSON, VC_JSON)
    if kind == VC_JSON:
        return web.Response(text=record.credential, content_type=VC_JSON)
    if kind == LD_JSON:
        return json_response(json.loads(record.assertion), LD_JSON)
    if kind is not None:
        return json_response(_summary(record, info, status, request))
    expires = _expires(record)
    language = page_language(request, context.language)
    return context.page(
        request, "badge.html", award=record.award, info=info, badge_status=status,
        words=info.texts(language.code),  # the badge's name and criteria in the reader's
        status_text=status_label(status, language.code),
        worth=worth_text(info, language.code),
        recipient=record.display_name if record.show_name else None, expires=expires,
        # A revoked badge is not to be passed on: no download, certificate or LinkedIn.
        linkedin=None if status == "revoked" else _linkedin(record, info, expires, request))


def _summary(record: CredentialRecord, info: BadgeClassInfo, status: str,
             request: web.Request) -> dict[str, object]:
    urls = request.app[WEB].badges.urls
    award = record.award
    credential = json.loads(record.credential)
    return {
        "id": award.award_id, "badge": info.name, "description": info.description,
        "status": status, "issuedOn": credential["validFrom"],
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
    context = request.app[WEB]
    record = await _record(request)
    if record is None:
        return _no_image(request)
    return web.Response(body=await context.badges.baked_png(record), content_type="image/png",
                        headers={"Content-Disposition":
                                 f'inline; filename="{record.class_id}.png"',
                                 "Cache-Control": "public, max-age=3600"})


async def certificate(request: web.Request) -> web.Response:
    """The certificate as the badge stands now, in the reader's language: stamped once
    revoked or expired."""
    context = request.app[WEB]
    record = await _record(request)
    if record is None:
        return _no_image(request)
    status = _status(record, request)
    language = page_language(request, context.language).code
    stamp = None if status == "valid" else status_label(status, language).upper()
    png = await context.badges.certificate(record, stamp,
                                           STAMP_COLOURS.get(status, STAMP_COLOURS["revoked"]),
                                           language=language)
    return web.Response(body=png, content_type="image/png",
                        headers={"Cache-Control": "no-cache"})


def _no_image(request: web.Request) -> web.Response:
    return request.app[WEB].message(request, "error.no_badge", "error.no_image_text", 404)
