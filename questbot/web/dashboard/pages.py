"""The dashboard's pages. Each finds its figures and tables; ``view`` answers with HTML or
one table as CSV. Every id from the address is bounded and looked up: unknown ones are 404s,
malformed filters 400s."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from aiohttp import web

from questbot.domain.errors import QuestbotError
from questbot.domain.submissions import FILE_NAME, FORM, STATUS, SUBMISSION, VALUE
from questbot.ports.dashboard import AwardFilter, AwardRow, QuestOutline, StepOutline
from questbot.web.dashboard import charts, figures
from questbot.web.dashboard.setup import DASHBOARD
from questbot.web.dashboard.tables import Link, Table
from questbot.web.dashboard.view import PREFIX, Page
from questbot.web.language import PageLanguage

MAX_ID = 64
ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
JOINERS_SHOWN = 1000
LEARNERS_SHOWN = 100
AWARDS_SHOWN = 2000
WRONG_WORDS = 200
LONGEST_PERIOD = timedelta(days=3 * 366)
DEFAULT_PERIOD = timedelta(days=30)


class BadInput(QuestbotError):
    """A filter that cannot be read; ``key`` says which, in the web catalogue."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _id(request: web.Request, name: str) -> str:
    value = request.match_info.get(name, "")
    if not ID.fullmatch(value):
        raise web.HTTPNotFound(text=name)
    return value


def _shelf(request: web.Request, language: PageLanguage) -> tuple[QuestOutline, ...]:
    return request.config_dict[DASHBOARD].shelf.state(language.code).quests


def _outline(request: web.Request, language: PageLanguage) -> QuestOutline:
    quest_id = _id(request, "quest_id")
    for outline in _shelf(request, language):
        if outline.quest_id == quest_id:
            return outline
    raise web.HTTPNotFound(text="quest")


def _step(request: web.Request, outline: QuestOutline, kind: str) -> StepOutline:
    step_id = _id(request, "step_id")
    for step in outline.steps:
        if step.step_id == step_id and step.kind == kind:
            return step
    raise web.HTTPNotFound(text="step")


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else ""


def _learner_link(learner_id: str, name: str | None, language: PageLanguage) -> Link:
    return Link(name or learner_id, language.keep(f"{PREFIX}/learners/{learner_id}"))


# --- the overview and a quest --------------------------------------------------------------
async def overview(request: web.Request, language: PageLanguage) -> Page:
    store = request.config_dict[DASHBOARD].store
    say = language.say
    table = Table("quests", [say("dash.quest"), say("dash.title"), say("dash.joined"),
                             say("dash.completed"), say("dash.median")])
    for outline in _shelf(request, language):
        progress = await store.quest_progress(outline.quest_id, JOINERS_SHOWN)
        done = figures.completions(outline, progress)
        table.rows.append([
            Link(outline.quest_id, language.keep(f"{PREFIX}/quests/{outline.quest_id}")),
            outline.title, progress.joined, len(done),
            figures.duration_text(figures.median_time(done), say)])
    return Page("overview.html", say("dash.overview"), [table], stem="quests")


async def quest(request: web.Request, language: PageLanguage) -> Page:
    outline = _outline(request, language)
    store = request.config_dict[DASHBOARD].store
    say = language.say
    progress = await store.quest_progress(outline.quest_id, JOINERS_SHOWN)
    done = figures.completions(outline, progress)
    finished = {c.learner_id: c for c in done}
    steps_done: dict[str, int] = {}
    for row in progress.done:
        steps_done[row.learner_id] = steps_done.get(row.learner_id, 0) + 1
    learners = Table("learners", [say("dash.learner"), say("dash.joined_at"),
                                  say("dash.steps_done"), say("dash.finished_at")])
    for joiner in progress.joiners:
        end = finished.get(joiner.learner_id)
        learners.rows.append([_learner_link(joiner.learner_id, joiner.name, language),
                              _when(joiner.joined_at), steps_done.get(joiner.learner_id, 0),
                              _when(end.finished_at) if end else ""])
    funnel = Table("funnel", [say("dash.step"), say("dash.kind"), say("dash.completed"),
                              say("dash.share")])
    bars = []
    for step in outline.steps:
        count = progress.step_counts.get(step.step_id, 0)
        share = round(100 * count / progress.joined) if progress.joined else 0
        funnel.rows.append([step.title, say(f"dash.kind_{step.kind}"), count, f"{share}%"])
        bars.append((step.title, count))
    links = [(say("dash.quiz_of", step=s.title),
              language.keep(f"{PREFIX}/quests/{outline.quest_id}/quiz/{s.step_id}"))
             for s in outline.steps if s.kind == "quiz"]
    links += [(say("dash.attendance_of", step=s.title),
               language.keep(f"{PREFIX}/quests/{outline.quest_id}/attendance/{s.step_id}"))
              for s in outline.steps if s.kind == "attendance"]
    values = {
        "outline": outline, "joined": progress.joined, "completed": len(done),
        "median": figures.duration_text(figures.median_time(done), say),
        "funnel_chart": charts.bar_chart(say("dash.funnel"), bars, progress.joined),
        "completion_chart": charts.cumulative_chart(
            say("dash.completion_over_time"), [c.finished_at.date() for c in done]),
        "links": links}
    return Page("quest.html", outline.title, [funnel, learners], values,
                stem=f"quest-{outline.quest_id}")


async def quiz(request: web.Request, language: PageLanguage) -> Page:
    outline = _outline(request, language)
    step = _step(request, outline, "quiz")
    say = language.say
    counts = await request.config_dict[DASHBOARD].store.answer_counts(
        outline.quest_id, step.step_id, WRONG_WORDS)
    right = {c.question: c.count for c in counts if c.correct and c.answer is None}
    wrong = {c.question: c.count for c in counts if not c.correct and c.answer is None}
    questions = Table("questions", [say("dash.number"), say("dash.question"),
                                    say("dash.right_answer"), say("dash.answered"),
                                    say("dash.right"), say("dash.share")])
    bars = []
    for number, question in enumerate(step.questions, start=1):
        answered = right.get(number - 1, 0) + wrong.get(number - 1, 0)
        share = round(100 * right.get(number - 1, 0) / answered) if answered else 0
        questions.rows.append([number, question.text, question.right, answered,
                               right.get(number - 1, 0), f"{share}%"])
        bars.append((f"{number}. {question.text}", share))
    words = Table("wrong-answers", [say("dash.number"), say("dash.wrong_answer"),
                                    say("dash.times")])
    for count in counts:
        if count.answer is not None:
            words.rows.append([count.question + 1, count.answer, count.count])
    values = {"outline": outline, "step": step,
              "chart": charts.bar_chart(say("dash.right_share"), bars, percent=True)}
    return Page("quiz.html", say("dash.quiz_of", step=step.title), [questions, words], values,
                stem=f"quiz-{outline.quest_id}-{step.step_id}")


async def attendance(request: web.Request, language: PageLanguage) -> Page:
    outline = _outline(request, language)
    step = _step(request, outline, "attendance")
    say = language.say
    progress = await request.config_dict[DASHBOARD].store.quest_progress(
        outline.quest_id, JOINERS_SHOWN)
    names = {j.learner_id: j.name for j in progress.joiners}
    table = Table("checked-in", [say("dash.learner"), say("dash.checked_in_at")])
    for row in progress.done:
        if row.step_id == step.step_id:
            table.rows.append([_learner_link(row.learner_id, names.get(row.learner_id),
                                             language), _when(row.completed_at)])
    return Page("table.html", say("dash.attendance_of", step=step.title), [table],
                {"outline": outline}, stem=f"attendance-{outline.quest_id}-{step.step_id}")


# --- awards ------------------------------------------------------------------------------
def _day(text: str | None, default: date) -> date:
    if text is None or text == "":
        return default
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput("dash.bad_date") from None


def _filter_id(text: str | None) -> str | None:
    if text is None or text == "":
        return None
    if not ID.fullmatch(text):
        raise BadInput("dash.bad_filter")
    return text


def award_filter(request: web.Request, now: datetime) -> AwardFilter:
    today = now.astimezone(UTC).date()
    until = _day(request.query.get("until"), today)
    since = _day(request.query.get("since"), until - DEFAULT_PERIOD)
    if since > until or until - since > LONGEST_PERIOD:
        raise BadInput("dash.bad_period")
    return AwardFilter(datetime.combine(since, time(), UTC),
                       datetime.combine(until + timedelta(days=1), time(), UTC),
                       _filter_id(request.query.get("quest")),
                       _filter_id(request.query.get("badge")))


def _award_table(name: str, rows: list[AwardRow], language: PageLanguage) -> Table:
    say = language.say
    table = Table(name, [say("dash.badge"), say("dash.quest"), say("dash.learner"),
                         say("dash.awarded_at"), say("dash.awarded_by"),
                         say("dash.revoked_at"), say("dash.reason"), say("dash.revoked_by")])
    for row in rows:
        table.rows.append([Link(row.badge_name, f"/badges/{row.award_id}"), row.quest_id,
                           _learner_link(row.learner_id, row.name, language),
                           _when(row.awarded_at), row.awarded_by, _when(row.revoked_at),
                           row.revocation_reason, row.revoked_by])
    return table


async def awards(request: web.Request, language: PageLanguage) -> Page:
    setup = request.config_dict[DASHBOARD]
    chosen = award_filter(request, setup.clock.now())
    say = language.say
    made = await setup.store.awards(chosen, AWARDS_SHOWN)
    revoked = await setup.store.revocations(chosen, AWARDS_SHOWN)
    last = chosen.until.date() - timedelta(days=1)
    chart = charts.column_chart(say("dash.awards_over_time"), chosen.since.date(), last, [
        (say("dash.awards"), "awarded", [r.awarded_at.date() for r in made]),
        (say("dash.revocations"), "revoked",
         [r.revoked_at.date() for r in revoked if r.revoked_at is not None])])
    outlines = _shelf(request, language)
    values = {"chart": chart, "chosen": chosen, "last": last, "quests": outlines,
              "badge_keys": sorted({key for o in outlines for key, _ in o.badges})}
    return Page("awards.html", say("dash.awards"),
                [_award_table("awards", made, language),
                 _award_table("revocations", revoked, language)], values, stem="awards")


# --- learners ----------------------------------------------------------------------------
async def learners(request: web.Request, language: PageLanguage) -> Page:
    setup = request.config_dict[DASHBOARD]
    store = setup.store
    say = language.say
    before_text = request.query.get("before")
    before = None
    if before_text:
        try:
            before = datetime.fromisoformat(before_text[:40])
        except ValueError:
            raise BadInput("dash.bad_date") from None
        if before.tzinfo is None:
            before = before.replace(tzinfo=UTC)
    found = await store.learners(LEARNERS_SHOWN, before)
    table = Table("learners", [say("dash.learner"), say("dash.accounts"),
                               say("dash.first_seen"), say("dash.role")])
    for row in found:
        role = max(row.role, setup.configured_role(row.accounts))
        table.rows.append([_learner_link(row.learner_id, row.name, language),
                           ", ".join(str(a) for a in row.accounts), _when(row.created_at),
                           say(f"dash.role_{int(role)}")])
    older = None
    if len(found) == LEARNERS_SHOWN:
        older = language.keep(f"{PREFIX}/learners?before={found[-1].created_at.isoformat()}")
    return Page("table.html", say("dash.learners"), [table], {"older": older},
                stem="learners")


async def learner(request: web.Request, language: PageLanguage) -> Page:
    setup = request.config_dict[DASHBOARD]
    say = language.say
    detail = await setup.store.learner_detail(_id(request, "learner_id"))
    if detail is None:
        raise web.HTTPNotFound(text="learner")
    outlines = {o.quest_id: o for o in _shelf(request, language)}

    def step_title(quest_id: str, step_id: str) -> str:
        outline = outlines.get(quest_id)
        found = next((s for s in outline.steps if s.step_id == step_id), None) \
            if outline else None
        return found.title if found else step_id

    progress = Table("progress", [say("dash.quest"), say("dash.step"), say("dash.count"),
                                  say("dash.done_at"), say("dash.status")])
    pending = []
    for step in detail.steps:
        status = step.evidence.get(STATUS, "")
        progress.rows.append([step.quest_id, step_title(step.quest_id, step.step_id),
                              step.count, _when(step.completed_at),
                              say(f"dash.status_{status}") if status in
                              ("pending", "rejected", "approved") else ""])
        if status == "pending" and step.evidence.get(SUBMISSION):
            shown = step.evidence.get(VALUE, "")
            if step.evidence.get(FORM) == "file":
                shown = step.evidence.get(FILE_NAME, "")
            pending.append({"id": step.evidence[SUBMISSION], "quest": step.quest_id,
                            "step": step_title(step.quest_id, step.step_id),
                            "evidence": shown[:300],
                            "file": f"/evidence/{step.evidence.get(VALUE, '')}"
                            if step.evidence.get(FORM) == "file" else None})
    held = _award_table("awards", detail.awards, language)
    items = [(f"{o.quest_id}|{s.step_id}", f"{o.title}: {s.title}")
             for o in outlines.values() for s in o.steps]
    items += [(f"{o.quest_id}|{key}", f"{o.title}: {name}")
              for o in outlines.values() for key, name in o.badges]
    values = {"detail": detail, "pending": pending, "items": items,
              "live": [a for a in detail.awards if a.revoked_at is None]}
    return Page("learner.html", detail.learner.name or detail.learner.learner_id,
                [progress, held], values, stem=f"learner-{detail.learner.learner_id}")


# --- for admins ----------------------------------------------------------------------------
async def deliveries(request: web.Request, language: PageLanguage) -> Page:
    store = request.config_dict[DASHBOARD].store
    say = language.say
    table = Table("failed", [say("dash.delivery"), say("dash.recipient"), say("dash.status"),
                             say("dash.attempts"), say("dash.last_error"),
                             say("dash.last_attempt")])
    for failed in await store.failed_deliveries(None, 500):
        table.rows.append([failed.delivery.delivery_id, str(failed.delivery.recipient),
                           say(f"dash.delivery_{failed.status}"), failed.attempts,
                           (failed.last_error or "")[:300], _when(failed.last_attempt_at)])
    return Page("table.html", say("dash.deliveries"), [table],
                {"intro": say("dash.deliveries_intro")}, stem="outbox")


async def quest_files(request: web.Request, language: PageLanguage) -> Page:
    state = request.config_dict[DASHBOARD].shelf.state(language.code)
    say = language.say
    loaded = Table("quests", [say("dash.quest"), say("dash.title"), say("dash.version"),
                              say("dash.file"), say("dash.state"), say("dash.warnings")])
    for outline in state.quests:
        kept = outline.source in state.kept_old
        loaded.rows.append([outline.quest_id, outline.title, outline.version[:12],
                            outline.source, say("dash.kept_old" if kept else "dash.valid"),
                            "; ".join(outline.warnings)[:1000]])
    problems = Table("problems", [say("dash.problem")], [[p] for p in state.problems])
    return Page("table.html", say("dash.quest_files"), [loaded, problems], stem="quest-files")


async def webhooks(request: web.Request, language: PageLanguage) -> Page:
    """The place for outbound webhooks: their endpoints and failed deliveries."""
    say = language.say
    endpoints = Table("endpoints", [say("dash.endpoint"), say("dash.events"),
                                    say("dash.state")])
    failed = Table("failed", [say("dash.endpoint"), say("dash.status"),
                              say("dash.last_error"), say("dash.last_attempt")])
    return Page("table.html", say("dash.webhooks"), [endpoints, failed],
                {"intro": say("dash.webhooks_intro")}, stem="webhooks")

