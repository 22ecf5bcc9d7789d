"""Outbound webhooks: signed deliveries of what happened (badges awarded and revoked,
quests completed, learners joined) to the endpoints admins registered, from the queue the
store writes in each change's own transaction."""

from questbot.webhooks.guard import AddressRefused, GuardedResolver, endpoint_problem
from questbot.webhooks.payload import BadgeLinks
from questbot.webhooks.pump import Notify, WebhookPolicy, WebhookPump

__all__ = ["AddressRefused", "BadgeLinks", "GuardedResolver", "Notify", "WebhookPolicy",
           "WebhookPump", "endpoint_problem"]
