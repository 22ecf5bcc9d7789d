"""The Discord adapter (discord.py)."""

from questbot_discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
