"""The terminal chat's settings: the ``[console]`` section, or ``QUESTBOT_CONSOLE_*``."""

from __future__ import annotations

from pydantic import Field

from questbot.kit import AdapterSettings


class ConsoleSettings(AdapterSettings):
    user: str = Field("learner", pattern=r"^[A-Za-z0-9_.-]{1,64}$",
                      description="who you are in the terminal chat")
