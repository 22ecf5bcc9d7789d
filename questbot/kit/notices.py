"""Telling the admins something that happened outside a chat event (a platform refused a
role, an endpoint was disabled): through the outbox, so it reaches them when it can."""

from __future__ import annotations

from collections.abc import Iterable

from questbot.domain.ids import UserRef
from questbot.domain.messages import Text
from questbot.i18n import translate
from questbot.ports import Outbox


async def tell_admins(outbox: Outbox, admins: Iterable[UserRef], language: str, key: str,
                      **params: object) -> int:
    """One message per admin account, in ``language`` (the community's); returns how many."""
    text = Text(translate(key, language, **params), language)
    told = 0
    for admin in sorted(admins, key=str):
        await outbox.enqueue(admin, text)
        told += 1
    return told
