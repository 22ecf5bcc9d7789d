"""The adapters' kit: what every chat adapter needs and none should write again. Adapters
import only ``questbot.domain``, ``questbot.ports`` and this kit.

- ``outbox``: the pump that delivers a platform's outbox (``OutboxPump``, ``Sent``,
  ``Attempted``);
- ``replies``: send a reply now or keep it in the outbox (``send_or_keep``);
- ``badge_files``: a badge's baked PNG to attach (``badge_png``, ``badge_path``);
- ``tasks``: background tasks stopped with the adapter (``BackgroundTasks``);
- ``settings``: the base of an adapter's settings section (``AdapterSettings``, ``problem``)."""

from questbot.kit.badge_files import badge_path, badge_png
from questbot.kit.outbox import DEFAULT_MAX_ATTEMPTS, Attempted, OutboxPump, Send, Sent
from questbot.kit.replies import send_or_keep
from questbot.kit.settings import AdapterSettings, problem
from questbot.kit.tasks import BackgroundTasks

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "AdapterSettings",
    "Attempted",
    "BackgroundTasks",
    "OutboxPump",
    "Send",
    "Sent",
    "badge_path",
    "badge_png",
    "problem",
    "send_or_keep",
]
