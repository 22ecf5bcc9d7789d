"""Pathways in play: the pathway badge the moment a learner holds the badges it is built
from (once: a pathway badge, even revoked, is never given again by itself), admins told when
a component of a pathway badge is revoked, and ``/pathways``, each pathway's progress."""

from __future__ import annotations

from questbot.catalog import PATHWAY_BADGE, BadgeRef, Pathway, ResolvedGroup
from questbot.domain.changes import IssueBadge, PutAward
from questbot.domain.messages import BadgeAwarded
from questbot.domain.progress import AwardRecord, LearnerState
from questbot.engine.work import Work
from questbot.i18n import format_day


def held_badges(learner: LearnerState) -> set[BadgeRef]:
    return {BadgeRef(a.quest_id, a.badge_key) for a in learner.awards if not a.revoked}


def _ever_awarded(learner: LearnerState, pathway: Pathway) -> AwardRecord | None:
    found = [a for a in learner.awards
             if a.quest_id == pathway.id and a.badge_key == PATHWAY_BADGE]
    return max(found, key=lambda a: (a.revoked_at is None, a.awarded_at)) if found else None


def award_pathways(work: Work, learner: LearnerState, *, to_actor: bool) -> None:
    """Award every pathway badge the learner's badges now complete. The catalogue lists
    components first, so a pathway badge that completes another awards that one too."""
    pathways = work.ctx.catalog.pathways
    if not pathways:
        return
    held = held_badges(learner)
    for pathway in pathways.values():
        if pathway.met(held) and _ever_awarded(learner, pathway) is None:
            _award(work, learner, pathway, to_actor)
            held.add(pathway.badge)


def _award(work: Work, learner: LearnerState, pathway: Pathway, to_actor: bool) -> None:
    catalog = work.ctx.catalog
    evidence: dict[str, str] = {}
    for badge in pathway.components:
        award = learner.live_award(*badge)
        if award is not None:  # named in the badge's own language, as its credential
            evidence[award.badge_name] = work.ctx.settings.badge_url(award.award_id)
    award = AwardRecord(
        award_id=work.ctx.new_id(), learner_id=learner.learner_id, quest_id=pathway.id,
        quest_version=pathway.version, badge_key=PATHWAY_BADGE,
        badge_name=str(pathway.spec.badge.name), awarded_at=work.now, evidence=evidence)
    learner.awards.append(award)
    work.changes.append(PutAward(award))
    work.effects.append(IssueBadge(award, to_actor))
    language = work.language_for(learner)
    name = catalog.badge_name(pathway.badge) or pathway.spec.badge.name
    message = BadgeAwarded(award.award_id, work.text(name, language),
                           work.text(pathway.title, language),
                           work.ctx.settings.badge_url(award.award_id), language=language)
    if to_actor:
        work.reply(message)
    else:
        work.deliver(learner, message)


def after_revocation(work: Work, learner: LearnerState, revoked: AwardRecord,
                     learner_name: str) -> None:
    """A pathway badge stays when a badge it was built from is revoked: the admins decide,
    so they are told of each pathway badge the learner's badges no longer complete."""
    badge = BadgeRef(revoked.quest_id, revoked.badge_key)
    held = held_badges(learner)
    for pathway in work.ctx.catalog.pathways_using(badge):
        pathway_award = learner.live_award(*pathway.badge)
        if pathway_award is None or pathway.met(held):
            continue
        work.tell_admins("pathway.component_revoked", learner=learner_name,
                         badge=revoked.badge_name, pathway=pathway_award.badge_name,
                         url=work.ctx.settings.badge_url(pathway_award.award_id),
                         award=pathway_award.award_id)


def show(work: Work) -> None:
    """Each pathway: what the learner has earned, what is next and which quest gives it.
    A pathway the learner's badges complete but that has no badge yet (a pathway added after
    they earned them) is awarded now."""
    learner = work.actor()
    pathways = list(work.ctx.catalog.pathways.values())
    if not pathways:
        work.say("pathways.none")
        return
    award_pathways(work, learner, to_actor=True)
    held = held_badges(learner)
    parts = [_pathway_text(work, learner, pathway, held)
             for pathway in sorted(pathways, key=lambda p: work.text(p.title))]
    work.say("pathways.list", pathways="\n\n".join(parts))


def _pathway_text(work: Work, learner: LearnerState, pathway: Pathway,
                  held: set[BadgeRef]) -> str:
    need = sum(group.need for group in pathway.groups)
    done = sum(min(group.need, sum(b in held for b in group.badges))
               for group in pathway.groups)
    lines = [work.t("pathways.header", pathway=work.text(pathway.title), done=done,
                    count=need)]
    role = pathway.spec.leads_to
    if role is not None:
        lines.append(work.t("pathways.leads_to", role=work.text(role.name),
                            framework=role.framework))
    award = _ever_awarded(learner, pathway)
    if award is not None and not award.revoked:
        lines.append(work.t("pathways.earned", date=format_day(award.awarded_at.date(),
                                                                work.language),
                            url=work.ctx.settings.badge_url(award.award_id)))
    for group in pathway.groups:
        lines.extend(_group_lines(work, group, held))
    lines.append(work.t("pathways.page", url=pathway_url(work, pathway)))
    return "\n".join(lines)


def _group_lines(work: Work, group: ResolvedGroup, held: set[BadgeRef]) -> list[str]:
    title = work.text(group.title) if group.title else work.t("pathways.group_untitled")
    done = sum(b in held for b in group.badges)
    key = "pathways.group_all" if group.need == len(group.badges) else "pathways.group_some"
    lines = [work.t(key, title=title, done=min(done, group.need), count=group.need,
                    total=len(group.badges))]
    met = done >= group.need
    for badge in group.badges:
        name = work.text(work.ctx.catalog.badge_name(badge)) or badge.quest_id
        if badge in held:
            lines.append(work.t("pathways.badge_done", badge=name))
        elif met:
            lines.append(work.t("pathways.badge_optional", badge=name))
        elif badge.badge_key == PATHWAY_BADGE:
            lines.append(work.t("pathways.badge_next_pathway", badge=name))
        else:
            quest = work.ctx.catalog.get(badge.quest_id)
            quest_title = work.text(quest.title) if quest else badge.quest_id
            lines.append(work.t("pathways.badge_next", badge=name, quest=quest_title,
                                id=badge.quest_id))
    return lines


def pathway_url(work: Work, pathway: Pathway) -> str:
    return f"{work.ctx.settings.base_url.rstrip('/')}/pathways/{pathway.id}"
