"""An admin sees what the outbox gave up on, and sends it again: ``questbot outbox``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from questbot.app.cli import main
from questbot.app.config import load_settings
from questbot.domain import Text, UserRef
from questbot.ports import DeliveryStatus, Settle
from questbot.storage import open_store
from tests.paths import QUESTS


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(QUESTS))
    return tmp_path / "data"


async def _outbox_with(failed: str, uncertain: str, pending: str) -> list[int]:
    """Three deliveries on telegram: one given up on, one answered too late, one waiting."""
    store = open_store(load_settings(None).database)
    await store.open()
    try:
        await store.enqueue(UserRef("telegram", "1"), Text(failed))
        await store.keep_uncertain(UserRef("telegram", "2"), Text(uncertain), "read timeout")
        await store.enqueue(UserRef("telegram", "3"), Text(pending))
        now = datetime.now(UTC)
        claimed = await store.claim_deliveries("telegram", now, now + timedelta(minutes=1))
        first = next(c for c in claimed if c.delivery.recipient.user_id == "1")
        await store.settle([Settle(first.delivery.delivery_id, DeliveryStatus.FAILED,
                                   "Forbidden: bot was blocked by the user")])
        return [c.delivery.delivery_id for c in claimed]
    finally:
        await store.close()


async def _pending_texts() -> list[str]:
    store = open_store(load_settings(None).database)
    await store.open()
    try:
        return sorted(d.message.text for d in await store.pending_deliveries("telegram")
                      if isinstance(d.message, Text))
    finally:
        await store.close()


def test_admins_see_failed_and_uncertain_deliveries_and_send_them_again(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_outbox_with("your badge is ready", "welcome back", "still waiting"))
    assert main(["outbox"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2  # the pending one is not listed
    failed = next(line for line in lines if "\tfailed\t" in line)
    assert "telegram:1" in failed and "bot was blocked" in failed
    assert "your badge is ready" in failed and "attempts=1" in failed
    uncertain = next(line for line in lines if "\tuncertain\t" in line)
    assert "telegram:2" in uncertain and "read timeout" in uncertain

    failed_id = int(failed.split("\t")[0])
    assert main(["outbox", "--retry", str(failed_id)]) == 0
    assert "1 delivery(ies) will be sent again" in capsys.readouterr().out
    assert asyncio.run(_pending_texts()) == ["still waiting", "your badge is ready"]

    assert main(["outbox", "--retry", str(failed_id)]) == 1  # no longer failed
    assert "were not failed or uncertain" in capsys.readouterr().err
    assert main(["outbox", "--platform", "discord"]) == 0
    assert "no failed or uncertain deliveries" in capsys.readouterr().out
    assert main(["outbox", "--retry-all"]) == 0
    assert asyncio.run(_pending_texts()) == ["still waiting", "welcome back",
                                             "your badge is ready"]
    assert main(["outbox"]) == 0
    assert "no failed or uncertain deliveries" in capsys.readouterr().out


def test_retry_ids_and_retry_all_together_is_a_usage_error(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outbox", "--retry", "1", "--retry-all"]) == 2
    assert "not both" in capsys.readouterr().err
