"""The terminal chat adapter."""

from questbot_console.adapter import ConsoleAdapter

__all__ = ["ConsoleAdapter"]
