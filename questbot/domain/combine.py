"""What one event says in a group, in as few messages as it can: a step done, the XP it
earned and the badge it brought are one message there, not three."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from questbot.domain.messages import BadgeAwarded, Outbound, Question, Text


def one_message(replies: Sequence[Outbound]) -> tuple[Outbound, ...]:
    """The texts become one, told with the first badge (as its ``note``) when the event
    brought one; further badges stay their own messages. A quiz question keeps the replies
    as they are (its buttons and the texts around it have an order that matters)."""
    texts = [r for r in replies if isinstance(r, Text)]
    badges = [r for r in replies if isinstance(r, BadgeAwarded)]
    if any(isinstance(r, Question) for r in replies) or len(texts) + min(len(badges), 1) < 2:
        return tuple(replies)
    joined = "\n".join(t.text for t in texts)
    language = next((t.language for t in texts if t.language), "")
    first_badge = badges[0] if badges else None
    combined: list[Outbound] = []
    for reply in replies:
        if isinstance(reply, Text):
            if first_badge is None and reply is texts[0]:
                combined.append(Text(joined, language))
        elif reply is first_badge:
            note = "\n".join(filter(None, (reply.note, joined)))
            combined.append(replace(reply, note=note))
        else:
            combined.append(reply)
    return tuple(combined)
