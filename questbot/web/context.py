"""What the badge server's handlers share: the badge service, the verifier, the templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from questbot.badges.service import BadgeService
from questbot.badges.verify import Verifier
from questbot.ports import Clock

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Web:
    badges: BadgeService
    verifier: Verifier
    clock: Clock
    templates: jinja2.Environment

    def page(self, template: str, status: int = 200, **values: Any) -> web.Response:
        html = self.templates.get_template(template).render(
            issuer=self.badges.issuer, urls=self.badges.urls, **values)
        return web.Response(text=html, content_type="text/html", status=status,
                            headers={"Cache-Control": "no-cache"})

    def message(self, heading: str, text: str, status: int) -> web.Response:
        return self.page("message.html", status=status, heading=heading, text=text, links=())


WEB = web.AppKey("web", Web)


def template_environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                              autoescape=jinja2.select_autoescape(["html"]))


def wants(request: web.Request, *types: str) -> str | None:
    """The first of ``types`` the client's Accept header names before text/html."""
    accept = request.headers.get("Accept", "")
    ranked = [part.split(";")[0].strip() for part in accept.split(",")]
    for kind in ranked:
        if kind == "text/html":
            return None
        if kind in types:
            return kind
    return None
