"""The Telegram adapter (python-telegram-bot). The package imports without the SDK: the
entry point names ``plugin.PLUGIN``, which imports ``adapter`` only when it is created."""
