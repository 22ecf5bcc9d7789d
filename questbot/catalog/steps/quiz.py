"""Quizzes: multiple-choice, true/false and typed answers (exact words or an RE2 pattern),
with a pass mark, attempts, a cooldown and an optional time limit per question."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from questbot.catalog.fields import (
    MAX_ATTEMPTS,
    MAX_QUESTIONS,
    Cooldown,
    ShortText,
    Strict,
    TimeLimit,
)
from questbot.catalog.localized import (
    MAX_LANGUAGES,
    Language,
    LongLocalized,
    ShortLocalized,
    primary_language,
)
from questbot.catalog.patterns import (
    MAX_PATTERN_ANSWERS,
    MAX_PATTERN_CHARS,
    AnswerPattern,
    PatternError,
    check_pattern,
)
from questbot.catalog.steps.base import Problem, StepBase, Todo
from questbot.catalog.suggest import did_you_mean
from questbot.domain.progress import StepState


def _runs_in_re2(pattern: str, info: ValidationInfo) -> str:
    if isinstance(info.context, dict):  # the loader counts a file's patterns here
        seen = info.context["patterns"] = info.context.get("patterns", 0) + 1
        if seen > MAX_PATTERN_ANSWERS:
            raise PydanticCustomError(
                "too_many_patterns", "a quest file has at most {limit} pattern answers",
                {"limit": MAX_PATTERN_ANSWERS,
                 "hint": "list the accepted answers instead, or split the quest"})
    try:
        check_pattern(pattern)
    except PatternError as exc:
        raise PydanticCustomError("pattern", "{message}",
                                  {"message": exc.message, "hint": exc.hint}) from exc
    return pattern


class PatternAnswer(Strict):
    """A regular expression the whole answer must match, run by RE2 (see ``patterns``)."""

    pattern: Annotated[str, Field(min_length=1, max_length=MAX_PATTERN_CHARS,
                                  description="RE2 syntax: no backreferences or lookaround"),
                       AfterValidator(_runs_in_re2)]
    case_sensitive: bool = False
    _compiled: AnswerPattern | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _compile_once(self) -> PatternAnswer:
        try:
            self._compiled = AnswerPattern(self.pattern, self.case_sensitive)
        except PatternError as exc:
            raise PydanticCustomError("pattern", "{message}",
                                      {"message": exc.message, "hint": exc.hint}) from exc
        return self

    def matches(self, answer: str) -> bool:
        compiled = self._compiled or AnswerPattern(self.pattern, self.case_sensitive)
        return compiled.matches(answer)


class ChoiceQuestion(Strict):
    text: LongLocalized
    choices: tuple[ShortLocalized, ...] = Field(min_length=2, max_length=10)
    answer: ShortText = Field(
        description="the correct choice, spelled as in choices (in the quest's language)")
    explanation: LongLocalized | None = None


class TrueFalseQuestion(Strict):
    text: LongLocalized
    answer: bool
    explanation: LongLocalized | None = None


def _answer_shape(value: Any) -> str:
    if isinstance(value, PatternAnswer):
        return "pattern-answer"
    if isinstance(value, dict):  # {pattern: ...} or {en: [...], fr: [...]}
        return "pattern-answer" if value.keys() & PatternAnswer.model_fields else "by-language"
    return "answer-list" if isinstance(value, list | tuple) else "one-answer"


AnswerList = Annotated[tuple[ShortText, ...], Field(min_length=1, max_length=100)]
Answers = Annotated[
    Annotated[ShortText, Tag("one-answer")]
    | Annotated[AnswerList, Tag("answer-list")]
    | Annotated[PatternAnswer, Tag("pattern-answer")],
    Discriminator(_answer_shape),
]
AnswersByLanguage = Annotated[
    Mapping[Language, Answers],
    Field(min_length=1, max_length=MAX_LANGUAGES,
          # so that {pattern: ...} is a pattern answer only, as the loader reads it
          json_schema_extra={"additionalProperties": False})]
TextAnswer = Annotated[
    Annotated[ShortText, Tag("one-answer")]
    | Annotated[AnswerList, Tag("answer-list")]
    | Annotated[PatternAnswer, Tag("pattern-answer")]
    | Annotated[AnswersByLanguage, Tag("by-language")],
    Discriminator(_answer_shape),
]


class TextQuestion(Strict):
    text: LongLocalized
    answer: TextAnswer = Field(
        description="accepted answer(s), compared ignoring case and spacing, or {pattern: "
                    "REGEX}; or either by language: {en: [colour], fr: [couleur]}")
    explanation: LongLocalized | None = None

    def answers_for(self, language: str, default: str) -> str | tuple[str, ...] | PatternAnswer:
        """The answers accepted from a learner in ``language``: that language's, else the
        quest's default language's, else the first given."""
        if not isinstance(self.answer, Mapping):
            return self.answer
        for wanted in (language, primary_language(language), default):
            if wanted in self.answer:
                return self.answer[wanted]
        return next(iter(self.answer.values()))


def _question_shape(value: Any) -> str:
    if isinstance(value, dict):
        if "choices" in value:
            return "choice-question"
        if isinstance(value.get("answer"), bool):
            return "true-false-question"
        return "text-question"
    if isinstance(value, ChoiceQuestion):
        return "choice-question"
    return "true_false" if isinstance(value, TrueFalseQuestion) else "text"


QuizQuestion = Annotated[
    Annotated[ChoiceQuestion, Tag("choice-question")]
    | Annotated[TrueFalseQuestion, Tag("true-false-question")]
    | Annotated[TextQuestion, Tag("text-question")],
    Discriminator(_question_shape),
]


class QuizStep(StepBase):
    kind: Literal["quiz"]
    pass_mark: float = Field(gt=0, le=1, allow_inf_nan=False,
                             description="share of correct answers needed, 0-1")
    attempts: int = Field(3, ge=1, le=MAX_ATTEMPTS)
    cooldown: Cooldown = 0
    time_limit: TimeLimit | None = None
    questions: tuple[QuizQuestion, ...] = Field(min_length=1, max_length=MAX_QUESTIONS)

    def problems(self) -> Iterator[Problem]:
        for index, question in enumerate(self.questions):
            if not isinstance(question, ChoiceQuestion):
                continue
            folded = [c.casefold() for c in question.choices]
            if len(set(folded)) != len(folded):
                yield ("questions", index, "choices"), "two choices are the same", None
            if question.answer not in question.choices:
                yield (("questions", index, "answer"),
                       f"answer '{question.answer}' is not one of the choices",
                       did_you_mean(question.answer, list(question.choices)))

    def todo(self, quest_id: str, state: StepState | None) -> Todo:
        count = state.count if state else 0
        return "step.todo_quiz", {"used": count, "attempts": self.attempts, "id": self.id,
                                  "quest": quest_id}
