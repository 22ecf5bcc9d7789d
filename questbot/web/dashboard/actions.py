"""What staff do from the web: grant, revoke (with a reason) and review. Each is the very
``Command`` the chat commands make, sent through the engine as an ``Event`` whose actor is
the signed-in account, so the rules are the same (no self-award, tutors only, reasons
required) and the record names the tutor as the chat commands do. A form's one-time nonce is
the event's id: sending a form twice changes nothing more and gets the same answer."""

from __future__ import annotations

import re

from aiohttp import web

from questbot.domain.commands import MAX_REASON
from questbot.domain.ids import ConversationRef, UserRef
from questbot.domain.messages import (
    Command,
    Event,
    Grant,
    ReviewSubmission,
    RevokeById,
    Text,
)
from questbot.web.dashboard.sessions import Staff, form_of
from questbot.web.dashboard.setup import DASHBOARD
from questbot.web.dashboard.view import PREFIX, Page
from questbot.web.language import PageLanguage

NONCE = re.compile(r"[A-Za-z0-9_-]{16,43}")
WORD = re.compile(r"[a-z0-9_.-]{1,64}")
ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
CHAT = "dashboard"  # the conversation the web's events come from


async def _run(request: web.Request, staff: Staff, language: PageLanguage, nonce: str,
               command: Command) -> list[str]:
    setup = request.config_dict[DASHBOARD]
    event = Event(f"web.{nonce}", staff.account,
                  ConversationRef(staff.account.platform, CHAT, private=True), command,
                  language=language.code, platform_role=staff.platform_role)
    replies = await setup.engine.handle(event)
    return [r.text for r in replies if isinstance(r, Text)]


def _done(language: PageLanguage, learner_id: str, said: list[str]) -> Page:
    back = language.keep(f"{PREFIX}/learners/{learner_id}")
    return Page("done.html", language.say("dash.done"), values={"said": said, "back": back})


def _refused(language: PageLanguage, learner_id: str, key: str) -> Page:
    page = _done(language, learner_id, [language.say(key)])
    page.status = 400
    return page


async def _target(request: web.Request) -> tuple[str, UserRef | None]:
    learner_id = request.match_info.get("learner_id", "")
    if not ID.fullmatch(learner_id):
        raise web.HTTPNotFound(text="learner")
    detail = await request.config_dict[DASHBOARD].store.learner_detail(learner_id)
    if detail is None:
        raise web.HTTPNotFound(text="learner")
    accounts = detail.learner.accounts
    return learner_id, accounts[0] if accounts else None


def _nonce(form: dict[str, str]) -> str | None:
    nonce = form.get("nonce", "")
    return nonce if NONCE.fullmatch(nonce) else None


async def grant(request: web.Request, staff: Staff, language: PageLanguage) -> Page:
    form = await form_of(request)
    learner_id, account = await _target(request)
    quest_id, _, item = form.get("item", "").partition("|")
    reason = form.get("reason", "").strip()[:MAX_REASON]
    nonce = _nonce(form)
    if account is None or nonce is None or not (WORD.fullmatch(quest_id)
                                                and WORD.fullmatch(item)):
        return _refused(language, learner_id, "dash.bad_form")
    if not reason:
        return _refused(language, learner_id, "dash.reason_needed")
    said = await _run(request, staff, language, nonce, Grant(account, quest_id, item, reason))
    return _done(language, learner_id, said)


async def revoke(request: web.Request, staff: Staff, language: PageLanguage) -> Page:
    form = await form_of(request)
    learner_id, _ = await _target(request)
    award_id = form.get("award", "")
    reason = form.get("reason", "").strip()[:MAX_REASON]
    nonce = _nonce(form)
    if nonce is None or not ID.fullmatch(award_id):
        return _refused(language, learner_id, "dash.bad_form")
    if not reason:
        return _refused(language, learner_id, "dash.reason_needed")
    said = await _run(request, staff, language, nonce, RevokeById(award_id, reason))
    return _done(language, learner_id, said)


async def review(request: web.Request, staff: Staff, language: PageLanguage) -> Page:
    form = await form_of(request)
    learner_id, _ = await _target(request)
    submission = form.get("submission", "")
    decision = form.get("decision", "")
    feedback = form.get("feedback", "").strip()[:MAX_REASON]
    nonce = _nonce(form)
    if nonce is None or not ID.fullmatch(submission) or decision not in ("approve", "reject"):
        return _refused(language, learner_id, "dash.bad_form")
    if decision == "reject" and not feedback:
        return _refused(language, learner_id, "dash.feedback_needed")
    said = await _run(request, staff, language, nonce,
                      ReviewSubmission(submission, decision == "approve", feedback))
    return _done(language, learner_id, said)
