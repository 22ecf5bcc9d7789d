"""A quest's badge (or a milestone's) as the badge class a credential describes, in the
quest's default language, with the quest's other translations kept for the badge page."""

from __future__ import annotations

from typing import Any

from questbot.badges.model import BadgeClassInfo, BadgeTexts
from questbot.badges.words import say
from questbot.catalog import (
    BadgeSpec,
    Catalog,
    LocalizedText,
    Pathway,
    Quest,
    ResolvedGroup,
    ResolvedMilestone,
)
from questbot.catalog.credit import Credit, Level


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
        credit=credit_info(badge.credit),
        level=level_info(badge.level),
    )


def credit_info(credit: Credit | None) -> dict[str, Any] | None:
    if credit is None:
        return None
    points = int(credit.points) if credit.points.is_integer() else credit.points
    return {"points": points, "framework": credit.short_framework,
            "framework_name": credit.framework_name, "url": credit.url}


def level_info(level: Level | None) -> dict[str, Any] | None:
    if level is None:
        return None
    return {"level": level.level, "framework": level.short_framework,
            "framework_name": level.framework_name, "url": level.framework_url}


def pathway_class_info(pathway: Pathway, catalog: Catalog) -> BadgeClassInfo:
    """A pathway's badge: its criteria are the author's words, then the badges it is built
    from, group by group, in each language the pathway is written in."""
    spec = pathway.spec.badge
    texts = [spec.name, spec.description, spec.criteria, pathway.title,
             *(g.title for g in pathway.groups)]
    languages = {lang for text in texts if isinstance(text, LocalizedText)
                 for lang in text.languages} | {pathway.language}
    by_language = {language: _pathway_texts(pathway, catalog, language)
                   for language in languages}
    default = by_language.pop(pathway.language)
    role = pathway.spec.leads_to
    occupation = None if role is None else {
        "name": role.name.text(pathway.language) if isinstance(role.name, LocalizedText)
        else role.name, "framework": role.framework, "url": role.url,
        **({"code": role.code} if role.code else {})}
    return BadgeClassInfo(
        class_id=class_id(*pathway.badge),
        quest_id=pathway.id,
        quest_title=_in(pathway.title, pathway.language),
        name=default.name,
        description=default.description,
        criteria=default.criteria,
        tags=spec.tags,
        alignment=tuple(a.model_dump(exclude_none=True) for a in spec.alignment),
        image_source=str(pathway.source.parent / spec.image) if spec.image else None,
        language=pathway.language,
        translations=tuple(sorted(by_language.items())),
        credit=credit_info(spec.credit),
        level=level_info(spec.level),
        occupation=occupation,
        parts=tuple(class_id(*badge) for badge in pathway.components),
    )


def _pathway_texts(pathway: Pathway, catalog: Catalog, language: str) -> BadgeTexts:
    spec = pathway.spec.badge
    lines = [_group_criteria(group, catalog, language) for group in pathway.groups]
    criteria = _in(spec.criteria, language) if spec.criteria else ""
    listed = " ".join(lines)
    return BadgeTexts(_in(spec.name, language), _in(spec.description, language),
                      f"{criteria}\n\n{listed}" if criteria else listed)


def _group_criteria(group: ResolvedGroup, catalog: Catalog, language: str) -> str:
    names = ", ".join(_in(catalog.badge_name(badge) or badge.quest_id, language)
                      for badge in group.badges)
    if group.need == len(group.badges):
        key = "criteria.all" if group.title is None else "criteria.all_titled"
    else:
        key = "criteria.some" if group.title is None else "criteria.some_titled"
    title = _in(group.title, language) if group.title is not None else ""
    return say(key, language, badges=names, count=group.need, title=title)


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
