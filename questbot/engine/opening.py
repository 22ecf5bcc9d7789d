"""A quest's opening and closing dates: outside them no one joins it and no step of it counts
(a tutor's grant still does: that is their decision, with its reason)."""

from __future__ import annotations

from questbot.catalog import Quest
from questbot.domain.errors import Rejected
from questbot.engine.work import Work
from questbot.i18n import format_moment


def is_open(work: Work, quest: Quest) -> bool:
    opens, closes = quest.spec.opens, quest.spec.closes
    return (opens is None or work.now >= opens) and (closes is None or work.now <= closes)


def refusal(work: Work, quest: Quest) -> Rejected | None:
    """Why ``quest`` takes nothing now (not open yet, or closed), or None while it is open."""
    opens, closes = quest.spec.opens, quest.spec.closes
    title = work.text(quest.title)
    if opens is not None and work.now < opens:
        return Rejected("quest.not_open", quest=title, opens=format_moment(opens, work.language))
    if closes is not None and work.now > closes:
        return Rejected("quest.closed", quest=title, closes=format_moment(closes, work.language))
    return None


def require_open(work: Work, quest: Quest) -> None:
    """Refuse, saying when, a quest not open yet or closed."""
    refused = refusal(work, quest)
    if refused is not None:
        raise refused
