"""The quest library: loads the quest folder, reloads it on change or on request, and keeps
the last good version of any file that breaks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from questbot.catalog import Catalog, LoadReport, load_catalog, quest_files

log = logging.getLogger(__name__)

Stamp = tuple[tuple[str, int, int], ...]


class QuestLibrary:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalog = Catalog()
        self._stamp: Stamp = ()
        self.report: LoadReport | None = None  # the last load's, for the dashboard
        self._listeners: list[Callable[[Catalog], None]] = []
        self._lock = asyncio.Lock()

    def subscribe(self, listener: Callable[[Catalog], None]) -> None:
        self._listeners.append(listener)

    def load(self) -> LoadReport:
        self._stamp = self._current_stamp()
        report = load_catalog(self.root, self.catalog)
        self._publish(report)
        return report

    async def reload(self) -> LoadReport:
        async with self._lock:
            stamp = self._current_stamp()
            report = await asyncio.to_thread(load_catalog, self.root, self.catalog)
            self._stamp = stamp
            self._publish(report)
            return report

    def changed(self) -> bool:
        return self._current_stamp() != self._stamp

    async def watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                if self.changed():
                    await self.reload()
            except Exception:  # a watcher that dies silently would be worse
                log.exception("reloading quests failed")

    def _publish(self, report: LoadReport) -> None:
        self.catalog = report.catalog
        self.report = report
        for problem in report.problems:
            log.warning("quest file problem: %s", problem)
        for path in report.kept_old:
            log.warning("kept the previous version of %s until its errors are fixed", path)
        for listener in self._listeners:
            listener(report.catalog)

    def _current_stamp(self) -> Stamp:
        stamps = []
        for path in quest_files(self.root) if self.root.exists() else []:
            try:
                stat = path.stat()
            except OSError:
                continue
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)
