"""Find chat adapters through the ``questbot.adapters`` entry-point group."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from typing import cast

from questbot.domain.errors import ConfigError
from questbot.ports import AdapterFactory

log = logging.getLogger(__name__)
GROUP = "questbot.adapters"


def discover_adapters() -> dict[str, AdapterFactory]:
    found: dict[str, AdapterFactory] = {}
    for entry in entry_points(group=GROUP):
        try:
            factory = cast(AdapterFactory, entry.load())
        except ImportError as exc:
            # An adapter whose SDK (an optional extra) is not installed is simply absent.
            log.info("adapter %s not available: %s", entry.name, exc)
            continue
        except Exception as exc:
            raise ConfigError(f"adapter {entry.name} failed to load: {exc}") from exc
        found[entry.name] = factory
    return found
