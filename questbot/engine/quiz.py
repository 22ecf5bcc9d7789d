"""Quizzes: questions one at a time, feedback after each, pass marks, attempts, cooldowns."""

from __future__ import annotations

import math

from questbot.catalog import (
    MAX_ANSWER_CHARS,
    ChoiceQuestion,
    PatternAnswer,
    Quest,
    QuizStep,
    TextQuestion,
    TrueFalseQuestion,
)
from questbot.domain.changes import MAX_KEPT_ANSWER, RecordAnswer
from questbot.domain.errors import Rejected
from questbot.domain.messages import Choice, ChooseAnswer, Question, StartQuiz
from questbot.domain.progress import ActiveQuiz, LearnerState
from questbot.engine.opening import refusal
from questbot.engine.progression import complete_step, require_available
from questbot.engine.work import Work

QuizQuestion = ChoiceQuestion | TrueFalseQuestion | TextQuestion
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "2", "0"}


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def start_quiz(work: Work, command: StartQuiz) -> None:
    learner = work.actor()
    if learner.quiz is not None:
        quest = work.ctx.catalog.get(learner.quiz.quest_id)
        step = quest.steps.get(learner.quiz.step_id) if quest else None
        if quest and _ended_by_closing(work, learner, quest):
            return
        if quest and isinstance(step, QuizStep) and learner.quiz.index < len(step.questions):
            work.say("quiz.resume")
            work.reply(_question(work, step, learner.quiz))
            return
        learner.quiz = None  # the quiz changed under a reload; start afresh
    quest, step = _choose_quiz(work, learner, command)
    state = learner.step(quest.id, step.id)
    if state.completed_at is not None:
        raise Rejected("quiz.passed", step=work.text(step.title) or step.id)
    if state.count >= step.attempts:
        raise Rejected("quiz.no_attempts", step=work.text(step.title) or step.id)
    if step.cooldown and state.last_attempt_at is not None:
        wait = step.cooldown - (work.now - state.last_attempt_at).total_seconds()
        if wait > 0:
            raise Rejected("quiz.cooldown", seconds=math.ceil(wait))
    require_available(work, learner, quest, step)
    state.count += 1
    state.last_attempt_at = work.now
    work.save_step(learner, state)
    learner.quiz = ActiveQuiz(quest.id, step.id, state.count, work.ctx.new_id()[:8], 0, 0,
                              work.now, work.event.conversation.chat_id)
    work.touch(learner)
    work.say("quiz.intro", step=work.text(step.title) or step.id, count=len(step.questions),
             mark=round(step.pass_mark * 100), attempt=state.count, attempts=step.attempts)
    work.reply(_question(work, step, learner.quiz))


def _choose_quiz(work: Work, learner: LearnerState, command: StartQuiz) -> tuple[Quest, QuizStep]:
    if command.quest_id is not None:
        quest = work.quest(command.quest_id)
        if quest.id not in learner.enrolments:
            raise Rejected("quest.not_joined", quest=quest.id)
        if command.step_id is not None:
            step = quest.steps.get(command.step_id)
            if not isinstance(step, QuizStep):
                raise Rejected("quiz.not_quiz", step=command.step_id, quest=quest.id)
            return quest, step
        candidates = [(quest, s) for s in quest.spec.steps if isinstance(s, QuizStep)]
    else:
        joined = [q for qid in learner.enrolments if (q := work.ctx.catalog.get(qid))]
        candidates = [(q, s) for q in joined for s in q.spec.steps if isinstance(s, QuizStep)]
    if not candidates:
        raise Rejected("quiz.none")
    open_ones = [(q, s) for q, s in candidates if not learner.is_complete(q.id, s.id)]
    return (open_ones or candidates)[0]


def _question(work: Work, step: QuizStep, quiz: ActiveQuiz) -> Question:
    question = step.questions[quiz.index]
    heading = work.t("quiz.question", number=quiz.index + 1, count=len(step.questions),
                     text=work.text(question.text))
    labels: tuple[str, ...]
    if isinstance(question, ChoiceQuestion):
        labels = tuple(work.text(choice) for choice in question.choices)
    elif isinstance(question, TrueFalseQuestion):
        labels = (work.t("quiz.true"), work.t("quiz.false"))
    else:
        labels = ()
        heading += "\n" + work.t("quiz.type_answer")
    choices = tuple(Choice(label, f"{quiz.nonce}.{quiz.index}.{i}") for i, label in
                    enumerate(labels))
    return Question(heading, choices, step.time_limit, language=work.language)


def answer(work: Work, text: str | None = None, button: ChooseAnswer | None = None) -> None:
    learner = work.actor()
    quiz = learner.quiz
    if quiz is None:
        raise Rejected("quiz.not_started")
    quest = work.ctx.catalog.get(quiz.quest_id)
    step = quest.steps.get(quiz.step_id) if quest else None
    if quest is None or not isinstance(step, QuizStep) or quiz.index >= len(step.questions):
        learner.quiz = None
        work.touch(learner)
        work.say("quiz.gone")
        return
    if _ended_by_closing(work, learner, quest):
        return
    question = step.questions[quiz.index]
    if button is not None:
        choice = _choice_from_token(button.token, quiz)
        correct = _grade_choice(question, choice)
        given = _chosen(question, choice)
    else:
        correct = _grade_text(work, quest, question, text or "")
        given = _typed(question, text or "")
    late = step.time_limit is not None and (
        (work.now - quiz.asked_at).total_seconds() > step.time_limit)
    if late:
        correct = False
        work.say("quiz.too_late")
    elif correct:
        work.say("quiz.correct")
    else:
        work.say("quiz.wrong")
    if question.explanation:
        work.say("quiz.explanation", text=work.text(question.explanation))
    work.changes.append(RecordAnswer(learner.learner_id, quest.id, step.id, quiz.index, correct,
                                     None if correct else given, work.now))
    quiz.correct += int(correct)
    quiz.index += 1
    quiz.asked_at = work.now
    work.touch(learner)
    if quiz.index < len(step.questions):
        work.reply(_question(work, step, quiz))
        return
    _finish(work, learner, quest, step, quiz)


def _ended_by_closing(work: Work, learner: LearnerState, quest: Quest) -> bool:
    """A quiz begun before its quest closed does not finish after: it ends, saying why (and
    the learner's next words are no longer taken for answers)."""
    refused = refusal(work, quest)
    if refused is None:
        return False
    learner.quiz = None
    work.touch(learner)
    work.say(refused.key, **refused.params)
    return True


def _finish(work: Work, learner: LearnerState, quest: Quest, step: QuizStep,
            quiz: ActiveQuiz) -> None:
    learner.quiz = None
    total = len(step.questions)
    passed = quiz.correct / total + 1e-9 >= step.pass_mark
    work.say("quiz.score", correct=quiz.correct, count=total,
             percent=round(100 * quiz.correct / total))
    if passed:
        complete_step(work, learner, quest, step.id,
                      {"score": f"{quiz.correct}/{total}", "attempt": str(quiz.attempt)})
        return
    left = step.attempts - learner.step(quest.id, step.id).count
    if left <= 0:
        work.say("quiz.failed_final", mark=round(step.pass_mark * 100))
    elif step.cooldown:
        work.say("quiz.failed_cooldown", mark=round(step.pass_mark * 100), left=left,
                 seconds=step.cooldown)
    else:
        work.say("quiz.failed_retry", mark=round(step.pass_mark * 100), left=left)


def _choice_from_token(token: str, quiz: ActiveQuiz) -> int:
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != quiz.nonce or parts[1] != str(quiz.index):
        raise Rejected("quiz.stale")
    try:
        return int(parts[2])
    except ValueError as exc:
        raise Rejected("quiz.stale") from exc


def _chosen(question: QuizQuestion, choice: int) -> str:
    """A pressed button as the dashboard shows it: the choice in the quest's own words."""
    if isinstance(question, ChoiceQuestion):
        return str(question.choices[choice])[:MAX_KEPT_ANSWER]
    return "true" if choice == 0 else "false"


def _typed(question: QuizQuestion, text: str) -> str:
    """A typed answer as kept for the dashboard: normalised and short (the learner's own
    words, so only wrong ones are kept, and /forget deletes them)."""
    given = normalise(text)
    if isinstance(question, ChoiceQuestion) and given.isdigit() \
            and 1 <= int(given) <= len(question.choices):
        return _chosen(question, int(given) - 1)
    return given[:MAX_KEPT_ANSWER]


def _grade_choice(question: QuizQuestion, choice: int) -> bool:
    if isinstance(question, ChoiceQuestion):
        if not 0 <= choice < len(question.choices):
            raise Rejected("quiz.stale")
        return question.choices[choice] == question.answer
    if isinstance(question, TrueFalseQuestion):
        if choice not in (0, 1):
            raise Rejected("quiz.stale")
        return (choice == 0) == question.answer
    raise Rejected("quiz.type_it")


def _grade_text(work: Work, quest: Quest, question: QuizQuestion, text: str) -> bool:
    """Grade a typed answer. This runs inside the event's transaction (on SQLite's writer),
    so its cost is bounded: answers longer than MAX_ANSWER_CHARS are refused before any
    comparison, and patterns run on RE2, at most O(program x answer) (see catalog.patterns:
    2,000 instructions x 200 characters; well under a millisecond measured)."""
    stripped = text.strip()
    if len(stripped) > MAX_ANSWER_CHARS:
        raise Rejected("input.too_long", limit=MAX_ANSWER_CHARS)
    given = normalise(stripped)
    if not given:
        raise Rejected("quiz.empty_answer")
    if isinstance(question, ChoiceQuestion):
        if given.isdigit() and 1 <= int(given) <= len(question.choices):
            return _grade_choice(question, int(given) - 1)
        folded = [normalise(work.text(c)) for c in question.choices]
        if given not in folded:
            raise Rejected("quiz.pick_choice", count=len(question.choices))
        return _grade_choice(question, folded.index(given))
    if isinstance(question, TrueFalseQuestion):
        # the words of the learner's language as well as English's (vrai, fìor...)
        if given in _TRUE or given == normalise(work.t("quiz.true")):
            return question.answer is True
        if given in _FALSE or given == normalise(work.t("quiz.false")):
            return question.answer is False
        raise Rejected("quiz.true_or_false")
    expected = question.answers_for(work.language, quest.language)
    if isinstance(expected, PatternAnswer):
        return expected.matches(stripped)
    accepted = (expected,) if isinstance(expected, str) else expected
    return given in {normalise(a) for a in accepted}
