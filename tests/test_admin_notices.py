"""Notices for admins reach every admin account the settings name, learner or not, through
the outbox: from a decision (in its transaction) or from outside one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from questbot.domain import Text, UserRef
from questbot.domain.changes import NotifyAccount
from questbot.i18n import translate
from questbot.kit.notices import tell_admins
from questbot.ports import Store
from questbot.storage.sql.changes import apply_changes
from questbot.storage.sql.store import SqlStore

pytestmark = pytest.mark.stores("sqlite", "postgres")

ADMINS = frozenset({UserRef("telegram", "1"), UserRef("discord", "2")})


async def _texts(store: Store, platform: str) -> list[str]:
    pending = await store.pending_deliveries(platform)
    return [d.message.text for d in pending if isinstance(d.message, Text)]


async def test_a_notice_from_outside_an_event_waits_for_each_admin(store: Store) -> None:
    told = await tell_admins(store, ADMINS, "fr", "private.hint")
    assert told == 2
    expected = translate("private.hint", "fr")
    assert await _texts(store, "telegram") == [expected]
    assert await _texts(store, "discord") == [expected]


async def test_a_notice_in_a_decision_is_written_with_it(store: Store) -> None:
    assert isinstance(store, SqlStore)
    when = datetime(2026, 12, 3, tzinfo=UTC)
    await store.write(apply_changes([NotifyAccount(UserRef("telegram", "1"), Text("hi"), when)]))
    assert await _texts(store, "telegram") == ["hi"]
