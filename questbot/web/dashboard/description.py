"""The dashboard's routes in the badge server's OpenAPI description, so schemathesis sends
its generated requests there too. Without a session every page answers 401 (a sign-in
page); forms without the session's CSRF token 403; nothing 5xx."""

from __future__ import annotations

from typing import Any

HTML = "text/html"
CSV = "text/csv"


def _answer(description: str, *types: str) -> dict[str, Any]:
    return {"description": description, "content": {t: {"schema": {"type": "string"}}
                                                    for t in types}}


def _param(name: str, where: str = "path", description: str = "",
           **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path",
            "description": description or name, "schema": {"type": "string", **schema}}


DAY = {"pattern": r"^\d{4}-\d{2}-\d{2}$"}
SLUG = {"pattern": r"^[A-Za-z0-9_.-]{1,64}$"}
LANG = _param("lang", "query", "the page's language (en, fr, gd)")
TABLE = _param("csv", "query", "one of the page's tables, as CSV")

PAGE_ANSWERS = {
    "200": _answer("The page, or with ?csv= one of its tables.", HTML, CSV),
    "400": _answer("A filter that cannot be read.", HTML),
    "401": _answer("Not signed in, or the session ended.", HTML),
    "403": _answer("Signed in, but this page is for admins.", HTML),
    "404": _answer("No such quest, step, learner or table.", HTML),
}
FORM_ANSWERS = {
    "200": _answer("What the engine answered.", HTML),
    "400": _answer("The form is incomplete (a reason or feedback is missing).", HTML),
    "401": _answer("Not signed in.", HTML),
    "403": _answer("No CSRF token, or not the session's.", HTML),
    "404": _answer("No such learner.", HTML),
    "413": _answer("Larger than any dashboard form.", HTML),
}
FORM_BODY = {"required": False, "content": {"application/x-www-form-urlencoded": {
    "schema": {"type": "object", "additionalProperties": {"type": "string"}}}}}


def _page(summary: str, *params: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "tags": ["dashboard"],
                    "parameters": [*params, LANG, TABLE], "responses": PAGE_ANSWERS}}


def _form(summary: str) -> dict[str, Any]:
    return {"post": {"summary": summary, "tags": ["dashboard"],
                     "parameters": [_param("learner_id"), LANG], "requestBody": FORM_BODY,
                     "responses": FORM_ANSWERS}}


QUEST = _param("quest_id")
STEP = _param("step_id")


def paths() -> dict[str, Any]:
    token = _param("token", description="the one-time sign-in token the bot gave")
    return {
        "/dashboard/": _page("The quests: joined, completed, median time"),
        "/dashboard/sign-in": {"get": {
            "summary": "How to sign in (send /dashboard to the bot)", "tags": ["dashboard"],
            "parameters": [LANG], "responses": {"200": _answer("The page.", HTML)}}},
        "/dashboard/sign-in/{token}": {
            "get": {"summary": "A button that signs in with a one-time link (a GET never uses"
                               " the link up: chat apps fetch links for previews)",
                    "tags": ["dashboard"], "parameters": [token, LANG],
                    "responses": {"200": _answer("The page.", HTML),
                                  "403": _answer("Not a sign-in token.", HTML)}},
            "post": {"summary": "Sign in: uses the link up", "tags": ["dashboard"],
                     "parameters": [token, LANG], "requestBody": FORM_BODY,
                     "responses": {"303": {"description": "Signed in: on to the dashboard."},
                                   "403": _answer("Used, expired or unknown link, or no"
                                                  " CSRF token.", HTML),
                                   "413": _answer("Larger than any form.", HTML)}}},
        "/dashboard/sign-out": {"post": {
            "summary": "Sign out", "tags": ["dashboard"], "parameters": [LANG],
            "requestBody": FORM_BODY,
            "responses": {"303": {"description": "Signed out."},
                          "403": _answer("No CSRF token.", HTML),
                          "413": _answer("Larger than any form.", HTML)}}},
        "/dashboard/static/dashboard.css": {"get": {
            "summary": "The dashboard's style sheet", "tags": ["dashboard"],
            "responses": {"200": _answer("CSS.", "text/css")}}},
        "/dashboard/quests/{quest_id}": _page("A quest: funnel, completions, learners", QUEST),
        "/dashboard/quests/{quest_id}/quiz/{step_id}": _page(
            "A quiz: right answers and common wrong ones, per question", QUEST, STEP),
        "/dashboard/quests/{quest_id}/attendance/{step_id}": _page(
            "An attendance step: who checked in", QUEST, STEP),
        "/dashboard/awards": _page(
            "Awards and revocations over time", _param("quest", "query", **SLUG),
            _param("badge", "query", **SLUG), _param("since", "query", "YYYY-MM-DD", **DAY),
            _param("until", "query", "YYYY-MM-DD", **DAY)),
        "/dashboard/learners": _page("Learners, newest first",
                                     _param("before", "query", "an ISO 8601 time",
                                            format="date-time")),
        "/dashboard/learners/{learner_id}": _page(
            "A learner: progress, awards, submissions waiting", _param("learner_id")),
        "/dashboard/learners/{learner_id}/grant": _form("Grant a step or badge"),
        "/dashboard/learners/{learner_id}/revoke": _form("Revoke a badge, with a reason"),
        "/dashboard/learners/{learner_id}/review": _form("Approve or send back a submission"),
        "/dashboard/outbox": _page("Messages that failed, with reasons (admins)"),
        "/dashboard/quest-files": _page("Quest files and their errors (admins)"),
        "/dashboard/webhooks": _page("Webhook endpoints and failed deliveries (admins)"),
    }
