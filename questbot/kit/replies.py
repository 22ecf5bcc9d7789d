"""Send a reply now, or keep it in the outbox: the engine's decision is already durable, so
a reply the platform refused or could not take waits in the outbox instead of being lost,
and one that probably arrived (the answer came too late) is recorded and never resent."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from questbot.domain.ids import UserRef
from questbot.domain.messages import Outbound
from questbot.kit.outbox import Attempted, Sent
from questbot.ports import Outbox

log = logging.getLogger(__name__)

SendNow = Callable[[Outbound], Awaitable[Sent | Attempted]]


async def send_or_keep(outbox: Outbox, recipient: UserRef | None, message: Outbound,
                       send: SendNow, platform: str) -> Sent:
    """What became of ``message``: delivered, kept for later, or recorded as uncertain."""
    try:
        result = await send(message)
    except Exception:
        log.exception("%s reply could not be sent; kept in the outbox", platform)
        result = Attempted(Sent.REFUSED, "the reply failed")
    attempted = result if isinstance(result, Attempted) else Attempted(result)
    if recipient is None:  # nobody to deliver to later (an anonymous channel post)
        return attempted.sent
    match attempted.sent:
        case Sent.DELIVERED:
            pass
        case Sent.UNCERTAIN:
            await outbox.keep_uncertain(recipient, message, attempted.error or "uncertain")
        case Sent.REFUSED | Sent.UNREACHABLE | Sent.FAILED:  # the pump settles a FAILED one
            log.warning("%s reply not sent (%s); kept in the outbox", platform,
                        attempted.error or attempted.sent.value)
            await outbox.enqueue(recipient, attempted.rest or message)
    return attempted.sent
