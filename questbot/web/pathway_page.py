"""A pathway's public page: its map drawn as SVG (quests → badges → the pathway's badge →
the job role), readable on a phone (one column, drawn top to bottom), with the holder's own
progress when the page is opened with their ``learner`` token.

The token is read by a ``PathwayProgress`` the composition root may give (the wallet's):
it turns a token into the badge classes its holder holds, or None when it names no one.
Without one, or with a token it does not know, the page shows the pathway alone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from questbot.badges.pathway_map import MapBadge, PathwayMap
from questbot.web.badge_view import MAX_ID
from questbot.web.context import WEB, wants
from questbot.web.documents import json_response
from questbot.web.headers import PRIVATE_ANSWER
from questbot.web.language import page_language

PathwayProgress = Callable[[str], Awaitable[frozenset[str] | None]]
PROGRESS: web.AppKey[PathwayProgress] = web.AppKey("pathway_progress")
SVG = "image/svg+xml"
MAX_TOKEN = 200

WIDTH = 400
ROW = 56  # a quest and its badge
BOX_HEIGHT = 44
HEADER = 28  # a group's title line
GAP = 14
NODE = 64  # the pathway's badge, and the job role
CHARACTER = 8  # the width a bold 13-unit character may take: a box shows what fits


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    width: int
    height: int
    label: str
    full: str
    state: str  # earned, next, optional (not needed now), or plain (no holder's progress)

    @property
    def middle(self) -> int:
        return self.y + self.height // 2


@dataclass(frozen=True, slots=True)
class Frame:
    y: int
    height: int
    title: str


@dataclass(frozen=True, slots=True)
class Layout:
    height: int
    frames: tuple[Frame, ...]
    quests: tuple[Box, ...]
    badges: tuple[Box, ...]
    pathway: Box
    role: Box | None
    lines: tuple[str, ...]  # SVG path data of the arrows


def _label(text: str, width: int) -> str:
    """As much of ``text`` as fits a box ``width`` wide; the whole is the box's tooltip."""
    room = (width - 20) // CHARACTER
    return text if len(text) <= room else text[:room - 1].rstrip() + "…"


def _state(badge: MapBadge, held: frozenset[str] | None, group_met: bool) -> str:
    if held is None:
        return "plain"
    if badge.class_id in held:
        return "earned"
    return "optional" if group_met else "next"


def layout(pathway: PathwayMap, held: frozenset[str] | None,
           group_title: Callable[[str | None, int, int], str], role_label: str) -> Layout:
    """Where everything goes: each group a frame of rows (quest → badge), every badge wired
    down a bus on the right into the pathway's badge, and that into the job role."""
    y = GAP
    frames, quests, badges, lines = [], [], [], []
    half = (WIDTH - 3 * GAP) // 2
    for group in pathway.groups:
        done = sum(held is not None and b.class_id in held for b in group.badges)
        met = done >= group.need
        top = y
        y += HEADER
        for badge in group.badges:
            state = _state(badge, held, met)
            quest = Box(GAP, y, half - GAP, BOX_HEIGHT,
                        _label(badge.source_title, half - GAP), badge.source_title, state)
            box = Box(GAP + half + GAP, y, half - GAP, BOX_HEIGHT,
                      _label(badge.name, half - GAP), badge.name, state)
            quests.append(quest)
            badges.append(box)
            lines.append(f"M{quest.x + quest.width} {quest.middle} H{box.x}")
            y += ROW
        frames.append(Frame(top, y - top, group_title(group.title, group.need,
                                                      len(group.badges))))
        y += GAP
    own = pathway.class_id in held if held is not None else False
    wide = WIDTH * 2 // 3
    node = Box(WIDTH // 6, y + GAP, wide, NODE, _label(pathway.badge_name, wide),
               pathway.badge_name, "plain" if held is None else "earned" if own else "next")
    bus = WIDTH - GAP // 2
    for box in badges:
        lines.append(f"M{box.x + box.width} {box.middle} H{bus} V{node.middle}"
                     f" H{node.x + node.width}")
    y = node.y + node.height
    role = None
    if pathway.role is not None:
        role = Box(WIDTH // 6, y + 2 * GAP, wide, NODE,
                   _label(pathway.role.name, wide), f"{role_label}: {pathway.role.name}",
                   "role")
        lines.append(f"M{WIDTH // 2} {y} V{role.y}")
        y = role.y + role.height
    return Layout(y + GAP, tuple(frames), tuple(quests), tuple(badges), node, role,
                  tuple(lines))


async def _held(request: web.Request) -> frozenset[str] | None:
    token = request.query.get("learner")
    lookup: PathwayProgress | None = request.app.get(PROGRESS)
    if token is None:
        return None
    request[PRIVATE_ANSWER] = True  # a holder's link: not cached, not passed on
    if lookup is None or not 0 < len(token) <= MAX_TOKEN:
        return None
    held: frozenset[str] | None = await lookup(token)
    return held


def _map(request: web.Request) -> PathwayMap | None:
    context = request.app[WEB]
    language = page_language(request, context.language)
    return context.badges.pathway_map(request.match_info["pathway_id"][:MAX_ID],
                                      language.code)


def drawn(request: web.Request, pathway: PathwayMap, held: frozenset[str] | None
           ) -> Layout:
    language = page_language(request, request.app[WEB].language)

    def group_title(title: str | None, need: int, total: int) -> str:
        title = title or language.say("pathway.badges")
        key = "pathway.group_all" if need == total else "pathway.group_some"
        return language.say(key, title=title, count=need, total=total)

    return layout(pathway, held, group_title, language.say("pathway.role"))


async def pathway_page(request: web.Request) -> web.Response:
    context = request.app[WEB]
    pathway = _map(request)
    kind = wants(request, "application/json")
    if pathway is None:
        if kind is not None:
            return json_response({"error": "no such pathway"}, status=404)
        return context.message(request, "error.no_pathway", "error.no_pathway_text", 404)
    held = await _held(request)
    if kind is not None:
        return json_response(_summary(request, pathway, held))
    return context.page(request, "pathway.html", pathway=pathway,
                        drawn=drawn(request, pathway, held), held=held,
                        token_unknown=held is None and "learner" in request.query)


async def pathway_svg(request: web.Request) -> web.Response:
    """The map alone, to show elsewhere (a wallet, a slide)."""
    pathway = _map(request)
    if pathway is None:
        return json_response({"error": "no such pathway"}, status=404)
    held = await _held(request)
    language = page_language(request, request.app[WEB].language)
    svg = request.app[WEB].render("pathway_map.svg", pathway=pathway,
                                  drawn=drawn(request, pathway, held), t=language.say,
                                  lang=language.code, standalone=True)
    return web.Response(text=svg, content_type=SVG,
                        headers={"Cache-Control": "no-cache"})


def _summary(request: web.Request, pathway: PathwayMap, held: frozenset[str] | None
             ) -> dict[str, object]:
    urls = request.app[WEB].badges.urls
    summary: dict[str, object] = {
        "id": pathway.id, "title": pathway.title, "description": pathway.description,
        "badge": {"name": pathway.badge_name, "description": pathway.badge_description,
                  "badgeClass": pathway.badge_class_url, "credit": pathway.credit,
                  "level": pathway.level},
        "groups": [{"title": g.title, "need": g.need,
                    "badges": [{"badgeClass": urls.badge_class(b.class_id), "name": b.name,
                                "from": b.source_id, "fromPathway": b.from_pathway,
                                **({"earned": b.class_id in held} if held is not None
                                   else {})}
                               for b in g.badges]} for g in pathway.groups],
        "leadsTo": None if pathway.role is None else {
            "name": pathway.role.name, "framework": pathway.role.framework,
            "url": pathway.role.url, "code": pathway.role.code},
        "links": {"page": urls.pathway(pathway.id),
                  "map": urls.pathway(pathway.id) + "/map.svg"},
    }
    if held is not None:
        summary["earned"] = pathway.class_id in held
    return summary
