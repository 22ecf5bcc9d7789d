"""``/counters LEARNER [reset REASON]``: a tutor sees a learner's participation counts per
step, the messages the message rules ignored today and why, and their streak; a reset (with
a reason, recorded with the tutor's id) starts the counts of unfinished participation steps
and the message memory again. Finished steps, badges and the streak stay."""

from __future__ import annotations

from questbot.catalog import ParticipationStep
from questbot.domain.changes import RecordCounterReset
from questbot.domain.errors import Rejected
from questbot.domain.messages import ShowCounters
from questbot.domain.progress import LearnerState, Role
from questbot.domain.streaks import live_current, period_start
from questbot.engine.farming import REASONS
from questbot.engine.home import home_of
from questbot.engine.progression import step_title
from questbot.engine.work import Work


def _name(learner: LearnerState) -> str:
    return learner.display_name or (str(learner.accounts[0]) if learner.accounts else "?")


def _known(work: Work, command: ShowCounters) -> LearnerState:
    actor = work.actor()
    if command.target == work.event.actor or command.target in actor.accounts:
        return actor
    if work.snapshot.target is None:
        raise Rejected("grant.unknown_learner", learner=str(command.target))
    return work.snapshot.target


def show_counters(work: Work, command: ShowCounters) -> None:
    tutor = work.actor()
    work.require_role(tutor, Role.TUTOR)
    learner = _known(work, command)
    if command.reset:
        _reset(work, tutor, learner, command.reason)
        work.say("counters.reset_done", learner=_name(learner))
        return
    lines = [work.t("counters.header", learner=_name(learner))]
    for quest_id in sorted(learner.enrolments):
        quest = work.ctx.catalog.get(quest_id)
        if quest is None:
            continue
        for step in quest.spec.steps:
            if not isinstance(step, ParticipationStep):
                continue
            state = learner.steps.get((quest.id, step.id))
            count = state.count if state else 0
            done = "✓ " if state and state.completed_at else ""
            key = "step.todo_message" if step.action == "message" else "step.todo_reaction"
            lines.append(work.t("counters.step", quest=quest.id, done=done,
                                step=work.text(step_title(quest, step.id)),
                                detail=work.t(key, count=count, target=step.count)))
    community = home_of(work.ctx.catalog, learner)
    play = learner.play
    today = period_start(work.now, community.zone, "day").isoformat()
    ignored = play.ignored if play.ignored_day == today else {}
    if ignored:
        parts = ", ".join(work.t(f"counters.why_{reason}", count=ignored[reason])
                          for reason in REASONS if ignored.get(reason))
        lines.append(work.t("counters.ignored", reasons=parts))
    else:
        lines.append(work.t("counters.ignored_none"))
    rules = community.spec.streaks
    current = live_current(play.streak, work.now, community.zone, rules.period) if rules else 0
    lines.append(work.t("counters.streak", count=current, best=play.streak.best))
    work.say("raw", text="\n".join(lines))


def _reset(work: Work, tutor: LearnerState, learner: LearnerState, reason: str) -> None:
    for quest_id in learner.enrolments:
        quest = work.ctx.catalog.get(quest_id)
        if quest is None:
            continue
        for step in quest.spec.steps:
            state = learner.steps.get((quest.id, step.id))
            if isinstance(step, ParticipationStep) and state and not state.completed_at \
                    and state.count:
                state.count = 0
                work.save_step(learner, state)
    learner.play.recent = []
    learner.play.ignored, learner.play.ignored_day = {}, None
    work.touch_play(learner)
    work.changes.append(RecordCounterReset(learner.learner_id, tutor.learner_id, reason,
                                           work.now))
