"""XP: which community a gain counts for, the daily cap on participation XP, levels and the
level-up message. Every gain is one ``GainXp`` (a ledger row and the totals it adds to),
written in the transaction of the step or milestone that earned it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Literal

from questbot.catalog.community import Community
from questbot.domain.changes import GainXp
from questbot.domain.progress import DayCount, LearnerState
from questbot.domain.seasons import day_of, season_of
from questbot.engine.work import Work
from questbot.i18n import translate

DEFAULT_LEVEL_NAMES = 10  # level.name.1 ... level.name.10 in the catalogue

Source = Literal["step", "milestone", "quest"]


def community_of(work: Work, learner: LearnerState) -> Community:
    """Where a gain counts: the group or server it happened in; in a private chat the
    learner's most recent public community, else the default one."""
    catalog = work.ctx.catalog
    conversation = work.event.conversation
    if not conversation.private:
        return catalog.community_for(conversation)
    home = learner.home_community
    found = catalog.communities.get(home) if home is not None else None
    return found or catalog.default_community


def note_place(work: Work) -> None:
    """Remember the public community the sender was last seen in."""
    learner = work.snapshot.actor
    if learner is None or work.event.conversation.private:
        return
    community = work.ctx.catalog.community_for(work.event.conversation).id
    if learner.home_community != community:
        learner.home_community = community
        work.touch(learner)
    if learner.play.home_community != community:  # the same column, kept by the streaks
        learner.play.home_community = community
        work.touch_play(learner)


def level_label(community: Community, level: int, language: str) -> str:
    """``Level 3`` with the level's name where the community names it."""
    names = community.spec.levels.names
    if names is None:
        name = translate(f"level.name.{min(level, DEFAULT_LEVEL_NAMES)}", language)
    elif names:
        name = names[min(level, len(names)) - 1].text(language)
    else:
        name = ""
    if name:
        return translate("level.label_named", language, level=level, name=name)
    return translate("level.label", language, level=level)


def gain_xp(work: Work, learner: LearnerState, amount: int, *, source: Source,
            quest_id: str, item_id: str, participation: bool = False) -> list[str]:
    """Record a gain; the sentences that tell the learner of it (XP, a new level, the day's
    cap reached), in their language, for the message that reports the step or milestone."""
    if amount <= 0:
        return []
    community = community_of(work, learner)
    language = work.language_for(learner)
    granted, told = amount, list[str]()
    cap = community.spec.anti_farming.daily_participation_xp
    if participation and cap is not None:
        granted, told = _under_cap(work, learner, community, amount, cap, language)
    season = season_of(community.spec.leaderboard.seasons, work.now, community.zone)
    work.changes.append(GainXp(learner.learner_id, community.id, season, granted,
                               amount - granted, source, quest_id, item_id, work.now))
    if granted == 0:
        return told
    levels = community.spec.levels
    before = learner.xp_by_community.get(community.id, 0)
    after = before + granted
    learner.xp_by_community[community.id] = after
    lines = [translate("milestone.xp", language, xp=granted, total=after)]
    if levels.level(after) > levels.level(before):
        lines.append(translate("level.up", language,
                               level=level_label(community, levels.level(after), language)))
    return lines + told


def _under_cap(work: Work, learner: LearnerState, community: Community, amount: int,
               cap: int, language: str) -> tuple[int, list[str]]:
    """What of ``amount`` today's cap still allows, and the once-a-day notice that it is
    reached."""
    day = day_of(work.now, community.zone)
    today = learner.participation_today.get(community.id)
    if today is None or today.day != day:
        today = DayCount(day)
    granted = max(0, min(amount, cap - today.xp))
    today = replace(today, xp=today.xp + granted)
    told = []
    if today.xp >= cap and not today.told:
        told.append(translate("xp.cap_reached", language, cap=cap))
        today = replace(today, told=True)
    # Days long gone in any time zone are dropped, so the record stays one entry a community.
    stale = (work.now - timedelta(days=2)).date().isoformat()
    kept = {c: d for c, d in learner.participation_today.items() if d.day >= stale}
    learner.participation_today = {**kept, community.id: today}
    work.touch(learner)
    return granted, told
