"""The badge server's routes. Every id is checked against the store; unknown ids get 404s.

Each route says what its answers carry (CORS, an ETag with conditional GET, Vary: Accept);
every answer gets the security headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from questbot.badges.service import BadgeService
from questbot.badges.verify import Verifier
from questbot.ports import Clock, CommunityBoardSource, EvidenceReader
from questbot.web import (
    documents,
    evidence,
    identity,
    openapi,
    pages,
    pathway_page,
    verify_page,
    wallet_description,
    wallet_files,
    wallet_page,
)
from questbot.web.answer_cache import DEFAULT_BYTES, AnswerCache
from questbot.web.badge_view import BadgeAnswers
from questbot.web.context import WEB, Web, revalidated, template_environment
from questbot.web.dashboard import DashboardSetup, add_dashboard
from questbot.web.headers import (
    ANSWERS,
    DOCUMENT,
    NEGOTIATED,
    PAGE,
    PRIVATE,
    STATIC,
    VERIFIER,
    Answers,
    Complete,
    add_headers,
    shape,
)
from questbot.web.language import DEFAULT
from questbot.web.leaderboard_page import BOARDS, leaderboard_page
from questbot.web.verify_page import MAX_UPLOAD
from questbot.web.webhooks import Webhooks

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PREFLIGHT_HEADERS = {"Access-Control-Allow-Origin": "*",
                     "Access-Control-Allow-Methods": "POST, OPTIONS",
                     "Access-Control-Allow-Headers": "Content-Type, Accept",
                     "Access-Control-Max-Age": "86400"}


def add_badge_routes(app: web.Application, badges: BadgeService, verifier: Verifier,
                     clock: Clock, webhooks: Webhooks | None = None,
                     evidence_files: EvidenceReader | None = None,
                     language: str = DEFAULT, cache_bytes: int = DEFAULT_BYTES,
                     pathway_progress: pathway_page.PathwayProgress | None = None,
                     boards: CommunityBoardSource | None = None,
                     dashboard: DashboardSetup | None = None,
                     wallet: wallet_page.WalletSetup | None = None) -> None:
    """The badge server's routes on ``app``; ``language`` is the community's, which pages
    speak to readers whose browser names none of the shipped languages; ``cache_bytes``
    bounds the answers kept in memory. ``pathway_progress`` reads a holder's badges from the
    ``learner`` token of a pathway page (by default the ``wallet``'s tokens)."""
    app[WEB] = Web(badges, verifier, clock, template_environment(),
                   BadgeAnswers(badges, clock, AnswerCache(cache_bytes)), language)
    if evidence_files is not None:
        app[evidence.EVIDENCE] = evidence_files
    if boards is not None:
        app[BOARDS] = boards
    app[WEBHOOKS] = webhooks or Webhooks()
    app[WEBHOOKS_HERE] = webhooks is not None
    if wallet is not None:
        app[wallet_page.WALLET] = wallet
        pathway_progress = pathway_progress or wallet_page.pathway_progress(wallet.reader)
    if pathway_progress is not None:
        app[pathway_page.PROGRESS] = pathway_progress
    app.on_response_prepare.append(_add_headers)
    app.router.add_post("/webhooks/{platform}/{path}", webhook)
    get = app.router.add_get
    get("/", _with(PAGE, pages.home))
    get("/healthz", _with(PAGE, pages.health))
    get("/openapi.json", _with(DOCUMENT, openapi.description))
    get("/favicon.svg", _with(DOCUMENT, pages.favicon))
    get("/favicon.ico", _with(DOCUMENT, pages.favicon))
    get("/static/site.css", _with(STATIC, pages.stylesheet))
    get("/badges/{award_id}", _with(NEGOTIATED, pages.badge_page))
    get("/badges/{award_id}/badge.png", _with(DOCUMENT, pages.badge_png))
    get("/badges/{award_id}/certificate.png", _with(DOCUMENT, pages.certificate))
    get("/pathways/{pathway_id}", _with(NEGOTIATED, pathway_page.pathway_page))
    get("/pathways/{pathway_id}/map.svg", _with(DOCUMENT, pathway_page.pathway_svg))
    get("/ob2/assertions/{award_id}", _with(DOCUMENT, documents.assertion))
    get("/ob2/badges/{class_id}", _with(DOCUMENT, documents.badge_class))
    get("/ob2/issuer", _with(DOCUMENT, documents.issuer))
    get("/ob3/credentials/{award_id}", _with(DOCUMENT, documents.credential))
    get("/images/badges/{class_id}.png", _with(DOCUMENT, documents.class_image))
    get("/issuer/keys", _with(DOCUMENT, documents.keys))
    get("/status/revocation", _with(DOCUMENT, documents.status_list))
    get("/status/revocation/{list_id}", _with(DOCUMENT, identity.key_status_list))
    get("/.well-known/did.json", _with(DOCUMENT, identity.did_document))
    get("/did.json", _with(DOCUMENT, identity.did_document))  # a did:web with a path
    get("/evidence/{ref}", _with(STATIC, evidence.evidence_file))
    get("/communities/{community_id}/leaderboard", _with(PAGE, leaderboard_page))
    get("/verify", _with(PAGE, verify_page.verify_form))
    app.router.add_post("/verify", _with(VERIFIER, verify_page.verify_upload))
    app.router.add_route("OPTIONS", "/verify", verify_preflight)
    if wallet is not None:
        _add_wallet(app)
    add_dashboard(app, dashboard)


def _add_wallet(app: web.Application) -> None:
    get = app.router.add_get
    get("/wallet/{token}", _with(PRIVATE, wallet_page.wallet_page))
    get("/wallet/{token}/hidden", _with(PRIVATE, wallet_page.hidden_page))
    get("/wallet/{token}/badges.zip", _with(PRIVATE, wallet_files.badges_zip))
    get("/wallet/{token}/record.json", _with(PRIVATE, wallet_files.record_json))
    app.router.add_post("/wallet/{token}/badges/{award_id}",
                        _with(PRIVATE, wallet_page.hide_badge))
    described: dict[str, Any] = wallet_description.paths()
    if openapi.MORE_PATHS in app:
        earlier: dict[str, Any] = app[openapi.MORE_PATHS]
        described = {**earlier, **described}
    app[openapi.MORE_PATHS] = described


def _with(answers: Answers, handler: Handler) -> Handler:
    async def answer(request: web.Request) -> web.StreamResponse:
        request[ANSWERS] = answers  # read again when any answer, even an error, is sent
        response = await handler(request)
        if answers.etag and not isinstance(response, Complete):  # a kept one has been
            return revalidated(request, response)
        return response
    answer.__name__ = answer.__qualname__ = handler.__name__
    return answer


async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    if not isinstance(response, Complete):  # a kept answer's are set already
        add_headers(response.headers, response.content_type, shape(request))


async def verify_preflight(request: web.Request) -> web.Response:
    """Lets a page on another site POST a badge to /verify from a script."""
    return web.Response(status=204, headers=PREFLIGHT_HEADERS)


WEBHOOKS = web.AppKey("webhooks", Webhooks)
WEBHOOKS_HERE = web.AppKey("webhooks here", bool)


async def webhook(request: web.Request) -> web.Response:
    """A chat platform's update, handed to the adapter that registered for it."""
    handler = request.app[WEBHOOKS].get(request.match_info["platform"])
    if handler is None and not request.app[WEBHOOKS_HERE]:
        # An extra web worker: the adapters run in the first process. Platforms deliver
        # again after a 503, and the kernel may hand the retry to that process.
        return web.Response(status=503, text="try again", headers={"Retry-After": "1"})
    if handler is None:
        return web.Response(status=404, text="no such webhook")
    body = await request.content.read(MAX_UPLOAD + 1)
    if len(body) > MAX_UPLOAD:
        return web.Response(status=413, text="too large")
    status, text = await handler(request.match_info["path"], request.headers, body)
    return web.Response(status=status, text=text)


def client_max_size() -> int:
    return MAX_UPLOAD + 64 * 1024
