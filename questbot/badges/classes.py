"""A quest's badge (or a milestone's) as the badge class a credential describes."""

from __future__ import annotations

from questbot.badges.model import BadgeClassInfo
from questbot.catalog import BadgeSpec, Quest, ResolvedMilestone


def class_id(quest_id: str, badge_key: str) -> str:
    return f"{quest_id}.{badge_key}"


def badge_class_info(quest: Quest, milestone: ResolvedMilestone) -> BadgeClassInfo:
    badge = milestone.badge
    if badge is None:
        raise ValueError(f"milestone {milestone.id} of {quest.id} awards no badge")
    spec = quest.spec.badge
    if isinstance(badge, BadgeSpec):
        description, criteria, expires = badge.description, badge.criteria, badge.expires_after
    else:
        description = badge.description or spec.description
        criteria = badge.criteria or _milestone_criteria(quest, milestone)
        expires = None
    return BadgeClassInfo(
        class_id=class_id(quest.id, milestone.badge_key),
        quest_id=quest.id,
        quest_title=quest.title,
        name=badge.name,
        description=description,
        criteria=criteria,
        tags=spec.tags,
        alignment=tuple(a.model_dump(exclude_none=True) for a in spec.alignment),
        image_source=str(quest.source.parent / badge.image) if badge.image else None,
        expires_after_seconds=expires,
    )


def _milestone_criteria(quest: Quest, milestone: ResolvedMilestone) -> str:
    titles = [(quest.steps[s].title or s) for s in quest.steps if s in milestone.after]
    return f"Completed in {quest.title}: " + ", ".join(titles) + "."
