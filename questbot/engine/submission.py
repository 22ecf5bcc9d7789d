"""Submission steps: a learner hands in evidence; a rule or a tutor accepts it.

The submission lives in the step's evidence until it is accepted (see
``questbot.domain.submissions``); a file's bytes are kept by the store under an unguessable
ref, served at ``/evidence/REF``. A tutor never reviews their own submission. Accepted
evidence becomes the badge's evidence: linked when the learner agreed (``public``), otherwise
described without a link.
"""

from __future__ import annotations

import hashlib
import re

from questbot.catalog import Quest
from questbot.catalog.steps.submission import SubmissionStep
from questbot.domain.changes import KeepEvidenceFile
from questbot.domain.errors import Rejected
from questbot.domain.messages import ListSubmissions, ReviewSubmission, Submit, Text
from questbot.domain.progress import LearnerState, PendingSubmission, Role, StepState
from questbot.domain.submissions import (
    BY,
    FEEDBACK,
    FILE_NAME,
    FORM,
    MAX_FILE_BYTES,
    MAX_TEXT,
    MEDIA,
    PUBLIC,
    STATUS,
    SUBMISSION,
    VALUE,
    EvidenceForm,
    SubmissionStatus,
    safe_file_name,
    sniff,
    status_of,
)
from questbot.engine.joining import require_joinable
from questbot.engine.progression import (
    complete_step,
    ensure_enrolled,
    require_available,
    step_title,
)
from questbot.engine.work import Work

_LINK = re.compile(r"^https?://[^\s<>\"]{1,1000}$")
_MEDIA_NAMES = {"image/png": "PNG image", "image/jpeg": "JPEG image", "application/pdf": "PDF"}
MAX_LISTED = 20


def evidence_url(work: Work, ref: str) -> str:
    return f"{work.ctx.settings.base_url.rstrip('/')}/evidence/{ref}"


def _step(work: Work, quest: Quest, step_id: str) -> SubmissionStep:
    step = quest.steps.get(step_id)
    if not isinstance(step, SubmissionStep):
        raise Rejected("submission.not_one", quest=quest.id, step=step_id)
    return step


def submit(work: Work, command: Submit) -> None:
    learner = work.actor()
    quest = work.quest(command.quest_id)
    step = _step(work, quest, command.step_id)
    title = work.text(step.title) or step.id
    if learner.is_complete(quest.id, step.id):
        raise Rejected("submission.done", step=title)
    if quest.id not in learner.enrolments:  # joining by doing: the same rules
        require_joinable(work, learner, quest)
    require_available(work, learner, quest, step)
    form, value, extra = _evidence(work, learner, step, command)
    if step.review == "auto":
        assert step.pattern is not None  # the loader refuses auto review without one
        if not step.pattern.matches(value):
            raise Rejected("submission.no_match", step=title)
        if ensure_enrolled(work, learner, quest):
            work.say("quest.joined", quest=work.text(quest.title),
                     badge=work.text(quest.spec.badge.name))
        accepted = _accepted(work, form, value, extra, command.public)
        complete_step(work, learner, quest, step.id, {**accepted, "accepted": "by its rule"})
        return
    ensure_enrolled(work, learner, quest)
    state = learner.step(quest.id, step.id)
    state.count += 1
    submission_id = hashlib.sha256(work.ctx.new_id().encode()).hexdigest()[:12]
    state.evidence = {STATUS: SubmissionStatus.PENDING, SUBMISSION: submission_id, FORM: form,
                      VALUE: value, PUBLIC: "yes" if command.public else "no", **extra}
    state.last_attempt_at = work.now
    work.save_step(learner, state)
    work.say("submission.received", step=title, quest=work.text(quest.title))


def _evidence(work: Work, learner: LearnerState, step: SubmissionStep, command: Submit
              ) -> tuple[EvidenceForm, str, dict[str, str]]:
    """The form, the value (a link, a text, or a file's ref) and file details."""
    forms = "/".join(step.accepts)
    if command.attachment is not None:
        if "file" not in step.accepts:
            raise Rejected("submission.form", forms=forms)
        data = command.attachment.data
        if command.attachment.too_large:
            raise Rejected("submission.file_size", limit=MAX_FILE_BYTES // (1024 * 1024))
        media = sniff(data)
        if media is None:
            raise Rejected("submission.file_type")
        ref = work.ctx.new_id()
        name = safe_file_name(command.attachment.name)
        work.changes.append(KeepEvidenceFile(ref, learner.learner_id, name, media, data,
                                             work.now))
        return "file", ref, {FILE_NAME: name, MEDIA: media}
    text = (command.text or "").strip()
    if not text:
        raise Rejected("usage.submit")
    form: EvidenceForm = "link" if _LINK.match(text) else "text"
    if form not in step.accepts:
        raise Rejected("submission.needs_link" if form == "text" and "link" in step.accepts
                       else "submission.form", forms=forms)
    if len(text) > MAX_TEXT:
        raise Rejected("submission.too_long", limit=MAX_TEXT)
    return form, text, {}


def _accepted(work: Work, form: str, value: str, extra: dict[str, str], public: bool
              ) -> dict[str, str]:
    """The badge's evidence for this step: the thing itself if public, else what it was."""
    if public:
        return {form: evidence_url(work, value) if form == "file" else value}
    what = _MEDIA_NAMES.get(extra.get(MEDIA, ""), "a file") if form == "file" else f"a {form}"
    return {"handed in": f"{what} (not published)"}


def list_pending(work: Work, command: ListSubmissions) -> None:
    tutor = work.actor()
    work.require_role(tutor, Role.TUTOR)
    pending = [p for p in work.snapshot.submissions
               if command.quest_id is None or p.step.quest_id == command.quest_id]
    if not pending:
        work.say("review.none")
        return
    lines = [_line(work, p) for p in pending[:MAX_LISTED]]
    work.say("review.list", count=len(pending), lines="\n".join(lines))


def _line(work: Work, pending: PendingSubmission) -> str:
    evidence = pending.step.evidence
    quest = work.ctx.catalog.get(pending.step.quest_id)
    step = work.text(step_title(quest, pending.step.step_id)) if quest else pending.step.step_id
    value = evidence.get(VALUE, "")
    shown = (f"{evidence.get(FILE_NAME, 'file')} {evidence_url(work, value)}"
             if evidence.get(FORM) == "file" else value[:200])
    return work.t("review.line", id=evidence.get(SUBMISSION, "?"),
                  learner=pending.display_name or "?", step=step, evidence=shown)


def review(work: Work, command: ReviewSubmission) -> None:
    tutor = work.actor()
    work.require_role(tutor, Role.TUTOR)
    learner = work.snapshot.target
    found = _pending(learner, command.submission_id) if learner else None
    if learner is None or found is None:
        raise Rejected("review.unknown", id=command.submission_id)
    own = work.snapshot.actor_emails | ({tutor.email} if tutor.email else set())
    if learner.learner_id == tutor.learner_id or (learner.email and learner.email in own):
        raise Rejected("review.own")
    quest = work.ctx.catalog.get(found.quest_id)
    if quest is None:
        raise Rejected("quest.unknown", quest=found.quest_id)
    title = work.text(step_title(quest, found.step_id))
    theirs = work.text(step_title(quest, found.step_id), work.language_for(learner))
    tutor_name = tutor.display_name or "a tutor"
    name = learner.display_name or "the learner"
    evidence = found.evidence
    if command.approve:
        accepted = _accepted(work, evidence.get(FORM, "text"), evidence.get(VALUE, ""),
                             dict(evidence), evidence.get(PUBLIC) == "yes")
        accepted["reviewed by"] = tutor_name
        if command.feedback:
            accepted[FEEDBACK] = command.feedback
        work.deliver(learner, Text(work.t_for(learner, "submission.approved", tutor=tutor_name,
                                              step=theirs, feedback=command.feedback or "-")))
        complete_step(work, learner, quest, found.step_id, accepted, to_actor=False)
        work.say("review.approved", learner=name, step=title)
        return
    found.evidence = {**evidence, STATUS: SubmissionStatus.REJECTED, FEEDBACK: command.feedback,
                      BY: tutor_name}
    work.save_step(learner, found)
    work.deliver(learner, Text(work.t_for(learner, "submission.rejected", tutor=tutor_name,
                                          step=theirs, feedback=command.feedback,
                                          quest=quest.id, id=found.step_id)))
    work.say("review.rejected", learner=name, step=title)


def _pending(learner: LearnerState, submission_id: str) -> StepState | None:
    return next((s for s in learner.steps.values()
                 if s.evidence.get(SUBMISSION) == submission_id
                 and status_of(s.evidence) is SubmissionStatus.PENDING), None)
