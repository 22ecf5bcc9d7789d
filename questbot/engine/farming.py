"""Messages that do not count towards participation steps, by the community's message rules:
very short ones, repeats of the learner's recent counted messages, near-identical ones. The
learner's last few counted messages are remembered as a fingerprint and a small sketch (never
their text), so comparing costs the same whatever was written. Edited messages never reach
the engine (the adapters pass on new messages only), so an edit cannot count again."""

from __future__ import annotations

from questbot.catalog.message_rules import MessageRules
from questbot.domain.likeness import likeness, meaningful_chars, similarity
from questbot.domain.progress import LearnerState, RecentMessage
from questbot.domain.streaks import period_start
from questbot.engine.home import community_of
from questbot.engine.work import Work

REASONS = ("short", "repeat", "similar")


def why_ignored(rules: MessageRules, learner: LearnerState, text: str,
                ) -> tuple[str | None, RecentMessage]:
    """The reason the message does not count (None: it counts), and how it is remembered."""
    seen = likeness(text)
    remembered = RecentMessage(seen.fingerprint, seen.sketch)
    if meaningful_chars(text) < rules.min_chars:
        return "short", remembered
    recent = learner.play.recent
    if rules.ignore_repeats and any(m.fingerprint == seen.fingerprint for m in recent):
        return "repeat", remembered
    if rules.similar is not None and any(similarity(m.sketch, seen.sketch) >= rules.similar
                                         for m in recent):
        return "similar", remembered
    return None, remembered


def message_counts(work: Work, learner: LearnerState, text: str) -> bool:
    """Judge one public message that would count towards a step; remember it, or count why
    it was ignored (for /counters, per day in the community's time zone)."""
    community = community_of(work, learner)
    rules = community.spec.messages
    if rules is None:
        return True
    reason, remembered = why_ignored(rules, learner, text)
    play = learner.play
    if reason is None:
        play.recent = [*play.recent, remembered][-rules.remember:]
    else:
        today = period_start(work.now, community.zone, "day").isoformat()
        if play.ignored_day != today:
            play.ignored_day, play.ignored = today, {}
        play.ignored[reason] = play.ignored.get(reason, 0) + 1
    work.touch_play(learner)
    return reason is None
