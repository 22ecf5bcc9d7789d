"""Operators' metrics: off by default; on their own port, in Prometheus' text format, they
count the events a real questbot process handled, the badges it issued, the verdicts it gave
and what waits in the outbox, and they name no learner."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from questbot.app.config import load_settings
from questbot.app.metrics import Metrics
from questbot.app.runtime import SERVICES, build_app
from questbot.domain import Text, UserRef
from questbot.ports import Store
from tests.processes import Bot
from tests.server import free_port


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_a_running_questbot_counts_what_it_did_on_its_metrics_port(
        tmp_path: Path) -> None:
    port, metrics_port = free_port(), free_port()
    bot = await Bot.start(tmp_path / "data", port,
                          env={"QUESTBOT_METRICS_PORT": str(metrics_port)})
    try:
        await bot.ask("/as lee")
        await bot.ask("/join git-workshop")
        await bot.ask("/as tina")
        assert "Awarded" in await bot.ask("/grant console:lee git-workshop badge for the demo")
        await bot.ask("/progress")
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{bot.base}/verify", data=b"not a badge",
                                 headers={"Accept": "application/json"}) as answer:
                assert answer.status == 422  # not a badge: invalid
            async with http.get(f"http://127.0.0.1:{metrics_port}/metrics") as answer:
                assert answer.status == 200
                assert answer.headers["Content-Type"].startswith("text/plain")
                text = await answer.text()
            async with http.get(f"{bot.base}/metrics") as answer:
                assert answer.status == 404  # not on the public port
    finally:
        await bot.kill()
    samples = _samples(text)

    def ok(command: str) -> float:
        return samples[("questbot_events_total", (("command", command), ("outcome", "ok")))]

    assert ok("JoinQuest") == 1
    assert ok("Grant") == 1
    assert ok("ShowProgress") == 1
    assert samples[("questbot_event_seconds_count", ())] >= 3
    assert samples[("questbot_awards_total", ())] == 1
    assert sum(v for (name, labels), v in samples.items()
               if name == "questbot_verifications_total") == 1
    assert "lee" not in text and "tina" not in text
    assert not any(name.endswith("_created") for name, _ in samples)


def test_metrics_are_off_unless_a_port_is_set(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path))
    assert build_app(load_settings())[SERVICES].metrics is None
    monkeypatch.setenv("QUESTBOT_METRICS_PORT", "9464")
    assert build_app(load_settings())[SERVICES].metrics is not None


async def test_the_outbox_depth_is_read_from_the_store(store: Store) -> None:
    await store.enqueue(UserRef("telegram", "1"), Text("one"))
    await store.enqueue(UserRef("telegram", "2"), Text("two"))
    await store.keep_uncertain(UserRef("discord", "3"), Text("three"), "timed out")
    samples = _samples((await Metrics.create().render(store)).decode())
    assert samples[("questbot_outbox", (("platform", "telegram"), ("status", "pending")))] == 2
    assert samples[("questbot_outbox", (("platform", "discord"), ("status", "uncertain")))] == 1
