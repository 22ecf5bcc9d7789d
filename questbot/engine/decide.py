"""The engine's one pure function: an event and the state it reads, to a decision."""

from __future__ import annotations

from questbot.domain.changes import ClaimEmail, Decision
from questbot.domain.errors import Rejected
from questbot.domain.messages import (
    Answer,
    CheckIn,
    ChooseAnswer,
    Command,
    Event,
    ExportData,
    ForgetMe,
    Grant,
    Help,
    Invalid,
    IssueCode,
    JoinQuest,
    LinkAccount,
    ListBadges,
    ListQuests,
    MakeTutor,
    PostMessage,
    React,
    Reload,
    Revoke,
    RevokeById,
    SetEmail,
    ShowName,
    ShowProgress,
    Start,
    StartQuiz,
    Text,
)
from questbot.domain.progress import Snapshot
from questbot.domain.text import translate
from questbot.engine import attendance, linking, privacy, quiz, tutor, views
from questbot.engine.participation import count_participation, react, remember_post
from questbot.engine.work import Context, Work


def decide(snapshot: Snapshot, event: Event, ctx: Context) -> Decision:
    """Apply one event. A refusal changes nothing and answers why."""
    work = Work(ctx, event, snapshot)
    post = remember_post(work)  # whatever the message asked, its author is remembered
    try:
        _dispatch(work, event.command)
    except Rejected as refusal:
        return Decision((Text(translate(refusal.key, event.language, **refusal.params)),),
                        (post,) if post else ())
    if post is not None:
        work.changes.append(post)
    return work.decision()


def _dispatch(work: Work, command: Command) -> None:
    match command:
        case Start():
            views.start(work)
        case Help():
            views.help_text(work)
        case ListQuests():
            views.list_quests(work)
        case JoinQuest():
            views.join(work, command)
        case ShowProgress():
            views.progress(work, command)
        case ListBadges():
            views.badges(work)
        case StartQuiz():
            quiz.start_quiz(work, command)
        case Answer(text=text):
            quiz.answer(work, text=text)
        case ChooseAnswer():
            quiz.answer(work, button=command)
        case PostMessage(text=text):
            _message(work, text)
        case React():
            react(work, command)
        case CheckIn():
            attendance.check_in(work, command)
        case IssueCode():
            attendance.issue_code(work, command)
        case Grant():
            tutor.grant(work, command)
        case Revoke():
            tutor.revoke(work, command)
        case RevokeById():
            tutor.revoke_by_id(work, command)
        case SetEmail():
            views.set_email(work, command)
            _claim_email(work)
        case ShowName():
            views.show_name(work, command)
        case LinkAccount():
            linking.link(work, command)
        case ExportData():
            privacy.export(work, command)
        case ForgetMe():
            privacy.forget(work, command)
        case MakeTutor():
            tutor.make_tutor(work, command)
        case Reload():
            tutor.reload_quests(work, command)
        case Invalid(problem=problem, params=params):
            raise Rejected(problem, **dict(params))


def _message(work: Work, text: str) -> None:
    learner = work.actor()
    conversation = work.event.conversation
    open_quiz = learner.quiz
    if open_quiz and (conversation.private or open_quiz.chat_id == conversation.chat_id):
        quiz.answer(work, text=text)
    elif conversation.private:
        work.say("private.hint")
    else:
        count_participation(work, learner, "message")


def _claim_email(work: Work) -> None:
    """An address once registered stays the learner's for the self-award rule (tutor)."""
    learner = work.actor()
    if learner.email is not None:
        work.changes.append(ClaimEmail(learner.learner_id, learner.email))
