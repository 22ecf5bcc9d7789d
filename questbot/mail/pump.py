"""The outbox pump for email: the kit's ``OutboxPump`` on platform ``email``, whose rows are
written by the engine (``QueueEmail``) in the transaction of what they tell."""

from __future__ import annotations

from collections.abc import Iterable

from questbot.domain.ids import EMAIL_PLATFORM, UserRef
from questbot.domain.messages import BadgeAwarded, Delivery
from questbot.kit import DEFAULT_MAX_ATTEMPTS, Attempted, OutboxPump, Sent, badge_png
from questbot.kit.notices import tell_admins
from questbot.mail.compose import Composer
from questbot.mail.sender import SmtpSender
from questbot.ports import BadgeFiles, Clock, DeliveryStatus, Outbox, Settle

INTERVAL = 5.0  # seconds between rounds; a server that is down is tried again as often
CONCURRENCY = 4  # connections at once: mail servers dislike crowds from one sender


def email_pump(outbox: Outbox, sender: SmtpSender, composer: Composer,
               badge_files: BadgeFiles | None, clock: Clock,
               max_attempts: int = DEFAULT_MAX_ATTEMPTS, admins: Iterable[UserRef] = (),
               language: str = "en", lease: float = 120.0) -> OutboxPump:
    # never to an admin's own address: a notice that failed would tell of itself again
    told = tuple(a for a in admins if a.platform != EMAIL_PLATFORM)

    async def send(delivery: Delivery) -> Attempted:
        png = None
        if isinstance(delivery.message, BadgeAwarded):
            png = await badge_png(delivery.message, badge_files)
            if png is None:  # built after the award commits; a badge email carries it
                return Attempted(Sent.REFUSED, "the badge's PNG is not ready yet")
        try:
            email = composer.compose(delivery, png, clock.now())
        except (ValueError, IndexError) as exc:  # the email package on an odd address
            return Attempted(Sent.FAILED, f"cannot write the email: {exc}")
        return await sender.send(email, delivery.recipient.user_id)

    async def given_up(delivery: Delivery, outcome: Settle) -> None:
        key = "email.failed_admin" if outcome.status is DeliveryStatus.FAILED \
            else "email.uncertain_admin"
        await tell_admins(outbox, told, language, key, address=delivery.recipient.user_id,
                          error=outcome.error or "-", id=delivery.delivery_id)

    return OutboxPump(outbox, EMAIL_PLATFORM, send, clock=clock, interval=INTERVAL,
                      max_attempts=max_attempts, concurrency=CONCURRENCY, lease=lease,
                      given_up=given_up)
