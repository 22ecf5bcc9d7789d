"""The dashboard's routes, on a sub-application at /dashboard with its own session
middleware: signing in and out, the pages (tutors; some admins only), and the actions."""

from __future__ import annotations

import re
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware
from aiohttp_session import session_middleware

from questbot.domain.progress import Role
from questbot.domain.sign_in import token_hash
from questbot.web.dashboard import actions, description, pages
from questbot.web.dashboard.sessions import (
    CsrfRefused,
    Staff,
    cookie_storage,
    end_session,
    form_of,
    signed_in,
    start_session,
)
from questbot.web.dashboard.setup import DASHBOARD, DashboardSetup
from questbot.web.dashboard.view import (
    PREFIX,
    TEMPLATES,
    Handler,
    Page,
    answer,
    language_of,
    render,
    template_environment,
)
from questbot.web.language import PageLanguage
from questbot.web.openapi import MORE_PATHS

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]
Action = Callable[[web.Request, Staff, PageLanguage], Awaitable[Page]]
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def dashboard_app(setup: DashboardSetup) -> web.Application:
    # aiohttp-session keeps its storage under a plain string key on each request
    warnings.filterwarnings("ignore", category=web.NotAppKeyWarning, module="aiohttp_session")
    app = web.Application()
    app[DASHBOARD] = setup
    app[TEMPLATES] = template_environment()
    # The sessions wrap each route, not the sub-application: one with middlewares makes
    # aiohttp pass every request of the whole server (each badge page) through one more.
    sessions = session_middleware(cookie_storage(setup))

    def get(path: str, handler: Route) -> None:
        app.router.add_get(path, _in_session(sessions, handler))

    def post(path: str, handler: Route) -> None:
        app.router.add_post(path, _in_session(sessions, handler))

    get("/", _page(pages.overview))
    get("/sign-in", sign_in_help)
    get("/sign-in/{token}", sign_in_form)
    post("/sign-in/{token}", sign_in)
    post("/sign-out", sign_out)
    get("/static/dashboard.css", stylesheet)
    get("/quests/{quest_id}", _page(pages.quest))
    get("/quests/{quest_id}/quiz/{step_id}", _page(pages.quiz))
    get("/quests/{quest_id}/attendance/{step_id}", _page(pages.attendance))
    get("/awards", _page(pages.awards))
    get("/learners", _page(pages.learners))
    get("/learners/{learner_id}", _page(pages.learner))
    post("/learners/{learner_id}/grant", _action(actions.grant))
    post("/learners/{learner_id}/revoke", _action(actions.revoke))
    post("/learners/{learner_id}/review", _action(actions.review))
    get("/outbox", _page(pages.deliveries, Role.ADMIN))
    get("/quest-files", _page(pages.quest_files, Role.ADMIN))
    get("/webhooks", _page(pages.webhooks, Role.ADMIN))
    return app


def _in_session(sessions: Middleware, handler: Route) -> Route:
    async def in_session(request: web.Request) -> web.StreamResponse:
        return await sessions(request, handler)
    in_session.__name__ = getattr(handler, "__name__", "in_session")
    return in_session


HEADINGS = {400: "dash.refused", 401: "dash.sign_in", 403: "dash.refused",
            404: "dash.not_found_heading"}


async def _refusal(request: web.Request, status: int, key: str) -> web.Response:
    language = language_of(request)
    page = Page("notice.html", language.say(HEADINGS[status]),
                values={"text": language.say(key)}, status=status)
    return await render(request, page)


async def _guarded(request: web.Request, wanted: Role,
                   run: Callable[[Staff, PageLanguage], Awaitable[web.StreamResponse]]
                   ) -> web.StreamResponse:
    staff = await signed_in(request)
    if staff is None:
        return await _refusal(request, 401, "dash.signed_out")
    if staff.role < wanted:
        return await _refusal(request, 403, "dash.admins_only")
    try:
        return await run(staff, language_of(request))
    except CsrfRefused:
        return await _refusal(request, 403, "dash.csrf")
    except pages.BadInput as bad:
        return await _refusal(request, 400, bad.key)
    except web.HTTPNotFound:
        return await _refusal(request, 404, "dash.not_found")


def _page(handler: Handler, wanted: Role = Role.TUTOR) -> Callable[
        [web.Request], Awaitable[web.StreamResponse]]:
    async def page(request: web.Request) -> web.StreamResponse:
        async def run(_: Staff, language: PageLanguage) -> web.StreamResponse:
            return await answer(request, await handler(request, language))
        return await _guarded(request, wanted, run)
    page.__name__ = handler.__name__
    return page


def _action(handler: Action) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def action(request: web.Request) -> web.StreamResponse:
        async def run(staff: Staff, language: PageLanguage) -> web.StreamResponse:
            return await render(request, await handler(request, staff, language))
        return await _guarded(request, Role.TUTOR, run)
    action.__name__ = handler.__name__
    return action


# --- signing in and out ------------------------------------------------------------------
NO_REFERRER = {"Referrer-Policy": "no-referrer"}  # the address holds the sign-in token


async def sign_in_help(request: web.Request) -> web.Response:
    language = language_of(request)
    return await render(request, Page("notice.html", language.say("dash.sign_in"),
                                      values={"text": language.say("dash.sign_in_help")}))


async def sign_in_form(request: web.Request) -> web.Response:
    """A button, not a sign-in: link previews (chat apps fetch links) must not use it up."""
    language = language_of(request)
    token = request.match_info["token"]
    if not TOKEN.fullmatch(token):
        return await _refusal(request, 403, "dash.link_refused")
    response = await render(request, Page("sign_in.html", language.say("dash.sign_in"),
                                          values={"token": token}))
    response.headers.update(NO_REFERRER)
    return response


async def sign_in(request: web.Request) -> web.StreamResponse:
    setup = request.config_dict[DASHBOARD]
    token = request.match_info["token"]
    try:
        await form_of(request)
    except CsrfRefused:
        return await _refusal(request, 403, "dash.csrf")
    found = await setup.store.redeem_sign_in(token_hash(token), setup.clock.now()) \
        if TOKEN.fullmatch(token) else None
    if found is None or found.role < Role.TUTOR:
        return await _refusal(request, 403, "dash.link_refused")
    await start_session(request, found, setup.clock.now())
    raise web.HTTPSeeOther(language_of(request).keep(f"{PREFIX}/"), headers=NO_REFERRER)


async def sign_out(request: web.Request) -> web.StreamResponse:
    try:
        await form_of(request)
    except CsrfRefused:
        return await _refusal(request, 403, "dash.csrf")
    await end_session(request)
    raise web.HTTPSeeOther(language_of(request).keep(f"{PREFIX}/sign-in"))


async def stylesheet(request: web.Request) -> web.Response:
    css = request.config_dict[TEMPLATES].get_template("dashboard.css").render()
    return web.Response(text=css, content_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})


def add_dashboard(app: web.Application, setup: DashboardSetup | None) -> None:
    """The dashboard at /dashboard on the badge server ``app`` (none without a setup)."""
    if setup is None:
        return
    app.add_subapp(PREFIX, dashboard_app(setup))
    described: dict[str, Any] = description.paths()
    if MORE_PATHS in app:
        earlier: dict[str, Any] = app[MORE_PATHS]
        described = {**earlier, **described}
    app[MORE_PATHS] = described
