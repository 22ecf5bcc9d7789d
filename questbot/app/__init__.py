"""The composition root: configuration, adapter discovery, wiring and the command line."""

from questbot.app.config import Settings, load_settings
from questbot.app.runtime import build_app, serve

__all__ = ["Settings", "build_app", "load_settings", "serve"]
