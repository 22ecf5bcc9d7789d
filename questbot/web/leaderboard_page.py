"""A community's public leaderboard: this season's and the all-time standings, in the
reader's language, naming only learners who opted in."""

from __future__ import annotations

from aiohttp import web

from questbot.domain.seasons import season_days
from questbot.i18n import format_period
from questbot.ports import CommunityBoardSource
from questbot.web.context import WEB
from questbot.web.language import page_language

BOARDS = web.AppKey("community_boards", CommunityBoardSource)
MAX_COMMUNITY_ID = 63


async def leaderboard_page(request: web.Request) -> web.Response:
    context = request.app[WEB]
    source = request.app.get(BOARDS)
    community_id = request.match_info["community_id"][:MAX_COMMUNITY_ID + 1]
    found = None
    if source is not None and len(community_id) <= MAX_COMMUNITY_ID:
        found = await source.community_boards(community_id)
    if found is None:
        return context.message(request, "web.no_community", "web.no_community_text", 404)
    language = page_language(request, context.language)
    boards = []
    if found.season is not None:
        days = season_days(found.season.period)
        season = format_period(*days, language.code) if days else found.season.period
        boards.append((language.say("web.leaderboard_season", season=season), found.season))
    boards.append((language.say("web.leaderboard_all"), found.all_time))
    return context.page(request, "leaderboard.html",
                        heading=language.say("web.leaderboard_title", community=found.name),
                        boards=boards)
