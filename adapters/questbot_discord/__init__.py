"""The Discord adapter (discord.py). The package imports without the SDK: the entry point
names ``plugin.PLUGIN``, which imports ``adapter`` only when it is created."""
