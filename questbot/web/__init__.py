"""aiohttp routes of the badge server."""

from questbot.web.app import add_badge_routes, client_max_size
from questbot.web.context import WEB

__all__ = ["WEB", "add_badge_routes", "client_max_size"]
