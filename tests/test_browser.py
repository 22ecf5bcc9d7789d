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

from tests.server import Server

SCREENS = {"desktop": (1280, 900), "phone": (390, 844)}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    assert Path(CHROMIUM).exists(), "install Debian's chromium and chromium-driver (.ci/run does)"
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
    return [entry["message"] for entry in driver.get_log("browser")  # type: ignore[no-untyped-call]
            if entry["level"] == "SEVERE"]


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
