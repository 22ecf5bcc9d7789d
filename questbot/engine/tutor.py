"""Tutor and admin commands: grant, revoke, make tutors, reload quests.

A tutor cannot award themselves through any identity they control: an account of their own
learner (linked ones too), an address they registered with /email (even one switched off
since), or another learner naming such an address. Linking a learner with one the other
granted something is refused in ``linking``, which closes "grant first, link later"."""

from __future__ import annotations

from questbot.domain.changes import RecordGrant, ReloadQuests, RevokeAward
from questbot.domain.errors import Rejected
from questbot.domain.ids import EMAIL_PLATFORM, UserRef
from questbot.domain.messages import Grant, MakeTutor, Reload, Revoke, RevokeById, Text
from questbot.domain.progress import AwardRecord, LearnerState, Role
from questbot.engine.pathways import after_revocation
from questbot.engine.progression import (
    award_badge,
    complete_step,
    ensure_enrolled,
    step_title,
)
from questbot.engine.rewards import take_back_rewards
from questbot.engine.work import Work


def _name(learner: LearnerState) -> str:
    return learner.display_name or (str(learner.accounts[0]) if learner.accounts else "?")


def _known_target(work: Work, ref: UserRef, name: str | None) -> LearnerState:
    """The learner a tutor or admin names. An address may be new (badges for someone not on
    chat); a platform account must have talked to the bot, unless the platform itself vouches
    for it (a reply to its message, a member picked in a slash command: ``name`` is set) or an
    admin names it (the operators in the settings, and the command line: a class list)."""
    actor = work.actor()
    if ref.platform != EMAIL_PLATFORM and work.snapshot.target is None and name is None \
            and ref != work.event.actor and ref not in actor.accounts \
            and work.role_of(actor) < Role.ADMIN:
        raise Rejected("grant.unknown_learner", learner=str(ref))
    return work.target(ref, name)


def _other_learner(work: Work, tutor: LearnerState, ref: UserRef, name: str | None
                   ) -> LearnerState:
    """The learner granted to, who must not be the tutor under another name."""
    own = work.snapshot.actor_emails | ({tutor.email} if tutor.email else set())
    if ref.platform == EMAIL_PLATFORM and ref.user_id in own:
        raise Rejected("grant.self_email", email=ref.user_id)
    target = _known_target(work, ref, name)
    if target.learner_id == tutor.learner_id:
        raise Rejected("grant.self")
    if target.email is not None and target.email in own:
        raise Rejected("grant.self_email", email=target.email)
    return target


def grant(work: Work, command: Grant) -> None:
    tutor = work.actor()
    work.require_role(tutor, Role.TUTOR)
    quest = work.quest(command.quest_id)
    if not command.reason.strip():
        raise Rejected("usage.grant")
    learner = _other_learner(work, tutor, command.target, command.target_name)
    if command.target.platform == EMAIL_PLATFORM and learner.email is None:
        learner.email = command.target.user_id  # badges then name this (normalised) address
        work.touch(learner)
    work.changes.append(RecordGrant(tutor.learner_id, learner.learner_id))
    evidence = {"granted by": _name(tutor), "reason": command.reason}
    if command.item in quest.steps:
        if learner.is_complete(quest.id, command.item):
            raise Rejected("grant.step_done", learner=_name(learner),
                           step=step_title(quest, command.item))
        ensure_enrolled(work, learner, quest)
        if learner.quiz and (learner.quiz.quest_id, learner.quiz.step_id) == (quest.id,
                                                                            command.item):
            learner.quiz = None
            work.touch(learner)
        work.deliver(learner, Text(work.t_for(learner, "grant.notice_step", tutor=_name(tutor),
                                          step=step_title(quest, command.item),
                                          quest=quest.title, reason=command.reason)))
        complete_step(work, learner, quest, command.item, evidence, to_actor=False)
        work.say("grant.step_ok", learner=_name(learner), step=step_title(quest, command.item))
        return
    milestone = quest.milestone_for_badge(command.item)
    if milestone is None or milestone.badge is None:
        items = [*quest.steps, *(m.badge_key for m in quest.milestones if m.badge)]
        raise Rejected("grant.unknown_item", item=command.item, quest=quest.id,
                       items=", ".join(items))
    if learner.live_award(quest.id, milestone.badge_key) and not milestone.badge.repeatable:
        raise Rejected("grant.has_badge", learner=_name(learner), badge=milestone.badge.name)
    ensure_enrolled(work, learner, quest)
    work.deliver(learner, Text(work.t_for(learner, "grant.notice_badge", tutor=_name(tutor),
                                      badge=milestone.badge.name, reason=command.reason)))
    award_badge(work, learner, quest, milestone, evidence=evidence, awarded_by=_name(tutor),
                to_actor=False)
    work.say("grant.badge_ok", learner=_name(learner), badge=milestone.badge.name)


def revoke(work: Work, command: Revoke) -> None:
    tutor = work.actor()
    work.require_role(tutor, Role.TUTOR)
    quest = work.quest(command.quest_id)
    if work.snapshot.target is None:
        raise Rejected("learner.unknown", learner=str(command.target))
    learner = work.snapshot.target
    if quest.milestone_for_badge(command.item) is None:
        raise Rejected("revoke.only_badges", quest=quest.id)
    award = learner.live_award(quest.id, command.item)
    if award is None:
        raise Rejected("revoke.none", learner=_name(learner), item=command.item)
    _revoke(work, tutor, learner, award, command.reason)


def revoke_by_id(work: Work, command: RevokeById) -> None:
    tutor = work.actor()
    work.require_role(tutor, Role.TUTOR)
    learner = work.snapshot.target
    award = next((a for a in learner.awards if a.award_id == command.award_id), None) \
        if learner else None
    if learner is None or award is None:
        raise Rejected("revoke.unknown_award", award=command.award_id)
    if award.revoked:
        raise Rejected("revoke.already", badge=award.badge_name)
    _revoke(work, tutor, learner, award, command.reason)


def _revoke(work: Work, tutor: LearnerState, learner: LearnerState, award: AwardRecord,
            reason: str) -> None:
    award.revoked_at = work.now
    award.revocation_reason = reason
    work.changes.append(RevokeAward(award.award_id, work.now, reason, _name(tutor)))
    take_back_rewards(work, learner, award)
    work.deliver(learner, Text(work.t_for(learner, "revoke.notice", badge=award.badge_name,
                                          reason=reason)))
    work.say("revoke.ok", learner=_name(learner), badge=award.badge_name)
    after_revocation(work, learner, award, _name(learner))


def make_tutor(work: Work, command: MakeTutor) -> None:
    admin = work.actor()
    work.require_role(admin, Role.ADMIN)
    learner = _known_target(work, command.target, command.target_name)
    if learner.learner_id == admin.learner_id:
        raise Rejected("tutor.self")
    learner.stored_role = Role.LEARNER if command.remove else max(learner.stored_role, Role.TUTOR)
    work.touch(learner)
    if command.remove:
        work.say("tutor.removed", learner=_name(learner))
        if work.role_of(learner) > Role.LEARNER:
            work.say("tutor.still_configured")
    else:
        work.say("tutor.added", learner=_name(learner))
        work.deliver(learner, Text(work.t_for(learner, "tutor.notice")))


def reload_quests(work: Work, _: Reload) -> None:
    admin = work.actor()
    work.require_role(admin, Role.ADMIN)
    work.effects.append(ReloadQuests())
