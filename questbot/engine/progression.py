"""Shared rules of progress: enrolment, step availability, completion, milestones, awards."""

from __future__ import annotations

from datetime import datetime

from questbot.catalog import QUEST_BADGE, AnyStep, Quest, ResolvedMilestone
from questbot.domain.changes import (
    CompleteQuest,
    IssueBadge,
    PutAward,
    PutEnrolment,
    PutMilestone,
)
from questbot.domain.errors import Rejected
from questbot.domain.messages import BadgeAwarded, Outbound, Text
from questbot.domain.progress import AwardRecord, Enrolment, LearnerState
from questbot.engine import reminders, streaks
from questbot.engine.announcing import publish_badge
from questbot.engine.badge_mail import email_badge
from questbot.engine.opening import require_open
from questbot.engine.pathways import award_pathways
from questbot.engine.rewards import grant_rewards
from questbot.engine.work import Work
from questbot.engine.xp import gain_xp


def ensure_enrolled(work: Work, learner: LearnerState, quest: Quest) -> bool:
    """Enrol the learner if needed; True when this call enrolled them."""
    if quest.id in learner.enrolments:
        return False
    enrolment = Enrolment(quest.id, quest.version, work.now)
    learner.enrolments[quest.id] = enrolment
    work.changes.append(PutEnrolment(learner.learner_id, enrolment))
    return True


def missing_requirements(learner: LearnerState, quest: Quest, step: AnyStep) -> list[str]:
    return [r for r in step.requires if not learner.is_complete(quest.id, r)]


def require_available(work: Work, learner: LearnerState, quest: Quest, step: AnyStep) -> None:
    require_open(work, quest)
    missing = missing_requirements(learner, quest, step)
    if missing:
        names = ", ".join(work.text(step_title(quest, m)) for m in missing)
        raise Rejected("step.locked", step=work.text(step_title(quest, step.id)),
                       missing=names)


def step_title(quest: Quest, step_id: str) -> str:
    """The step's title (a LocalizedText: ``work.text`` picks the learner's language), else
    its id."""
    step = quest.steps.get(step_id)
    return (step.title or step.id) if step else step_id


def notify(work: Work, learner: LearnerState, message: Outbound, to_actor: bool) -> None:
    """The actor reads it in the reply; anyone else gets it through the outbox."""
    if to_actor:
        work.reply(message)
    else:
        work.deliver(learner, message)


def complete_step(
    work: Work,
    learner: LearnerState,
    quest: Quest,
    step_id: str,
    evidence: dict[str, str],
    *,
    to_actor: bool = True,
    taking_part: bool = False,
) -> None:
    """``taking_part``: done by messages or reactions, whose XP the daily cap bounds (a
    tutor's grant of the same step is not)."""
    state = learner.step(quest.id, step_id)
    state.completed_at = work.now
    state.evidence = evidence
    work.save_step(learner, state)
    language = work.language_for(learner)
    text = work.t_for(learner, "step.complete",
                      step=work.text(step_title(quest, step_id), language),
                      quest=work.text(quest.title, language))
    step = quest.steps.get(step_id)
    if step is not None:  # XP each time it is done (a repeatable quest's rounds too)
        text = "\n".join([text, *gain_xp(work, learner, step.xp, source="step",
                                          quest_id=quest.id, item_id=step_id,
                                          participation=taking_part)])
    notify(work, learner, Text(text, language), to_actor)
    reach_milestones(work, learner, quest, step_id, to_actor=to_actor)
    streaks.count_step(work, learner, to_actor=to_actor)
    reminders.after_progress(work, learner, quest, finished=quest_finished(learner, quest))


def done_steps(learner: LearnerState, quest: Quest) -> set[str]:
    return {s for s in quest.steps if learner.is_complete(quest.id, s)}


def quest_finished(learner: LearnerState, quest: Quest) -> bool:
    """Its ``complete_when`` is met, or the learner holds its badge (a repeatable quest's new
    round, or a tutor's grant, does not undo having finished it)."""
    return (quest.completion.met(done_steps(learner, quest))
            or learner.live_award(quest.id, QUEST_BADGE) is not None)


def finished_at(learner: LearnerState, quest: Quest) -> datetime | None:
    """When this round's ``complete_when`` was met: the moment its last needed step was done."""
    moments = sorted(state.completed_at for s in quest.completion.steps
                     if (state := learner.steps.get((quest.id, s))) and state.completed_at)
    need = quest.completion.need
    return moments[need - 1] if need and len(moments) >= need else None


def reach_milestones(work: Work, learner: LearnerState, quest: Quest, step_id: str, *,
                     to_actor: bool) -> None:
    """Milestones ``step_id`` (just done) reaches. A milestone gives its XP once; its badge
    again in a later round only if the badge is repeatable."""
    done = done_steps(learner, quest)
    before = done - {step_id}
    finished = quest.completion.met(done) and not quest.completion.met(before)
    if finished:  # told before the badge it brings
        work.changes.append(CompleteQuest(learner.learner_id, quest.id, quest.version,
                                          work.now))
    for milestone in quest.milestones:
        rule = milestone.rule
        if not rule.met(done):
            continue
        if (quest.id, milestone.id) not in learner.milestones:
            record_milestone(work, learner, quest, milestone, to_actor=to_actor)
            again = learner.live_award(quest.id, milestone.badge_key) is None
        else:
            again = bool(milestone.badge and milestone.badge.repeatable) and not rule.met(before)
        if milestone.badge and again:
            evidence = collect_evidence(learner, quest, milestone)
            award_badge(work, learner, quest, milestone, evidence=evidence, awarded_by=None,
                        to_actor=to_actor)
    if finished:
        done_text = work.t_for(learner, "quest.complete",
                               quest=work.text(quest.title, work.language_for(learner)))
        notify(work, learner, Text(done_text), to_actor)


def record_milestone(work: Work, learner: LearnerState, quest: Quest,
                     milestone: ResolvedMilestone, *, to_actor: bool) -> None:
    learner.milestones[(quest.id, milestone.id)] = milestone.xp
    work.changes.append(PutMilestone(learner.learner_id, quest.id, milestone.id,
                                     milestone.xp, work.now))
    told = gain_xp(work, learner, milestone.xp, source="milestone", quest_id=quest.id,
                   item_id=milestone.id)
    if told:
        notify(work, learner, Text("\n".join(told), work.language_for(learner)), to_actor)


def collect_evidence(
    learner: LearnerState, quest: Quest, milestone: ResolvedMilestone
) -> dict[str, str]:
    evidence: dict[str, str] = {}
    for step_id in sorted(milestone.after):
        state = learner.steps.get((quest.id, step_id))
        if state and state.evidence:
            summary = "; ".join(f"{k}: {v}" for k, v in sorted(state.evidence.items()))
            evidence[str(step_title(quest, step_id))] = summary  # the default language's
    return evidence


def award_badge(
    work: Work,
    learner: LearnerState,
    quest: Quest,
    milestone: ResolvedMilestone,
    *,
    evidence: dict[str, str],
    awarded_by: str | None,
    to_actor: bool,
) -> AwardRecord:
    assert milestone.badge is not None
    award = AwardRecord(
        award_id=work.ctx.new_id(),
        learner_id=learner.learner_id,
        quest_id=quest.id,
        quest_version=quest.version,
        badge_key=milestone.badge_key,
        badge_name=str(milestone.badge.name),  # the quest's language, as its credential
        awarded_at=work.now,
        evidence=evidence,
        awarded_by=awarded_by,
    )
    learner.awards.append(award)
    work.changes.append(PutAward(award))
    work.effects.append(IssueBadge(award, to_actor))
    language = work.language_for(learner)
    message = BadgeAwarded(award.award_id, work.text(milestone.badge.name, language),
                           work.text(quest.title, language),
                           work.ctx.settings.badge_url(award.award_id), language=language)
    publish_badge(work, learner, quest, milestone.badge.name, message, to_actor=to_actor)
    email_badge(work, learner, award, message)
    grant_rewards(work, learner, quest, award)
    award_pathways(work, learner, to_actor=to_actor)
    return award
