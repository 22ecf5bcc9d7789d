"""How a dashboard page is answered: its template in the reader's language (autoescaped,
extending the badge server's base page), or one of its tables as CSV (``?csv=NAME``)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from aiohttp import web

from questbot.web.context import HTML, WEB
from questbot.web.dashboard.sessions import STAFF, csrf_token
from questbot.web.dashboard.tables import Table, cell_text, csv_response
from questbot.web.language import PageLanguage, page_language, switcher

PREFIX = "/dashboard"


@dataclass
class Page:
    """What a handler found: the template, its heading, its tables and anything else."""

    template: str
    heading: str
    tables: Sequence[Table] = ()
    values: dict[str, Any] = field(default_factory=dict)
    stem: str = "dashboard"  # the start of its CSV files' names
    status: int = 200


Handler = Callable[[web.Request, PageLanguage], Awaitable[Page]]

TEMPLATES = web.AppKey("dashboard_templates", jinja2.Environment)


def template_environment() -> jinja2.Environment:
    """The dashboard's templates, which extend the badge server's base page."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("questbot.web.dashboard", "templates"),
                                    jinja2.PackageLoader("questbot.web", "templates")]),
        autoescape=jinja2.select_autoescape(["html", "svg"]), trim_blocks=True,
        lstrip_blocks=True)


def language_of(request: web.Request) -> PageLanguage:
    return page_language(request, request.config_dict[WEB].language)


async def render(request: web.Request, page: Page) -> web.Response:
    language = language_of(request)
    context = request.config_dict[WEB]
    staff = request.get(STAFF)
    template = request.config_dict[TEMPLATES].get_template(page.template)
    text = template.render(
        issuer=context.badges.issuer, urls=context.badges.urls, lang=language.code,
        t=language.say, day=language.date, keep=language.keep, languages=switcher(request),
        heading=page.heading, tables=page.tables, staff=staff, prefix=PREFIX,
        csrf=await csrf_token(request), nonce=secrets.token_urlsafe(16),
        csv=lambda table: language.keep(_csv_url(request, table)), cell=cell_text,
        **page.values)
    return web.Response(text=text, content_type=HTML, status=page.status,
                        headers={"Cache-Control": "no-store"})


def _csv_url(request: web.Request, table: Table) -> str:
    query = {k: v for k, v in request.query.items() if k not in ("lang", "csv")}
    return str(request.rel_url.with_query({**query, "csv": table.name}))


async def answer(request: web.Request, page: Page) -> web.Response:
    wanted = request.query.get("csv")
    if wanted is not None:
        for table in page.tables:
            if table.name == wanted:
                return csv_response(table, page.stem)
        raise web.HTTPNotFound(text="no such table")
    return await render(request, page)
