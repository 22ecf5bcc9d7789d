"""How questbot finds the terminal chat: it runs with ``questbot run``, never with serve."""

from __future__ import annotations

from questbot.ports import AdapterContext, ChatAdapter
from questbot_console.settings import ConsoleSettings


class ConsolePlugin:
    name = "console"
    extra = None
    sdk = None
    settings_model = ConsoleSettings

    def wanted(self, settings: ConsoleSettings, interactive: bool) -> bool:
        return interactive

    def create(self, context: AdapterContext) -> ChatAdapter:
        from questbot_console.adapter import ConsoleAdapter  # noqa: PLC0415 (the SDK only when wanted)
        return ConsoleAdapter.create(context)


PLUGIN = ConsolePlugin()
