"""The engine's one pure function: an event and the state it reads, to a decision."""

from __future__ import annotations

from questbot.domain.changes import Decision
from questbot.domain.errors import Rejected
from questbot.domain.messages import Event, Text
from questbot.domain.progress import Snapshot
from questbot.engine.handlers import Handling, handling
from questbot.engine.participation import remember_post
from questbot.engine.work import Context, Work
from questbot.engine.xp import note_place
from questbot.i18n import translate


def decide(snapshot: Snapshot, event: Event, ctx: Context, how: Handling | None = None
           ) -> Decision:
    """Apply one event. A refusal changes nothing and answers why. ``how``: the event's
    ``handling``, where the caller has it already (it read the event's request from it)."""
    work = Work(ctx, event, snapshot)
    post = remember_post(work)  # whatever the message asked, its author is remembered
    try:
        (how or handling(event)).run(work)
    except Rejected as refusal:
        return Decision((Text(translate(refusal.key, event.language, **refusal.params)),),
                        (post,) if post else ())
    if post is not None:
        work.changes.append(post)
    note_place(work)
    return work.decision()
