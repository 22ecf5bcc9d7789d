"""The Discord adapter's own sentences, in ``discord.KEY`` form beside the
core's catalogue; their texts are the gettext catalogues
``locale/LANG/LC_MESSAGES/questbot_discord.po``."""

from __future__ import annotations

from questbot.i18n import own_sentences

NAMESPACE = "discord"

say = own_sentences(NAMESPACE, "questbot_discord")
