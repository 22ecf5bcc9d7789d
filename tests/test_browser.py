"""The badge page and the verify page in a real browser (headless Chromium), on a desktop
and a phone-sized screen: what a person sees, and no errors in the console."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.requirements import need_chromium
from tests.server import Server

SCREENS = {"desktop": (1280, 900), "phone": (390, 844)}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    need_chromium(CHROMIUM, CHROMEDRIVER)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver: webdriver.Chrome) -> list[str]:
    """Errors and Content-Security-Policy reports (Chromium logs some of those as warnings)."""
    return [entry["message"] for entry in driver.get_log("browser")  # type: ignore[no-untyped-call]
            if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]


# Registered before any page script runs, so violations during loading are counted too.
WATCH_CSP = """window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));"""


def watch_csp(driver: webdriver.Chrome) -> None:
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP})


def csp_violations(driver: webdriver.Chrome) -> list[str]:
    return list(driver.execute_script("return window.cspViolations || []"))


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_the_pathway_page_draws_its_map_to_fit_the_screen(
        server: Server, browser: webdriver.Chrome, screen: str, tmp_path: Path) -> None:
    width, height = SCREENS[screen]

    def look() -> None:
        browser.set_window_size(width, height)
        browser.get(f"{server.base}/pathways/junior-python-developer?lang=gd")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Leasaiche Python òg"
        drawn = browser.find_element(By.ID, "pathway-map")
        box = drawn.rect
        assert 0 < box["width"] <= width and box["height"] > box["width"]  # a column
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, "the page scrolls sideways"
        # every label fits inside its box as the browser lays the text out
        for group in browser.find_elements(By.CSS_SELECTOR, "#pathway-map g.node"):
            frame = group.find_element(By.TAG_NAME, "rect").rect
            for label in group.find_elements(By.TAG_NAME, "text"):
                assert label.rect["x"] + label.rect["width"] <= frame["x"] + frame["width"] + 1
        role = browser.find_element(By.CSS_SELECTOR, "#role a")
        assert role.text == "Leasaiche bathar-bog"
        assert browser.find_element(By.ID, "worth").text == \
            "Puingean creideis SCQF: 20 · SCQF, ìre 6"
        browser.save_screenshot(str(tmp_path / f"pathway-{screen}.png"))
        assert console_errors(browser) == []

    await asyncio.to_thread(look)


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_badge_page_and_verify_by_upload(server: Server, browser: webdriver.Chrome,
                                               screen: str, tmp_path: Path) -> None:
    award_id = await server.grant_badge()
    png = server.settings.data_dir / "badges" / "awards" / f"{award_id}.png"
    width, height = SCREENS[screen]

    def look() -> None:
        browser.set_window_size(width, height)
        browser.get(f"{server.base}/badges/{award_id}")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Python Basics"
        assert browser.find_element(By.ID, "status").text.lower() == "valid"
        image = browser.find_element(By.CSS_SELECTOR, ".badge img")
        assert browser.execute_script("return arguments[0].naturalWidth", image) == 600
        assert image.size["width"] <= width  # fits the screen
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, "the page scrolls sideways"
        links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".actions a")]
        assert "Add to LinkedIn profile" in links
        browser.save_screenshot(str(tmp_path / f"badge-{screen}.png"))

        browser.get(f"{server.base}/verify")
        browser.find_element(By.ID, "file").send_keys(str(png))
        browser.find_element(By.CSS_SELECTOR, "#verify-form button").click()
        verdict = WebDriverWait(browser, 15).until(
            expected_conditions.presence_of_element_located((By.ID, "verdict-status")))
        assert verdict.text.lower() == "valid"
        assert "authentic" in browser.find_element(By.ID, "verdict-summary").text
        browser.save_screenshot(str(tmp_path / f"verify-{screen}.png"))
        assert console_errors(browser) == []

    await asyncio.to_thread(look)


async def test_pages_break_no_content_security_policy(server: Server,
                                                       browser: webdriver.Chrome) -> None:
    award_id = await server.grant_badge()
    revoked_id = await server.grant_badge(learner="bob")
    await server.say("tina", "/revoke bob python-basics badge awarded in error")
    main_colour = server.services.badges.issuer.colour.lstrip("#")
    rgb = "rgba({}, {}, {}, 1)".format(*(int(main_colour[i:i + 2], 16) for i in (0, 2, 4)))

    def visit() -> None:
        watch_csp(browser)
        for path in (f"/badges/{award_id}", f"/badges/{revoked_id}", "/verify", "/",
                     "/badges/nope", "/pathways/junior-python-developer"):
            browser.get(server.base + path)
            assert browser.find_element(By.TAG_NAME, "h1").text, path
            header = browser.find_element(By.TAG_NAME, "header")
            # the stylesheet (a file, allowed by the policy) was applied
            assert header.value_of_css_property("background-color") == rgb, path
            assert csp_violations(browser) == [], path
            expected = f"{server.base}{path} - Failed to load resource: the server responded" \
                " with a status of 404 (Not Found)"  # the 404 page itself, nothing else
            assert [m for m in console_errors(browser) if m != expected] == [], path

        # The watch itself works: inline style and script are refused and reported.
        browser.get(f"{server.base}/verify")
        browser.execute_script("""
            const style = document.createElement("style");
            style.textContent = "body { background: red }";
            document.head.appendChild(style);
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.head.appendChild(script);""")
        WebDriverWait(browser, 5).until(lambda driver: len(csp_violations(driver)) >= 2)
        assert browser.execute_script("return window.inlineRan === undefined")
        assert any("Content Security Policy" in m for m in console_errors(browser))

    await asyncio.to_thread(visit)


async def test_a_badge_page_in_gaelic_switches_to_french_and_keeps_it(
        server: Server, browser: webdriver.Chrome) -> None:
    award_id = await server.grant_badge()
    png = server.settings.data_dir / "badges" / "awards" / f"{award_id}.png"

    def language() -> str:
        return str(browser.find_element(By.TAG_NAME, "html").get_attribute("lang"))

    def switch() -> None:
        browser.get(f"{server.base}/badges/{award_id}?lang=gd")
        assert language() == "gd"
        assert browser.find_element(By.ID, "status").text.lower() == "dligheach"
        links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".actions a")]
        assert "Luchdaich a-nuas am bràiste (PNG)" in links
        assert browser.find_element(By.ID, "lang-fr").text == "Français"
        browser.find_element(By.ID, "lang-fr").click()
        WebDriverWait(browser, 10).until(lambda _: language() == "fr")
        assert browser.current_url.endswith(f"/badges/{award_id}?lang=fr")
        assert browser.find_element(By.ID, "status").text.lower() == "valide"
        assert browser.find_element(By.ID, "lang-gd").text == "Gàidhlig"
        # the page's own links keep French: on to the verify page, and a verdict in French
        browser.find_element(By.LINK_TEXT, "Vérifier").click()
        WebDriverWait(browser, 10).until(
            lambda driver: "/verify" in driver.current_url and language() == "fr")
        browser.find_element(By.ID, "file").send_keys(str(png))
        browser.find_element(By.CSS_SELECTOR, "#verify-form button").click()
        verdict = WebDriverWait(browser, 15).until(
            expected_conditions.presence_of_element_located((By.ID, "verdict-status")))
        assert verdict.text.lower() == "valide" and language() == "fr"
        assert "authentique" in browser.find_element(By.ID, "verdict-summary").text
        assert console_errors(browser) == []

    await asyncio.to_thread(switch)
