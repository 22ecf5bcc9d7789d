"""The terminal chat adapter's own sentences, in ``console.KEY`` form beside the
core's catalogue; their texts are the gettext catalogues
``locale/LANG/LC_MESSAGES/questbot_console.po``."""

from __future__ import annotations

from questbot.i18n import own_sentences

NAMESPACE = "console"

say = own_sentences(NAMESPACE, "questbot_console")
