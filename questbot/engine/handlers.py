"""Each command's handling in one place: what it reads from the store, and what it does.

``handling`` is one ``match`` over every command the domain knows; mypy checks it is
exhaustive (``assert_never``), so a new command cannot be forgotten here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import assert_never

from questbot.domain.errors import Rejected
from questbot.domain.messages import (
    LANGUAGE_TOKEN,
    Answer,
    CheckIn,
    ChooseAnswer,
    ClaimBadge,
    ConfirmEmail,
    Event,
    ExportData,
    ForgetMe,
    Grant,
    Help,
    HideBadge,
    Invalid,
    IssueCode,
    JoinQuest,
    LeaderboardName,
    LinkAccount,
    ListBadges,
    ListPathways,
    ListQuests,
    ListSubmissions,
    MakeTutor,
    OpenDashboard,
    OpenWallet,
    PostMessage,
    React,
    Reload,
    ReviewSubmission,
    Revoke,
    RevokeById,
    SetEmail,
    SetLanguage,
    SetReminders,
    ShowCounters,
    ShowLeaderboard,
    ShowName,
    ShowProgress,
    ShowRecord,
    Start,
    StartQuiz,
    Submit,
    post_key,
)
from questbot.engine import (
    attendance,
    counters,
    dashboard,
    emailing,
    language,
    leaderboards,
    linking,
    pathways,
    privacy,
    quiz,
    reminders,
    submission,
    tutor,
    views,
    wallet,
)
from questbot.engine.linking import code_hash
from questbot.engine.participation import count_participation, react
from questbot.engine.work import Work
from questbot.ports import LoadRequest


@dataclass(frozen=True, slots=True)
class Handling:
    reads: LoadRequest
    run: Callable[[Work], None]


def handling(event: Event) -> Handling:
    command = event.command
    actor = event.actor
    own = LoadRequest(actor)  # most commands read their sender only
    match command:
        case Start():
            return Handling(own, views.start)
        case Help():
            return Handling(own, views.help_text)
        case ListQuests():
            return Handling(own, views.list_quests)
        case JoinQuest():
            return Handling(own, lambda work: views.join(work, command))
        case ShowProgress():
            return Handling(own, lambda work: views.progress(work, command))
        case ListBadges():
            return Handling(own, views.badges)
        case ListPathways():
            return Handling(own, pathways.show)
        case StartQuiz():
            return Handling(own, lambda work: quiz.start_quiz(work, command))
        case Answer(text=text):
            return Handling(own, lambda work: quiz.answer(work, text=text))
        case ChooseAnswer(token=token) if token.startswith(LANGUAGE_TOKEN):
            chosen = SetLanguage(token.removeprefix(LANGUAGE_TOKEN))
            return Handling(own, lambda work: language.set_language(work, chosen))
        case ChooseAnswer():
            return Handling(own, lambda work: quiz.answer(work, button=command))
        case PostMessage(text=text):
            return Handling(own, lambda work: _message(work, text))
        case React(message_id=message_id):
            post = post_key(event.conversation, message_id) if message_id is not None else None
            return Handling(LoadRequest(actor, post=post), lambda work: react(work, command))
        case CheckIn():
            return Handling(LoadRequest(actor, sessions=True),
                            lambda work: attendance.check_in(work, command))
        case IssueCode():
            return Handling(LoadRequest(actor, sessions=True),
                            lambda work: attendance.issue_code(work, command))
        case Grant(target=target):
            return Handling(LoadRequest(actor, target), lambda work: tutor.grant(work, command))
        case Revoke(target=target):
            return Handling(LoadRequest(actor, target), lambda work: tutor.revoke(work, command))
        case RevokeById(award_id=award_id):
            return Handling(LoadRequest(actor, award_id=award_id),
                            lambda work: tutor.revoke_by_id(work, command))
        case MakeTutor(target=target):
            return Handling(LoadRequest(actor, target),
                            lambda work: tutor.make_tutor(work, command))
        case SetEmail(email=email):
            return Handling(LoadRequest(actor, email_address=email),
                            lambda work: emailing.set_email(work, command))
        case ConfirmEmail():
            return Handling(LoadRequest(actor, email_confirmation=True),
                            lambda work: emailing.confirm_email(work, command))
        case ClaimBadge(code=code):
            return Handling(LoadRequest(actor, claim_code_hash=code_hash(code)),
                            lambda work: emailing.claim(work, command))
        case ShowName():
            return Handling(own, lambda work: views.show_name(work, command))
        case SetLanguage():
            return Handling(own, lambda work: language.set_language(work, command))
        case LinkAccount(code=code):
            hashed = code_hash(code) if code else None
            return Handling(LoadRequest(actor, link_code_hash=hashed),
                            lambda work: linking.link(work, command))
        case ExportData():
            return Handling(LoadRequest(actor, email_confirmation=True),
                            lambda work: privacy.export(work, command))
        case ForgetMe():
            return Handling(own, lambda work: privacy.forget(work, command))
        case Reload():
            return Handling(own, lambda work: tutor.reload_quests(work, command))
        case Submit():
            return Handling(own, lambda work: submission.submit(work, command))
        case ListSubmissions():
            return Handling(LoadRequest(actor, submissions=True),
                            lambda work: submission.list_pending(work, command))
        case ReviewSubmission(submission_id=submission_id):
            return Handling(LoadRequest(actor, submission=submission_id),
                            lambda work: submission.review(work, command))
        case ShowLeaderboard():
            return Handling(own, lambda work: leaderboards.show(work, command))
        case LeaderboardName():
            return Handling(own, lambda work: leaderboards.set_name(work, command))
        case SetReminders():
            return Handling(own, lambda work: reminders.set_reminders(work, command))
        case ShowCounters(target=target):
            return Handling(LoadRequest(actor, target),
                            lambda work: counters.show_counters(work, command))
        case OpenDashboard():
            return Handling(own, lambda work: dashboard.open_dashboard(work, command))
        case OpenWallet():
            return Handling(LoadRequest(actor, wallet=True),
                            lambda work: wallet.open_wallet(work, command))
        case HideBadge():
            return Handling(LoadRequest(actor, wallet=True),
                            lambda work: wallet.hide_badge(work, command))
        case ShowRecord():
            return Handling(LoadRequest(actor, wallet=True),
                            lambda work: wallet.show_record(work, command))
        case Invalid(problem=problem, params=params):
            return Handling(own, lambda work: _refuse(problem, params))
        case _:
            assert_never(command)


def _refuse(problem: str, params: tuple[tuple[str, str], ...]) -> None:
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
        count_participation(work, learner, "message", text=text)

