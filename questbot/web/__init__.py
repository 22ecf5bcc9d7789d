"""aiohttp routes of the badge server."""

from questbot.web.app import AWARDS, add_badge_routes

__all__ = ["AWARDS", "add_badge_routes"]
