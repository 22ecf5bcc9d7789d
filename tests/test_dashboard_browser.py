"""The dashboard in a real browser (headless Chromium), on a desktop and a phone-sized
screen: sign in with a one-time link, look at every page (no sideways scrolling, charts
drawn, no Content-Security-Policy report), grant and revoke from the web, download a CSV,
sign out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from questbot.i18n import translate
from questbot.web.language import say as web_say
from tests.dashboard_client import ask_link
from tests.server import Server, running_server
from tests.test_browser import SCREENS, browser, console_errors, csp_violations, watch_csp

__all__ = ["browser"]  # the fixture, shared with the badge pages' browser tests

PAGES = ("/dashboard/", "/dashboard/quests/python-basics",
         "/dashboard/quests/python-basics/quiz/quiz-1",
         "/dashboard/quests/python-basics/attendance/meetup", "/dashboard/awards",
         "/dashboard/learners", "/dashboard/outbox", "/dashboard/quest-files",
         "/dashboard/webhooks")
CHARTS = {"/dashboard/quests/python-basics": 2, "/dashboard/quests/python-basics/quiz/quiz-1": 1,
          "/dashboard/awards": 1}


@pytest.fixture
async def busy(tmp_path: Path) -> AsyncIterator[Server]:
    """A community with some history: a learner who joined, answered, finished steps."""
    async with running_server(tmp_path, admins=("console:ada",)) as server:
        await server.say("alice", "/start")
        await server.say("alice", "/join python-basics")
        await server.say("alice", "/quiz")
        await server.say("alice", "3")
        await server.say("tina", "/grant alice python-basics say-hello helped at the desk")
        await server.say("bob", "/start")
        await server.say("bob", "/join python-basics")
        for step in ("say-hello", "quiz-1", "meetup"):  # bob finishes the quest
            await server.say("tina", f"/grant bob python-basics {step} came to class")
        yield server


def _fits(driver: webdriver.Chrome) -> bool:
    return not driver.execute_script(
        "return document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_sign_in_look_at_every_page_grant_revoke_and_download(
        busy: Server, browser: webdriver.Chrome, screen: str, tmp_path: Path) -> None:
    link = await ask_link(busy, "ada")
    width, height = SCREENS[screen]
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(downloads)})
    granted = translate("grant.badge_ok", "en", learner="Alice", badge="Python Basics")
    revoked = translate("revoke.ok", "en", learner="Alice", badge="Python Basics")

    def visit() -> None:
        browser.set_window_size(width, height)
        watch_csp(browser)
        browser.get(link)
        browser.find_element(By.ID, "sign-in").click()
        WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/dashboard/"))
        assert browser.find_element(By.TAG_NAME, "h1").text == web_say("dash.overview")
        for path in PAGES:
            browser.get(busy.base + path)
            assert browser.find_element(By.TAG_NAME, "h1").text, path
            assert _fits(browser), f"{path} scrolls sideways on the {screen}"
            charts = browser.find_elements(By.CSS_SELECTOR, "figure.chart svg")
            assert len(charts) == CHARTS.get(path, 0), path
            for chart in charts:
                assert 0 < chart.size["width"] <= width, path
                assert chart.size["height"] > 0, path
            assert csp_violations(browser) == [], path
            assert console_errors(browser) == [], path
            browser.save_screenshot(str(tmp_path / f"{screen}{path.replace('/', '-')}.png"))

        # a learner's page: grant a badge, then revoke it, with reasons
        browser.get(f"{busy.base}/dashboard/learners")
        browser.find_element(By.LINK_TEXT, "Alice").click()
        Select(browser.find_element(By.ID, "grant-item")).select_by_value("python-basics|badge")
        browser.find_element(By.ID, "grant-reason").send_keys("ran the workshop")
        browser.find_element(By.ID, "grant").click()
        said = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "said"))
        assert granted in said.text
        browser.find_element(By.ID, "back").click()
        awards = Select(browser.find_element(By.ID, "revoke-award"))
        [choice] = [o for o in awards.options if o.text.startswith("Python Basics")]
        awards.select_by_value(str(choice.get_attribute("value")))
        browser.find_element(By.ID, "revoke-reason").send_keys("granted by mistake")
        browser.find_element(By.ID, "revoke").click()
        said = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "said"))
        assert revoked in said.text
        assert _fits(browser)

        # both show on the awards page, whose table downloads as CSV
        browser.get(f"{busy.base}/dashboard/awards")
        rows = browser.find_elements(By.CSS_SELECTOR, "#table-revocations tbody tr")
        assert len(rows) == 1 and "granted by mistake" in rows[0].text
        browser.find_element(By.ID, "csv-awards").click()
        deadline = time.monotonic() + 15
        while not list(downloads.glob("*.csv")) and time.monotonic() < deadline:
            time.sleep(0.1)
        [saved] = list(downloads.glob("*.csv"))
        text = saved.read_text(encoding="utf-8-sig")
        assert saved.name == "awards-awards.csv"
        assert "Python Basics" in text and "ran the workshop" not in text  # no evidence
        assert console_errors(browser) == []

        browser.find_element(By.ID, "sign-out").click()
        WebDriverWait(browser, 10).until(lambda d: "/dashboard/sign-in" in d.current_url)
        browser.get(f"{busy.base}/dashboard/")
        assert web_say("dash.signed_out") in browser.find_element(By.ID, "notice").text

    await asyncio.to_thread(visit)


def heading_is(browser: webdriver.Chrome, text: str) -> None:
    """Waits until the page shown is headed ``text`` (fails after 10 s)."""
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "h1").text == text)


async def test_the_dashboard_in_gaelic(busy: Server, browser: webdriver.Chrome) -> None:
    link = await ask_link(busy, "tina")

    def visit() -> None:
        browser.get(f"{link}?lang=gd")
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "gd"
        browser.find_element(By.ID, "sign-in").click()
        # the sign-in page's address starts with /dashboard/ too: wait for the next page
        heading_is(browser, web_say("dash.overview", "gd"))
        browser.find_element(By.ID, "nav-awards").click()
        WebDriverWait(browser, 10).until(lambda d: "/dashboard/awards" in d.current_url)
        heading_is(browser, web_say("dash.awards", "gd"))
        assert "lang=gd" in browser.current_url
        assert console_errors(browser) == []

    await asyncio.to_thread(visit)
