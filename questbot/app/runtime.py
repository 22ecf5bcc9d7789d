"""The composition root: the only place that knows every concrete class. It wires the
store, the quest library, the engine, the badge server and the enabled adapters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TextIO

from aiohttp import web

from questbot.app.adapters import create_adapter, discover_plugins
from questbot.app.badge_wiring import badge_services
from questbot.app.config import Settings
from questbot.app.dashboard_wiring import dashboard_setup
from questbot.app.library import QuestLibrary
from questbot.app.tuning import tune_garbage_collector
from questbot.badges.service import BadgeService, RetryPolicy
from questbot.badges.verify import Verifier
from questbot.domain.errors import ConfigError
from questbot.engine import QuestEngine
from questbot.engine.clock import SystemClock
from questbot.ports import AdapterContext, ChatAdapter, Clock, Store
from questbot.storage import open_store
from questbot.web import add_badge_routes, client_max_size
from questbot.web.webhooks import Webhooks

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    store: Store
    library: QuestLibrary
    badges: BadgeService
    clock: Clock
    webhooks: Webhooks
    engine: QuestEngine | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)


SERVICES = web.AppKey("services", Services)


def build_app(settings: Settings, clock: Clock | None = None) -> web.Application:
    clock = clock or SystemClock()
    store = open_store(settings.database)
    library = QuestLibrary(settings.quests_dir)
    badges, verifier = badge_services(settings, store, library)
    app = web.Application(client_max_size=client_max_size())
    webhooks = Webhooks()
    services = Services(settings, store, library, badges, clock, webhooks)
    app[SERVICES] = services
    add_badge_routes(app, badges, verifier, clock, webhooks, evidence_files=store,
                     language=settings.language.split("-", 1)[0].lower(),
                     dashboard=dashboard_setup(settings, store, library, clock,
                                               lambda: services.engine))
    app.cleanup_ctx.append(_store_ctx)
    app.cleanup_ctx.append(_engine_ctx)
    app.cleanup_ctx.append(_verifier_ctx(verifier))
    return app


def _verifier_ctx(verifier: Verifier) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(_: web.Application) -> AsyncIterator[None]:
        await verifier.start()
        yield
        await verifier.close()
    return context


EVENT_MEMORY = timedelta(days=7)  # far longer than any platform redelivers an event
DELIVERED_MEMORY = timedelta(days=7)  # delivered messages, for whoever looks into one


async def _store_ctx(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    await services.store.open()
    pruner = asyncio.create_task(_prune_daily(services.store), name="prune-events")
    yield
    pruner.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await pruner
    await services.store.close()


async def _prune_daily(store: Store) -> None:
    while True:
        try:
            events = await store.prune_processed_events(EVENT_MEMORY)
            delivered = await store.prune_delivered(DELIVERED_MEMORY)
            log.info("pruned %d old event ids and %d delivered messages", events, delivered)
        except Exception:
            log.exception("pruning old event ids and delivered messages failed")
        await asyncio.sleep(24 * 3600)


# Badges of awards recorded without one (after a crash, or a build that failed) are built at
# start and looked for again every half minute, backing off while builds keep failing.
BADGE_RETRY = RetryPolicy(interval=30.0, first_backoff=5.0, longest=600.0)


async def _engine_ctx(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    settings = services.settings
    library = services.library
    library.load()
    engine = QuestEngine(services.store, library.catalog, settings.engine_settings(),
                         clock=services.clock, issuer=services.badges,
                         reloader=library.reload)
    library.subscribe(engine.replace_catalog)
    services.engine = engine
    tasks: list[asyncio.Task[Any]] = [
        asyncio.create_task(services.badges.keep_issuing(BADGE_RETRY), name="issue-missing")]
    if settings.reload_interval > 0:
        tasks.append(asyncio.create_task(library.watch(settings.reload_interval),
                                         name="quest-watch"))
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def serve(settings: Settings, *, interactive: bool, out: TextIO | None = None) -> None:
    """Run until the terminal chat ends (``run``) or a signal arrives."""
    out = out or sys.stdout
    app = build_app(settings)
    services = app[SERVICES]
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError as exc:
            raise ConfigError(f"QUESTBOT_HOST/QUESTBOT_PORT: cannot listen on {settings.host}:"
                              f"{settings.port}: {exc.strerror or exc}") from None
        out.write(f"questbot: badge server on {settings.public_base_url}"
                  f" ({len(services.library.catalog)} quests from {settings.quests_dir})\n")
        out.flush()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, services.stop.set)
        async with contextlib.AsyncExitStack() as adapters:
            for adapter in _create_adapters(services, interactive):
                await adapter.start()
                adapters.push_async_callback(adapter.stop)
            tune_garbage_collector()
            await services.stop.wait()
    finally:
        await runner.cleanup()


def _create_adapters(services: Services, interactive: bool) -> list[ChatAdapter]:
    assert services.engine is not None
    settings = services.settings
    adapters = []
    for name, plugin in sorted(discover_plugins().items()):
        own = settings.adapters.get(name) or plugin.settings_model()
        if not plugin.wanted(own, interactive):
            continue
        context = AdapterContext(services.engine, services.store, own,
                                 settings.common_settings(), services.clock,
                                 services.stop.set, services.badges.png_path,
                                 services.webhooks)
        adapters.append(create_adapter(plugin, context))
        log.info("adapter %s enabled", name)
    return adapters
