"""A quest's badge (or a milestone's) as the badge class a credential describes, in the
quest's default language, with the quest's other translations kept for the badge page."""

from __future__ import annotations

from questbot.badges.model import BadgeClassInfo, BadgeTexts
from questbot.catalog import BadgeSpec, LocalizedText, Quest, ResolvedMilestone


def class_id(quest_id: str, badge_key: str) -> str:
    return f"{quest_id}.{badge_key}"


def badge_class_info(quest: Quest, milestone: ResolvedMilestone) -> BadgeClassInfo:
    badge = milestone.badge
    if badge is None:
        raise ValueError(f"milestone {milestone.id} of {quest.id} awards no badge")
    spec = quest.spec.badge
    by_language = {language: badge_texts(quest, milestone, language)
                   for language in _languages(quest, milestone)}
    default = by_language.pop(quest.language)
    return BadgeClassInfo(
        class_id=class_id(quest.id, milestone.badge_key),
        quest_id=quest.id,
        quest_title=quest.title.text(quest.language),
        name=default.name,
        description=default.description,
        criteria=default.criteria,
        tags=spec.tags,
        alignment=tuple(a.model_dump(exclude_none=True) for a in spec.alignment),
        image_source=str(quest.source.parent / badge.image) if badge.image else None,
        expires_after_seconds=badge.expires_after if isinstance(badge, BadgeSpec) else None,
        language=quest.language,
        translations=tuple(sorted(by_language.items())),
    )


def badge_texts(quest: Quest, milestone: ResolvedMilestone, language: str) -> BadgeTexts:
    """The badge's name, description and criteria in ``language`` (else the default's)."""
    badge = milestone.badge
    if badge is None:
        raise ValueError(f"milestone {milestone.id} of {quest.id} awards no badge")
    description = badge.description or quest.spec.badge.description
    criteria = badge.criteria or _milestone_criteria(quest, milestone, language)
    return BadgeTexts(_in(badge.name, language), _in(description, language),
                      _in(criteria, language))


def _languages(quest: Quest, milestone: ResolvedMilestone) -> set[str]:
    badge = milestone.badge
    texts = [] if badge is None else [badge.name, badge.description, badge.criteria,
                                      quest.spec.badge.description]
    found = {lang for text in texts if isinstance(text, LocalizedText) for lang in text.languages}
    return found | {quest.language}


def _in(text: str, language: str) -> str:
    return text.text(language) if isinstance(text, LocalizedText) else text


def _milestone_criteria(quest: Quest, milestone: ResolvedMilestone, language: str) -> str:
    titles = [_in(quest.steps[s].title or s, language)
              for s in quest.steps if s in milestone.after]
    return f"Completed in {_in(quest.title, language)}: " + ", ".join(titles) + "."
