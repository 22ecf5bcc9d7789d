"""Attendance: tutors open a check-in session; learners check in once, inside the window.

Guessing is bounded twice: each learner has a few wrong codes per window, and each session
counts the wrong codes tried by everyone and locks at a limit, until its tutor shows a new
code. So a thousand accounts together test at most that many guesses against one code."""

from __future__ import annotations

from datetime import datetime, timedelta

from questbot.catalog import AttendanceStep, Quest
from questbot.domain.changes import FailCheckIn, PutSession
from questbot.domain.errors import Rejected
from questbot.domain.messages import CheckIn, IssueCode
from questbot.domain.progress import AttendanceSession, Role
from questbot.engine.codes import code_length, code_matches, current_code, seconds_left_in_slot
from questbot.engine.joining import require_joinable
from questbot.engine.progression import complete_step, ensure_enrolled, require_available
from questbot.engine.work import Work
from questbot.i18n import format_moment


def _fmt(work: Work, when: datetime) -> str:
    return format_moment(when, work.language)


def attendance_step(work: Work, quest: Quest, step_id: str | None) -> AttendanceStep:
    steps = [s for s in quest.spec.steps if isinstance(s, AttendanceStep)]
    if step_id is not None:
        step = quest.steps.get(step_id)
        if not isinstance(step, AttendanceStep):
            raise Rejected("code.not_attendance", step=step_id, quest=quest.id)
        return step
    if not steps:
        raise Rejected("code.no_attendance", quest=quest.id)
    if len(steps) > 1:
        raise Rejected("code.which_step", quest=quest.id, steps=", ".join(s.id for s in steps))
    return steps[0]


def issue_code(work: Work, command: IssueCode) -> None:
    tutor = work.actor()
    work.require_role(tutor, Role.TUTOR)
    quest = work.quest(command.quest_id)
    step = attendance_step(work, quest, command.step_id)
    session = next((s for s in work.snapshot.sessions
                    if s.quest_id == quest.id and s.step_id == step.id), None)
    locked = session is not None and session.failures >= work.ctx.settings.max_failed_per_session
    if session is None or locked:
        if session is not None:
            work.say("code.relocked", count=session.failures)
        session = AttendanceSession(quest.id, step.id, work.ctx.new_id() + work.ctx.new_id(),
                                    work.now, str(work.event.actor))
        work.changes.append(PutSession(session))
    code = current_code(session, work.now, step.rotate_every, code_length(step.code_length))
    work.say("code.issued", code=code, step=work.text(step.title) or step.id,
             quest=work.text(quest.title),
             opens=_fmt(work, step.opens), closes=_fmt(work, step.closes))
    if step.rotate_every:
        left = seconds_left_in_slot(session, work.now, step.rotate_every)
        work.say("code.rotates", seconds=left, every=step.rotate_every)
    if work.now > step.closes:
        work.say("code.window_closed")
    elif work.now < step.opens:
        work.say("code.window_not_open")


def check_in(work: Work, command: CheckIn) -> None:
    learner = work.actor()
    window = timedelta(seconds=work.ctx.settings.failed_checkin_window_seconds)
    recent = [t for t in learner.failed_checkins if work.now - t < window]
    if len(recent) >= work.ctx.settings.max_failed_checkins:
        raise Rejected("checkin.too_many", minutes=window.seconds // 60)
    code = command.code.strip()
    limit = work.ctx.settings.max_failed_per_session
    guessed_at: list[tuple[str, str]] = []  # the sessions a wrong code could have been for
    for session in work.snapshot.sessions:
        quest = work.ctx.catalog.get(session.quest_id)
        step = quest.steps.get(session.step_id) if quest else None
        if quest is None or not isinstance(step, AttendanceStep):
            continue
        length = code_length(step.code_length)
        if len(code) != length:
            continue
        if not code_matches(session, code, work.now, step.rotate_every, length):
            if session.failures < limit:
                guessed_at.append((session.quest_id, session.step_id))
            continue
        if session.failures >= limit:
            raise Rejected("checkin.locked", step=work.text(step.title) or step.id)
        if not step.opens <= work.now <= step.closes:
            raise Rejected("checkin.closed", step=work.text(step.title) or step.id,
                           opens=_fmt(work, step.opens), closes=_fmt(work, step.closes))
        if learner.is_complete(quest.id, step.id):
            raise Rejected("checkin.already", step=work.text(step.title) or step.id)
        if quest.id not in learner.enrolments:  # joining by doing: the same rules
            require_joinable(work, learner, quest)
        require_available(work, learner, quest, step)
        if ensure_enrolled(work, learner, quest):
            work.say("quest.joined_by_checkin", quest=work.text(quest.title))
        complete_step(work, learner, quest, step.id,
                      {"checked in": work.now.strftime("%Y-%m-%d %H:%M UTC")})
        return
    # A wrong code is remembered (not rolled back) so guessing is limited: for this learner,
    # and for each session, whose count covers every learner (a session is counted even when
    # its window is closed: "closed" would otherwise tell a guesser the code is right).
    learner.failed_checkins = [*recent, work.now]
    work.touch(learner)
    if guessed_at:
        work.changes.append(FailCheckIn(tuple(guessed_at)))
    work.say("checkin.bad_code")
