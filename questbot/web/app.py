"""The badge server's routes. Every id is checked against the store; unknown ids get 404s."""

from __future__ import annotations

from aiohttp import web

from questbot.badges.service import BadgeService
from questbot.badges.verify import Verifier
from questbot.ports import Clock, Webhooks
from questbot.web import documents, pages, verify_page
from questbot.web.context import WEB, Web, template_environment
from questbot.web.verify_page import MAX_UPLOAD


def add_badge_routes(app: web.Application, badges: BadgeService, verifier: Verifier,
                     clock: Clock, webhooks: Webhooks | None = None) -> None:
    app[WEB] = Web(badges, verifier, clock, template_environment())
    app[WEBHOOKS] = webhooks or Webhooks()
    app.router.add_post("/webhooks/{platform}/{path}", webhook)
    app.router.add_get("/", pages.home)
    app.router.add_get("/healthz", pages.health)
    app.router.add_get("/favicon.svg", pages.favicon)
    app.router.add_get("/favicon.ico", pages.favicon)
    app.router.add_get("/badges/{award_id}", pages.badge_page)
    app.router.add_get("/badges/{award_id}/badge.png", pages.badge_png)
    app.router.add_get("/badges/{award_id}/certificate.png", pages.certificate)
    app.router.add_get("/ob2/assertions/{award_id}", documents.assertion)
    app.router.add_get("/ob2/badges/{class_id}", documents.badge_class)
    app.router.add_get("/ob2/issuer", documents.issuer)
    app.router.add_get("/ob3/credentials/{award_id}", documents.credential)
    app.router.add_get("/images/badges/{class_id}.png", documents.class_image)
    app.router.add_get("/issuer/keys", documents.keys)
    app.router.add_get("/status/revocation", documents.status_list)
    app.router.add_get("/verify", verify_page.verify_form)
    app.router.add_post("/verify", verify_page.verify_upload)


WEBHOOKS = web.AppKey("webhooks", Webhooks)


async def webhook(request: web.Request) -> web.Response:
    """A chat platform's update, handed to the adapter that registered for it."""
    handler = request.app[WEBHOOKS].get(request.match_info["platform"])
    if handler is None:
        return web.Response(status=404, text="no such webhook")
    body = await request.content.read(MAX_UPLOAD + 1)
    if len(body) > MAX_UPLOAD:
        return web.Response(status=413, text="too large")
    status, text = await handler(request.match_info["path"], request.headers, body)
    return web.Response(status=status, text=text)


def client_max_size() -> int:
    return MAX_UPLOAD + 64 * 1024
