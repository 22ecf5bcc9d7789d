"""Find chat adapters through the ``questbot.adapters`` entry-point group, and create the ones
wanted. A plugin imports without its platform's SDK; when the SDK is missing but the
adapter's settings ask for it, start-up stops with the extra to install."""

from __future__ import annotations

import importlib.util
import logging
from importlib.metadata import entry_points

from questbot.domain.errors import ConfigError
from questbot.ports import AdapterContext, AdapterPlugin, ChatAdapter

log = logging.getLogger(__name__)
GROUP = "questbot.adapters"


def discover_plugins() -> dict[str, AdapterPlugin]:
    found: dict[str, AdapterPlugin] = {}
    for entry in entry_points(group=GROUP):
        try:
            plugin: AdapterPlugin = entry.load()
        except Exception as exc:
            raise ConfigError(f"adapter {entry.name} failed to load: {exc}") from exc
        if getattr(plugin, "name", None) != entry.name:
            raise ConfigError(f"adapter {entry.name}: its plugin names itself"
                              f" {getattr(plugin, 'name', None)!r}")
        found[entry.name] = plugin
    return found


def create_adapter(plugin: AdapterPlugin, context: AdapterContext) -> ChatAdapter:
    if plugin.sdk is not None and importlib.util.find_spec(plugin.sdk) is None:
        raise ConfigError(missing_sdk(plugin))
    try:
        return plugin.create(context)
    except ModuleNotFoundError as exc:
        raise ConfigError(missing_sdk(plugin, exc.name)) from None
    except (ValueError, ConfigError) as exc:
        raise ConfigError(f"adapter {plugin.name}: {exc}") from exc


def missing_sdk(plugin: AdapterPlugin, module: str | None = None) -> str:
    extra = f"pip install 'questbot[{plugin.extra}]'" if plugin.extra else \
        "reinstall questbot"
    return (f"the {plugin.name} adapter is configured ([{plugin.name}] settings or"
            f" QUESTBOT_{plugin.name.upper()}_* variables) but its library"
            f" {module or plugin.sdk} is not installed: {extra}")
