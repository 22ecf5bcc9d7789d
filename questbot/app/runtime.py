"""The composition root: the only place that knows every concrete class. It wires the
store, the quest library, the engine, the badge server and the enabled adapters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from multiprocessing.process import BaseProcess
from typing import Any, TextIO

from aiohttp import web

from questbot.app.adapters import create_adapter, discover_plugins
from questbot.app.badge_wiring import badge_services
from questbot.app.boards import CatalogBoards
from questbot.app.config import Settings
from questbot.app.dashboard_wiring import LiveEngine, dashboard_setup
from questbot.app.library import QuestLibrary
from questbot.app.metrics import Metrics, counting, metrics_app
from questbot.app.seasons import keep_closing_seasons
from questbot.app.tuning import tune_garbage_collector
from questbot.app.webhook_wiring import webhook_pump
from questbot.badges.service import BadgeService, RetryPolicy
from questbot.badges.verify import Verifier
from questbot.domain.errors import ConfigError
from questbot.engine import QuestEngine
from questbot.engine.clock import SystemClock
from questbot.kit import OutboxPump
from questbot.mail import Composer, SmtpSender, email_pump
from questbot.ports import AdapterContext, ChatAdapter, Clock, Store
from questbot.storage import open_store
from questbot.web import add_badge_routes, client_max_size
from questbot.web.wallet_page import WalletSetup
from questbot.web.webhooks import Webhooks
from questbot.webhooks import WebhookPump

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    store: Store
    library: QuestLibrary
    badges: BadgeService
    clock: Clock
    webhooks: Webhooks
    metrics: Metrics | None = None
    engine: QuestEngine | None = None
    webhook_pump: WebhookPump | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)


SERVICES = web.AppKey("services", Services)


def build_app(settings: Settings, clock: Clock | None = None, *,
              web_only: bool = False) -> web.Application:
    """The whole service, or (``web_only``) only the badge server: the extra workers of
    ``web_workers`` serve pages and documents while the first process runs the engine."""
    clock = clock or SystemClock()
    store = open_store(settings.database, auto_migrate=settings.auto_migrate)
    library = QuestLibrary(settings.quests_dir)
    badges, verifier = badge_services(settings, store, library)
    metrics = Metrics.create() if settings.metrics_port else None
    if metrics is not None:
        verifier = counting(verifier, metrics)
    app = web.Application(client_max_size=client_max_size())
    webhooks = Webhooks()
    services = Services(settings, store, library, badges, clock, webhooks, metrics)
    app[SERVICES] = services
    add_badge_routes(app, badges, verifier, clock, None if web_only else webhooks,
                     evidence_files=store, language=settings.language.split("-", 1)[0].lower(),
                     cache_bytes=settings.web_cache_mb * 1024 * 1024,
                     boards=CatalogBoards(store, lambda: library.catalog, clock),
                     dashboard=dashboard_setup(settings, store, library, clock,
                                               lambda: services.engine),
                     wallet=WalletSetup(store, LiveEngine(lambda: services.engine), badges))
    app.cleanup_ctx.append(_open_store_ctx if web_only else _store_ctx)
    if not web_only:
        app.cleanup_ctx.append(_engine_ctx)
    app.cleanup_ctx.append(_verifier_ctx(verifier))
    if settings.does("worker") and not web_only:  # background work: one role's
        app.cleanup_ctx.append(_webhooks_ctx)
    return app


WEBHOOK_INTERVAL = 1.0  # seconds between looks for due webhooks


async def _webhooks_ctx(app: web.Application) -> AsyncIterator[None]:
    """Deliver the outbound webhooks while the app runs."""
    services = app[SERVICES]
    pump = webhook_pump(services.settings, services.store, services.badges, services.clock,
                        WEBHOOK_INTERVAL)
    services.webhook_pump = pump
    task = asyncio.create_task(pump.run(), name="webhooks")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await pump.close()


def _verifier_ctx(verifier: Verifier) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(_: web.Application) -> AsyncIterator[None]:
        await verifier.start()
        yield
        await verifier.close()
    return context


EVENT_MEMORY = timedelta(days=7)  # far longer than any platform redelivers an event
DELIVERED_MEMORY = timedelta(days=7)  # delivered messages, for whoever looks into one
WEBHOOK_MEMORY = timedelta(days=30)  # delivered webhooks and the attempts' log


async def _store_ctx(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    await services.store.open()
    pruners = [asyncio.create_task(_prune_daily(services.store), name="prune-events")
               ] if services.settings.does("worker") else []
    yield
    for pruner in pruners:
        pruner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pruner
    await services.store.close()


async def _open_store_ctx(app: web.Application) -> AsyncIterator[None]:
    store = app[SERVICES].store
    await store.open()
    yield
    await store.close()


async def _prune_daily(store: Store) -> None:
    while True:
        try:
            events = await store.prune_processed_events(EVENT_MEMORY)
            delivered = await store.prune_delivered(DELIVERED_MEMORY)
            webhooks = await store.prune_webhooks(WEBHOOK_MEMORY)
            log.info("pruned %d old event ids, %d delivered messages and %d webhook records",
                     events, delivered, webhooks)
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
                         reloader=library.reload,
                         observer=services.metrics.observe_event if services.metrics else None)
    library.subscribe(engine.replace_catalog)
    services.engine = engine
    language = settings.language.split("-", 1)[0].lower()
    tasks: list[asyncio.Task[Any]] = []
    if settings.does("worker"):
        tasks.append(asyncio.create_task(services.badges.keep_issuing(BADGE_RETRY),
                                         name="issue-missing"))
        tasks.append(asyncio.create_task(
            keep_closing_seasons(services.store, lambda: library.catalog, services.clock,
                                 language), name="close-seasons"))
        tasks.append(asyncio.create_task(_nudge_regularly(engine, services.store),
                                         name="nudges"))
    if settings.reload_interval > 0:
        tasks.append(asyncio.create_task(library.watch(settings.reload_interval),
                                         name="quest-watch"))
    mail = email_pump_of(services) if settings.does("worker") else None
    if mail is not None:
        tasks.append(asyncio.create_task(mail.run(), name="email-outbox"))
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


NUDGE_INTERVAL = 60.0  # seconds between looks for due reminders and streak notes
NUDGE_BATCH = 50
NUDGE_ROUNDS = 100  # batches per look at most: a stuck row cannot keep the loop spinning


async def _nudge_regularly(engine: QuestEngine, store: Store) -> None:
    """Reminders and streak notes, off the event path: small batches, each nudge its own
    short transaction, until none is due; then wait."""
    while True:
        try:
            for _ in range(NUDGE_ROUNDS):  # each batch awaits the store: events go between
                if await engine.send_nudges(store, NUDGE_BATCH) < NUDGE_BATCH:
                    break
        except Exception:
            log.exception("sending reminders and streak notes failed")
        await asyncio.sleep(NUDGE_INTERVAL)
def email_pump_of(services: Services) -> OutboxPump | None:
    """The pump that sends the email outbox, when an SMTP server is configured."""
    settings = services.settings
    smtp = settings.smtp()
    if smtp is None:
        return None
    composer = Composer(settings.issuer_name, settings.public_base_url, smtp.sender,
                        settings.language.split("-", 1)[0].lower(), settings.issuer_colour)
    log.info("email enabled: %s", smtp)
    common = settings.common_settings()
    return email_pump(services.store, SmtpSender(smtp), composer, services.badges.png_path,
                      services.clock, settings.outbox_max_attempts, common.admins,
                      composer.language(settings.language), settings.outbox_lease)


async def serve(settings: Settings, *, interactive: bool, out: TextIO | None = None) -> None:
    """Run until the terminal chat ends (``run``) or a signal arrives."""
    out = out or sys.stdout
    app = build_app(settings)
    services = app[SERVICES]
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    workers: list[BaseProcess] = []
    extra: list[web.AppRunner] = []  # the metrics port's
    try:
        if settings.does("web"):
            await _listen(runner, settings)
            workers = [_start_web_worker(settings) for _ in range(settings.web_workers - 1)]
        if services.metrics is not None:
            extra.append(await _serve_metrics(services.metrics, services.store, settings))
        where = (f"badge server on {settings.public_base_url}" if settings.does("web")
                 else f"no web server (QUESTBOT_ROLES={','.join(settings.roles)})")
        out.write(f"questbot: {where}"
                  f" ({len(services.library.catalog)} quests from {settings.quests_dir}"
                  f"{_processes(settings)})\n")
        out.flush()
        _stop_on_signals(services.stop)
        async with contextlib.AsyncExitStack() as adapters:
            for adapter in _create_adapters(services, interactive):
                await adapter.start()
                adapters.push_async_callback(adapter.stop)
            tune_garbage_collector()
            await services.stop.wait()
    finally:
        for other in extra:
            await other.cleanup()
        for worker in workers:
            worker.terminate()
        await runner.cleanup()
        for worker in workers:
            await asyncio.to_thread(worker.join, 10)


def _processes(settings: Settings) -> str:
    count = settings.web_workers
    return f", {count} processes sharing the port" if count > 1 else ""


async def _listen(runner: web.AppRunner, settings: Settings) -> None:
    # With several workers each process listens on the same port; the kernel spreads the
    # connections between them.
    site = web.TCPSite(runner, settings.host, settings.port,
                       reuse_port=settings.web_workers > 1 or None)
    try:
        await site.start()
    except OSError as exc:
        raise ConfigError(f"QUESTBOT_HOST/QUESTBOT_PORT: cannot listen on {settings.host}:"
                          f"{settings.port}: {exc.strerror or exc}") from None


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)


def _start_web_worker(settings: Settings) -> BaseProcess:
    # spawn: a fresh interpreter, not a fork of one with threads and an event loop; not a
    # daemon, since its verifier starts a worker process of its own
    worker = multiprocessing.get_context("spawn").Process(
        target=web_worker, args=(settings, os.getpid()), name="questbot-web")
    worker.start()
    return worker


def web_worker(settings: Settings, parent: int) -> None:
    """An extra badge server process: pages and documents only, until it is told to stop
    or the first process is gone."""
    asyncio.run(_serve_web_only(settings, parent))


async def _serve_web_only(settings: Settings, parent: int) -> None:
    runner = web.AppRunner(build_app(settings, web_only=True), handle_signals=False,
                           access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    try:
        await _listen(runner, settings)
        _stop_on_signals(stop)
        tune_garbage_collector()
        while os.getppid() == parent and not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
    finally:
        await runner.cleanup()


async def _serve_metrics(metrics: Metrics, store: Store, settings: Settings
                         ) -> web.AppRunner:
    """On its own port, so it need not be public."""
    runner = web.AppRunner(metrics_app(metrics, store), handle_signals=False, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.metrics_host, settings.metrics_port).start()
        return runner
    except OSError as exc:
        await runner.cleanup()
        raise ConfigError(f"QUESTBOT_METRICS_HOST/QUESTBOT_METRICS_PORT: cannot listen on "
                          f"{settings.metrics_host}:{settings.metrics_port}: "
                          f"{exc.strerror or exc}") from None


def _create_adapters(services: Services, interactive: bool) -> list[ChatAdapter]:
    assert services.engine is not None
    settings = services.settings
    adapters = []
    for name, plugin in sorted(discover_plugins().items()):
        own = settings.adapters.get(name) or plugin.settings_model()
        if not settings.does(name) or not plugin.wanted(own, interactive):
            continue
        context = AdapterContext(services.engine, services.store, own,
                                 settings.common_settings(), services.clock,
                                 services.stop.set, services.badges.png_path,
                                 services.webhooks if settings.does("web") else None)
        adapters.append(create_adapter(plugin, context))
        log.info("adapter %s enabled", name)
    return adapters
