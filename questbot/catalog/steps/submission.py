"""Submission: the learner hands in evidence (a link, a short text, or a file) and it is
accepted by a rule (a pattern a link or text must match) or reviewed by a tutor, who approves
it or asks for another try with feedback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from questbot.catalog.localized import PromptLocalized
from questbot.catalog.steps.base import Problem, StepBase, Todo
from questbot.catalog.steps.quiz import PatternAnswer
from questbot.domain.progress import StepState
from questbot.domain.submissions import EvidenceForm, SubmissionStatus, status_of

FORMS: tuple[EvidenceForm, ...] = ("link", "text", "file")


class SubmissionStep(StepBase):
    kind: Literal["submission"]
    accepts: tuple[EvidenceForm, ...] = Field(
        FORMS, min_length=1, max_length=3, description="what the learner may hand in")
    review: Literal["tutor", "auto"] = Field(
        "tutor", description="tutor: a tutor approves or rejects it (/review); auto: accepted "
                             "at once when it matches the pattern")
    pattern: PatternAnswer | None = Field(
        None, description="for review: auto, the RE2 pattern a link or text must match")
    prompt: PromptLocalized | None = Field(
        None, description="what to hand in, shown by /progress")

    def problems(self) -> Iterator[Problem]:
        if len(set(self.accepts)) != len(self.accepts):
            yield ("accepts",), "a form of evidence is listed twice", None
        if self.review == "auto":
            if self.pattern is None:
                yield (("review",), "review: auto needs a pattern to accept by",
                       "add pattern: {pattern: 'https://github\\.com/.+'}, or review: tutor")
            if "file" in self.accepts:
                yield (("accepts",), "a file cannot be accepted by a pattern",
                       "files need a tutor's review: use review: tutor, or accepts: [link]")
        elif self.pattern is not None:
            yield (("pattern",), "a pattern is only used with review: auto",
                   "remove it, or set review: auto")

    def todo(self, quest_id: str, state: StepState | None) -> Todo:
        match status_of(state.evidence if state else {}):
            case SubmissionStatus.PENDING:
                return "step.todo_submission_pending", {}
            case SubmissionStatus.REJECTED:
                feedback = state.evidence.get("feedback", "") if state else ""
                return "step.todo_submission_rejected", {"quest": quest_id, "id": self.id,
                                                         "feedback": feedback}
            case SubmissionStatus.NONE | SubmissionStatus.ACCEPTED:
                return "step.todo_submission", {"quest": quest_id, "id": self.id,
                                                "forms": "/".join(self.accepts),
                                                "prompt": self.prompt or ""}
