"""The badge server: a page for people and JSON for machines for each award.

This is the hosting skeleton; signed, baked Open Badges and verification build on it."""

from __future__ import annotations

import html

from aiohttp import web

from questbot.domain.text import translate
from questbot.ports import AwardReader, AwardView

AWARDS = web.AppKey("awards", AwardReader)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body><main>{body}</main></body></html>
"""


def add_badge_routes(app: web.Application, awards: AwardReader) -> None:
    app[AWARDS] = awards
    app.router.add_get("/", index)
    app.router.add_get("/healthz", health)
    app.router.add_get("/badges/{award_id}", badge)


def _page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(text=_PAGE.format(title=html.escape(title), body=body),
                        content_type="text/html", status=status)


async def index(request: web.Request) -> web.Response:
    return _page("questbot", "<h1>questbot</h1><p>Badge server is running.</p>")


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _wants_json(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


async def badge(request: web.Request) -> web.Response:
    award_id = request.match_info["award_id"]
    view = await request.app[AWARDS].get_award(award_id) if len(award_id) <= 64 else None
    if view is None:
        if _wants_json(request):
            return web.json_response({"error": "not found"}, status=404)
        return _page("Not found", "<h1>No such badge</h1>", status=404)
    if _wants_json(request):
        return web.json_response(_as_json(view))
    return _page(view.award.badge_name, _as_html(view))


def _status(view: AwardView) -> str:
    return "revoked" if view.award.revoked else "valid"


def _as_json(view: AwardView) -> dict[str, object]:
    award = view.award
    return {
        "id": award.award_id,
        "badge": award.badge_name,
        "quest": award.quest_id,
        "questVersion": award.quest_version,
        "issuedOn": award.awarded_at.isoformat(),
        "evidence": award.evidence,
        "status": _status(view),
        "revocationReason": award.revocation_reason,
    }


def _as_html(view: AwardView) -> str:
    award = view.award
    evidence = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>"
                       for k, v in award.evidence.items())
    status = translate(f"web.status_{_status(view)}", reason=award.revocation_reason or "")
    return (f"<h1>{html.escape(award.badge_name)}</h1>"
            f"<p>{html.escape(status)}</p>"
            f"<p>{html.escape(award.awarded_at.date().isoformat())}</p>"
            f"<ul>{evidence}</ul>")
