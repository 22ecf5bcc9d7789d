"""What learners read: welcome, help, the quest list, progress and badges."""

from __future__ import annotations

from questbot.catalog import Quest
from questbot.domain.commands import offered
from questbot.domain.errors import Rejected
from questbot.domain.messages import JoinQuest, SetEmail, ShowName, ShowProgress
from questbot.domain.progress import LearnerState, Role
from questbot.engine.home import community_of as streak_community
from questbot.engine.joining import quest_notes, require_joinable, start_new_round
from questbot.engine.progression import ensure_enrolled, missing_requirements, step_title
from questbot.engine.streaks import streak_line
from questbot.engine.work import Work
from questbot.engine.xp import community_of, level_label
from questbot.i18n import format_day

BAR_WIDTH = 10


def progress_bar(done: int, total: int) -> str:
    filled = round(BAR_WIDTH * done / total) if total else 0
    percent = round(100 * done / total) if total else 0
    return f"[{'█' * filled}{'░' * (BAR_WIDTH - filled)}] {percent}%"


def start(work: Work) -> None:
    learner = work.actor()
    work.say("welcome", name=learner.display_name or work.t("welcome.friend"))
    help_text(work)


def help_text(work: Work) -> None:
    learner = work.actor()
    role = work.role_of(learner)
    lines: list[str] = []
    for spec in offered(role):
        if spec.name == "start":
            continue  # /help follows the welcome that /start gives
        if spec.role > Role.LEARNER and not any(line == "" for line in lines):
            lines += ["", work.t("help.tutor_heading")]
        lines.append(work.t(spec.help_key))
    work.say("help", commands="\n".join(lines))


def list_quests(work: Work) -> None:
    learner = work.actor()
    quests = sorted(work.ctx.catalog, key=lambda q: work.text(q.title))
    if not quests:
        work.say("quests.none")
        return
    lines = []
    for quest in quests:
        mark = "✓ " if quest.id in learner.enrolments else "• "
        lines.append(work.t("quests.line", mark=mark, title=work.text(quest.title),
                            id=quest.id, steps=len(quest.steps),
                            badge=work.text(quest.spec.badge.name)))
        lines.extend(f"   {note}" for note in quest_notes(work, learner, quest))
    work.say("quests.list", quests="\n".join(lines))


def join(work: Work, command: JoinQuest) -> None:
    learner = work.actor()
    quest = work.quest(command.quest_id)
    if quest.id in learner.enrolments:
        start_new_round(work, learner, quest)
        text = work.t("quest.new_round", quest=work.text(quest.title))
    else:
        require_joinable(work, learner, quest)
        ensure_enrolled(work, learner, quest)
        text = work.t("quest.joined", quest=work.text(quest.title),
                      badge=work.text(quest.spec.badge.name))
    if quest.spec.description:
        text += "\n" + work.text(quest.spec.description)
    work.say("raw", text=text + "\n\n" + _steps_text(work, learner, quest))


def progress(work: Work, command: ShowProgress) -> None:
    learner = work.actor()
    if command.quest_id is not None:
        quest = work.quest(command.quest_id)
        if quest.id not in learner.enrolments:
            raise Rejected("quest.not_joined", quest=quest.id)
        quests = [quest]
    else:
        quests = [q for qid in learner.enrolments if (q := work.ctx.catalog.get(qid))]
    if not quests:
        work.say("progress.none")
        return
    parts = []
    for quest in sorted(quests, key=lambda q: work.text(q.title)):
        done = sum(learner.is_complete(quest.id, s) for s in quest.steps)
        header = work.t("progress.header", quest=work.text(quest.title),
                        bar=progress_bar(done, len(quest.steps)), done=done,
                        total=len(quest.steps))
        parts.append(header + "\n" + _steps_text(work, learner, quest))
    parts.append(level_text(work, learner))
    streak = streak_line(work, learner, streak_community(work, learner))
    if streak is not None:
        parts[-1] += "\n" + streak
    work.say("raw", text="\n\n".join(parts))


def level_text(work: Work, learner: LearnerState) -> str:
    """The learner's level in the community they play in, and a bar to the next one."""
    community = community_of(work, learner)
    xp = learner.xp_by_community.get(community.id, 0)
    levels = community.spec.levels
    level = levels.level(xp)
    label = level_label(community, level, work.language)
    start, end = levels.bounds(level)
    if end is None:
        return work.t("progress.level_top", label=label, xp=xp)
    return work.t("progress.level", label=label, xp=xp,
                  bar=progress_bar(xp - start, end - start), left=end - xp, next=level + 1)


def _steps_text(work: Work, learner: LearnerState, quest: Quest) -> str:
    lines = []
    for step in quest.spec.steps:
        state = learner.steps.get((quest.id, step.id))
        title = work.text(step.title) or step.id
        if state and state.completed_at:
            lines.append(work.t("step.line_done", title=title))
            continue
        missing = missing_requirements(learner, quest, step)
        if missing:
            after = ", ".join(work.text(step_title(quest, m)) for m in missing)
            lines.append(work.t("step.line_locked", title=title, after=after))
            continue
        key, params = step.todo(quest.id, state)
        detail = work.t(key, **work.texts(params))
        lines.append(work.t("step.line_todo", title=title, detail=detail))
    return "\n".join(lines)


def badges(work: Work) -> None:
    learner = work.actor()
    if not learner.awards:
        work.say("badges.none")
        return
    lines = []
    # earliest first; badges of one moment by name, so every store lists them alike
    for award in sorted(learner.awards, key=lambda a: (a.awarded_at, a.badge_name, a.award_id)):
        key = "badges.line_revoked" if award.revoked else "badges.line"
        day = format_day(award.awarded_at.date(), work.language)
        lines.append(work.t(key, name=award.badge_name, date=day,
                            url=work.ctx.settings.badge_url(award.award_id),
                            reason=award.revocation_reason or ""))
    work.say("badges.list", badges="\n".join(lines))


def set_email(work: Work, command: SetEmail) -> None:
    learner = work.actor()
    learner.email = command.email.strip().lower() if command.email else None
    work.touch(learner)
    work.say("email.set" if learner.email else "email.removed", email=learner.email or "")


def show_name(work: Work, command: ShowName) -> None:
    learner = work.actor()
    learner.show_name = command.show
    work.touch(learner)
    work.say("showname.on" if command.show else "showname.off")
