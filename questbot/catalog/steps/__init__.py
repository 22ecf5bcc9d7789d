"""The step kinds. ``Step`` is the one registration: a new kind is a module here and one more
member of this union; the loader's hints, the JSON Schema and every exhaustive ``match``
follow from it."""

from __future__ import annotations

from typing import Annotated, get_args

from pydantic import Field

from questbot.catalog.steps.attendance import AttendanceStep
from questbot.catalog.steps.base import Problem, StepBase, Todo
from questbot.catalog.steps.participation import ParticipationStep
from questbot.catalog.steps.quiz import (
    ChoiceQuestion,
    PatternAnswer,
    QuizQuestion,
    QuizStep,
    TextQuestion,
    TrueFalseQuestion,
)
from questbot.catalog.steps.submission import SubmissionStep

AnyStep = ParticipationStep | QuizStep | AttendanceStep | SubmissionStep
Step = Annotated[AnyStep, Field(discriminator="kind")]

STEP_KINDS: tuple[str, ...] = tuple(
    get_args(kind.model_fields["kind"].annotation)[0] for kind in get_args(AnyStep))

__all__ = [
    "STEP_KINDS",
    "AnyStep",
    "AttendanceStep",
    "ChoiceQuestion",
    "ParticipationStep",
    "PatternAnswer",
    "Problem",
    "QuizQuestion",
    "QuizStep",
    "Step",
    "StepBase",
    "SubmissionStep",
    "TextQuestion",
    "Todo",
    "TrueFalseQuestion",
]
