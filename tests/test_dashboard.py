"""The dashboard over real HTTP: signing in with a one-time link (single use, short-lived,
bound to its account), the session cookie, CSRF, roles checked on the server, grants and
revocations through the engine's rules, figures, and CSV without formulas."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from html import unescape
from pathlib import Path
from typing import Any

import aiohttp
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.openapi import from_dict
from schemathesis.specs.openapi.checks import positive_data_acceptance

from questbot.app import cli
from questbot.catalog import steps
from questbot.domain import ConversationRef, Event, UserRef, parse_text
from questbot.domain.progress import Role
from questbot.domain.sign_in import token_hash
from questbot.i18n import ADDED, translate
from questbot.ports import DeliveryStatus
from questbot.web.dashboard.sessions import cookie_storage
from questbot.web.dashboard.setup import DASHBOARD
from questbot.web.dashboard.tables import Table, csv_bytes
from questbot.web.language import say as web_say
from tests.dashboard_client import (
    CSRF,
    NONCE,
    ask_link,
    client,
    form_token,
    page,
    sign_in,
    signed_in_client,
)
from tests.server import Server, running_server
from tests.test_openapi import EXAMPLES, Tally


@pytest.fixture
async def staffed(tmp_path: Path) -> AsyncIterator[Server]:
    """A server with a tutor (tina) and an admin (ada)."""
    async with running_server(tmp_path, admins=("console:ada",)) as running:
        yield running


def _rows(server: Server, query: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(server.settings.data_dir / "questbot.sqlite3")) as conn:
        return conn.execute(query, params).fetchall()


async def test_a_link_signs_in_once_and_only_its_own_account(staffed: Server) -> None:
    link = await ask_link(staffed, "tina")
    token = link.rsplit("/", 1)[1]
    # the store keeps the token's hash, never the token, nor does the recorded reply
    assert _rows(staffed, "SELECT count(*) FROM dashboard_links WHERE token_hash = ?",
                 token_hash(token)) == [(1,)]
    assert _rows(staffed, "SELECT count(*) FROM processed_events WHERE instr(replies, ?) > 0",
                 token) == [(0,)]
    async with client() as http:
        status, html = await page(http, link)  # a link preview: the GET uses nothing up
        assert status == 200 and 'id="sign-in"' in html
        assert await sign_in(http, link) == 303
        status, html = await page(http, f"{staffed.base}/dashboard/")
        assert status == 200 and "python-basics" in html
    async with client() as again:  # the same link, replayed
        assert await sign_in(again, link) == 403
        status, _ = await page(again, f"{staffed.base}/dashboard/")
        assert status == 401


async def test_an_expired_link_is_refused(staffed: Server) -> None:
    link = await ask_link(staffed, "tina")
    staffed.clock.advance(seconds=11 * 60)
    async with client() as http:
        assert await sign_in(http, link) == 403
        _, html = await page(http, f"{staffed.base}/dashboard/")
        assert web_say("dash.signed_out") in unescape(html)


async def test_a_second_link_replaces_the_first(staffed: Server) -> None:
    first = await ask_link(staffed, "tina")
    second = await ask_link(staffed, "tina")
    async with client() as http:
        assert await sign_in(http, first) == 403
        assert await sign_in(http, second) == 303


async def test_a_sign_in_without_the_csrf_token_is_refused_and_keeps_the_link(
        staffed: Server) -> None:
    link = await ask_link(staffed, "tina")
    async with client() as http:
        async with http.post(link, data={}, allow_redirects=False) as response:
            assert response.status == 403
        assert await sign_in(http, link) == 303  # still good: nothing used it up


async def test_learners_get_no_link_and_no_access(staffed: Server) -> None:
    await staffed.say("alice", "/start")
    reply = await staffed.say("alice", "/dashboard")
    assert reply == translate("perm.tutor_only", "en")
    assert _rows(staffed, "SELECT count(*) FROM dashboard_links") == [(0,)]
    async with client() as http:
        for path in ("/dashboard/", "/dashboard/learners", "/dashboard/awards"):
            status, _ = await page(http, staffed.base + path)
            assert status == 401, path


async def test_in_a_group_the_bot_says_to_ask_in_private(staffed: Server) -> None:
    engine = staffed.services.engine
    assert engine is not None
    event = Event("group-1", UserRef("console", "tina"),
                  ConversationRef("console", "group", private=False),
                  parse_text("/dashboard", "console"), "Tina")
    replies = await engine.handle(event)
    assert [getattr(r, "text", "") for r in replies] == [translate("dashboard.private", "en")]


async def test_the_command_line_prints_a_link_for_staff_only(
        staffed: Server, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = staffed.settings
    monkeypatch.setenv("QUESTBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("QUESTBOT_QUESTS_DIR", str(settings.quests_dir))
    monkeypatch.setenv("QUESTBOT_BASE_URL", staffed.base)
    monkeypatch.setenv("QUESTBOT_ADMINS", "console:ada")
    monkeypatch.setenv("QUESTBOT_CONFIG", "")
    assert await asyncio.to_thread(cli.main, ["dashboard-link", "console:ada"]) == 0
    link = re.search(r"https?://\S+/dashboard/sign-in/\S+", capsys.readouterr().out)
    assert link is not None
    async with client() as http:
        assert await sign_in(http, link.group(0)) == 303
        status, html = await page(http, f"{staffed.base}/dashboard/quest-files")
        assert status == 200 and "python-basics" in html
    assert await asyncio.to_thread(cli.main, ["dashboard-link", "console:nobody"]) == 1
    assert "/dashboard/sign-in/" not in capsys.readouterr().out


async def test_the_session_cookie_is_encrypted_httponly_strict_and_expires(
        staffed: Server) -> None:
    link = await ask_link(staffed, "tina")
    async with client() as http:
        csrf, _ = await form_token(http, link)
        async with http.post(link, data={"csrf": csrf}, allow_redirects=False) as response:
            cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert "Path=/dashboard" in cookie and "Secure" not in cookie  # http here
        assert "tina" not in cookie.lower() and "console" not in cookie
        staffed.clock.advance(seconds=9 * 3600)
        status, _ = await page(http, f"{staffed.base}/dashboard/")
        assert status == 401


async def test_the_cookie_is_secure_when_the_base_url_is_https(tmp_path: Path) -> None:
    async with running_server(tmp_path, base_url="https://badges.example.org") as server:
        link = await ask_link(server, "tina")
        assert link.startswith("https://badges.example.org/dashboard/sign-in/")
        [dashboard] = server.app._subapps  # the dashboard is the one sub-application
        setup = dashboard[DASHBOARD]
        assert setup.secure_cookies
        assert cookie_storage(setup).cookie_params["secure"] is True


async def test_tutors_see_tutor_pages_and_admins_everything(staffed: Server) -> None:
    tutor_only = ("/dashboard/", "/dashboard/awards", "/dashboard/learners",
                  "/dashboard/quests/python-basics",
                  "/dashboard/quests/python-basics/quiz/quiz-1",
                  "/dashboard/quests/python-basics/attendance/meetup")
    admin_only = ("/dashboard/outbox", "/dashboard/quest-files", "/dashboard/webhooks")
    async with await signed_in_client(staffed, "tina") as tina:
        for path in tutor_only:
            assert (await page(tina, staffed.base + path))[0] == 200, path
        for path in admin_only:
            status, html = await page(tina, staffed.base + path)
            assert status == 403 and web_say("dash.admins_only") in unescape(html), path
    async with await signed_in_client(staffed, "ada") as ada:
        for path in (*tutor_only, *admin_only):
            assert (await page(ada, staffed.base + path))[0] == 200, path


async def test_a_tutor_removed_since_signing_in_loses_the_dashboard(staffed: Server) -> None:
    await staffed.say("bob", "/start")
    await staffed.say("ada", "/tutor bob")
    async with await signed_in_client(staffed, "bob") as bob:
        assert (await page(bob, f"{staffed.base}/dashboard/"))[0] == 200
        await staffed.say("ada", "/tutor bob remove")
        assert (await page(bob, f"{staffed.base}/dashboard/"))[0] == 401


async def _learner_id(server: Server, name: str) -> str:
    [(learner_id,)] = _rows(server, "SELECT learner_id FROM learners WHERE display_name = ?",
                            name)
    return str(learner_id)


async def _post(http: aiohttp.ClientSession, url: str, **fields: str) -> tuple[int, str]:
    csrf, html = await form_token(http, url)
    nonce = NONCE.search(html)
    data = {"csrf": csrf, "nonce": nonce.group(1) if nonce else "x" * 20, **fields}
    target = url + "/" + fields.pop("_action", "")
    del data["_action"]
    async with http.post(target, data=data) as response:
        return response.status, unescape(await response.text())


async def test_grant_and_revoke_from_the_web_follow_the_chat_rules(staffed: Server) -> None:
    await staffed.say("alice", "/start")
    alice = await _learner_id(staffed, "Alice")
    url = f"{staffed.base}/dashboard/learners/{alice}"
    async with await signed_in_client(staffed, "tina") as tina:
        status, html = await _post(tina, url, _action="grant", item="python-basics|badge",
                                   reason="")
        assert status == 400 and web_say("dash.reason_needed") in html
        status, html = await _post(tina, url, _action="grant", item="python-basics|badge",
                                   reason="ran the workshop")
        assert status == 200
        assert translate("grant.badge_ok", "en", learner="Alice", badge="Python Basics") in html
        [(award_id, awarded_by)] = _rows(staffed, "SELECT award_id, awarded_by FROM awards"
                                         " WHERE learner_id = ?", alice)
        assert awarded_by == "Tina"
        status, html = await _post(tina, url, _action="revoke", award=str(award_id), reason="")
        assert status == 400 and web_say("dash.reason_needed") in html
        status, html = await _post(tina, url, _action="revoke", award=str(award_id),
                                   reason="granted by mistake")
        assert status == 200 and "Python Basics" in html
        assert _rows(staffed, "SELECT revocation_reason, revoked_by FROM awards"
                     " WHERE award_id = ?", award_id) == [("granted by mistake", "Tina")]
        # no self-award from the web either
        await staffed.say("tina", "/start")
        own = await _learner_id(staffed, "Tina")
        status, html = await _post(tina, f"{staffed.base}/dashboard/learners/{own}",
                                   _action="grant", item="python-basics|badge", reason="me")
        assert translate("grant.self", "en") in html
    assert _rows(staffed, "SELECT count(*) FROM awards WHERE learner_id = ?", own) == [(0,)]


async def test_a_form_without_its_csrf_token_changes_nothing(staffed: Server) -> None:
    await staffed.say("alice", "/start")
    alice = await _learner_id(staffed, "Alice")
    async with await signed_in_client(staffed, "tina") as tina:
        async with tina.post(f"{staffed.base}/dashboard/learners/{alice}/grant",
                             data={"item": "python-basics|badge", "reason": "x",
                                   "nonce": "n" * 20}) as response:
            assert response.status == 403
            assert web_say("dash.csrf") in unescape(await response.text())
        async with tina.post(f"{staffed.base}/dashboard/learners/{alice}/grant",
                             data={"item": "python-basics|badge", "reason": "x",
                                   "nonce": "n" * 20, "csrf": "forged"}) as response:
            assert response.status == 403
    assert _rows(staffed, "SELECT count(*) FROM awards") == [(0,)]


async def test_a_form_sent_twice_grants_once(staffed: Server) -> None:
    await staffed.say("alice", "/start")
    alice = await _learner_id(staffed, "Alice")
    url = f"{staffed.base}/dashboard/learners/{alice}"
    async with await signed_in_client(staffed, "tina") as tina:
        csrf, html = await form_token(tina, url)
        found = NONCE.search(html)
        assert found and CSRF.search(html)
        data = {"csrf": csrf, "nonce": found.group(1), "item": "python-basics|badge",
                "reason": "twice"}
        for _ in range(2):
            async with tina.post(f"{url}/grant", data=data) as response:
                assert response.status == 200
    assert _rows(staffed, "SELECT count(*) FROM awards WHERE learner_id = ?", alice) == [(1,)]


async def test_quiz_answers_are_counted_and_forgetting_scrubs_the_wrong_ones(
        staffed: Server) -> None:
    await staffed.say("alice", "/start")
    await staffed.say("alice", "/join python-basics")
    await staffed.say("alice", "/quiz")
    await staffed.say("alice", "3")  # wrong: len([1, 2]) is 2
    await staffed.say("alice", "lambda")  # wrong
    url = f"{staffed.base}/dashboard/quests/python-basics/quiz/quiz-1"
    async with await signed_in_client(staffed, "tina") as tina:
        status, html = await page(tina, url)
        assert status == 200 and "lambda" in html
        async with tina.get(url, params={"csv": "wrong-answers"}) as response:
            assert response.headers["Content-Type"].startswith("text/csv")
            rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
        assert sorted(rows[1:]) == [["1", "3", "1"], ["2", "lambda", "1"]]
        await staffed.say("alice", "/forget confirm")
        _, html = await page(tina, url)
        assert "lambda" not in html
    assert _rows(staffed, "SELECT count(*) FROM quiz_answers") == [(0,)]


async def test_a_quest_page_counts_joiners_steps_and_completions(staffed: Server) -> None:
    await staffed.say("alice", "/start")
    await staffed.say("alice", "/join python-basics")
    await staffed.say("tina", "/grant alice python-basics say-hello helped")
    async with await signed_in_client(staffed, "tina") as tina:
        status, html = await page(tina, f"{staffed.base}/dashboard/quests/python-basics")
        assert status == 200
        assert re.search(r'<dd id="joined">1</dd>', html)
        assert "<svg" in html and "1 (100%)" in html  # the funnel's first bar
        async with tina.get(f"{staffed.base}/dashboard/quests/python-basics",
                            params={"csv": "funnel"}) as response:
            funnel = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
        assert funnel[1][2] == "1"


@pytest.mark.parametrize("path", [
    "/dashboard/awards?since=yesterday", "/dashboard/awards?since=2026-01-01&until=2020-01-01",
    "/dashboard/awards?quest=%00%3Cscript%3E", "/dashboard/learners?before=soon",
    "/dashboard/quests/nope", "/dashboard/quests/python-basics/quiz/meetup",
    "/dashboard/learners/nobody", "/dashboard/?csv=nope", "/dashboard/awards?since=1999-01-01",
])
async def test_bad_addresses_get_clear_4xx_pages(staffed: Server, path: str) -> None:
    async with await signed_in_client(staffed, "tina") as tina:
        status, html = await page(tina, staffed.base + path)
        assert status in (400, 404), (path, status)
        assert "<script>" not in html


def test_csv_cells_that_would_be_formulas_are_defused() -> None:
    table = Table("t", ["name", "note"], [["=HYPERLINK(\"x\")", "+1"], ["-2", "@SUM(A1)"],
                                          ["plain", "\tTAB"]])
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))
    assert rows[1:] == [["'=HYPERLINK(\"x\")", "'+1"], ["'-2", "'@SUM(A1)"],
                        ["plain", "'\tTAB"]]


async def test_every_page_speaks_french_and_gaelic(staffed: Server) -> None:
    async with await signed_in_client(staffed, "ada") as ada:
        for language in ("fr", "gd"):
            status, html = await page(ada, f"{staffed.base}/dashboard/?lang={language}")
            assert status == 200 and f'lang="{language}"' in html
            assert web_say("dash.overview_text", language) in unescape(html)
            assert web_say("dash.sign_out", language) in unescape(html)


def test_the_keys_the_pages_make_up_are_in_the_catalogue() -> None:
    made = [f"dash.kind_{kind}" for kind in steps.STEP_KINDS]
    made += [f"dash.role_{int(role)}" for role in Role]
    made += [f"dash.status_{s}" for s in ("pending", "rejected", "approved")]
    made += [f"dash.delivery_{status}" for status in DeliveryStatus]
    english = ADDED["en"]
    assert [key for key in made if f"web.{key}" not in english] == []


async def test_signed_in_generated_requests_get_no_5xx(staffed: Server) -> None:
    """schemathesis again, over the dashboard's operations, with an admin's session: every
    page and filter it can make up answers a described status, never a 5xx."""
    async with await signed_in_client(staffed, "ada") as ada, \
            ada.get(f"{staffed.base}/openapi.json") as response:
        document = await response.json()
        cookies = "; ".join(f"{c.key}={c.value}" for c in ada.cookie_jar)
    document["paths"] = {path: item for path, item in document["paths"].items()
                         if path.startswith("/dashboard/") and "sign-" not in path}
    tally = await asyncio.to_thread(run_schemathesis_with, document, staffed.base,
                                    {"Cookie": cookies})
    assert tally.failures == []
    assert 200 in tally.statuses and 401 not in tally.statuses


def run_schemathesis_with(document: dict[str, Any], base: str, headers: dict[str, str]
                          ) -> Tally:
    """Every check but "schema-valid data is accepted": a well-formed period can still end
    before it starts, or a table name no table, and those get their 400 and 404."""
    tally = Tally()
    for result in from_dict(document).get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()

        @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None,
                             phases=[Phase.explicit, Phase.generate],
                             suppress_health_check=list(HealthCheck))
        @hypothesis.given(case=operation.as_strategy())
        def generated(case: schemathesis.Case[Any]) -> None:
            response = case.call(base_url=base, headers=headers, timeout=30)
            tally.cases[case.operation.label] += 1
            tally.statuses[response.status_code] += 1
            try:
                case.validate_response(response, headers=headers,
                                       excluded_checks=[positive_data_acceptance])
            except (AssertionError, FailureGroup) as exc:
                tally.failures.append(f"{case.operation.label}: {exc}"[:3000])
            if response.status_code >= 500:
                tally.failures.append(f"{case.operation.label}: {response.status_code}")

        generated()
    return tally
