"""The wallet page in Chromium on a desktop and a phone-sized screen: the badges with their
images and links, nothing scrolling sideways, no console or CSP errors, and the hide
button doing what it says (the browser sends its own Origin and Sec-Fetch-Site)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.server import Server
from tests.test_browser import SCREENS, browser, console_errors, csp_violations, watch_csp
from tests.test_wallet_page import wallet_of

__all__ = ["browser"]  # the fixture


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_the_wallet_fits_the_screen_and_hides_a_badge(
        server: Server, browser: webdriver.Chrome, screen: str, tmp_path: Path) -> None:
    token, (first, second) = await wallet_of(server)
    width, height = SCREENS[screen]

    def look() -> None:
        watch_csp(browser)
        browser.set_window_size(width, height)
        browser.get(f"{server.base}/wallet/{token}")
        assert browser.find_element(By.TAG_NAME, "h1").text == "My wallet"
        cards = browser.find_elements(By.CSS_SELECTOR, "li.wallet-badge")
        assert [c.get_attribute("id") for c in cards] == [f"badge-{first}", f"badge-{second}"]
        for card in cards:
            image = card.find_element(By.TAG_NAME, "img")
            assert browser.execute_script("return arguments[0].naturalWidth", image) > 0
            links = [a.text for a in card.find_elements(By.CSS_SELECTOR, ".actions a")]
            assert links == ["Badge page", "Image (PNG)", "Add to LinkedIn profile"]
        assert "Level 1" in browser.find_element(By.ID, "level").text
        assert browser.find_element(By.ID, "pathway-map").rect["width"] <= width
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, "the page scrolls sideways"
        browser.save_screenshot(str(tmp_path / f"wallet-{screen}.png"))

        cards[1].find_element(By.CSS_SELECTOR, "form.hide button").click()
        WebDriverWait(browser, 15).until(
            expected_conditions.presence_of_element_located((By.ID, "hidden-count")))
        assert browser.find_element(By.TAG_NAME, "h1").text == "My wallet"
        shown = [c.get_attribute("id") for c in
                 browser.find_elements(By.CSS_SELECTOR, "li.wallet-badge")]
        assert shown == [f"badge-{first}"]
        browser.find_element(By.CSS_SELECTOR, "#hidden-count a").click()
        WebDriverWait(browser, 15).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR,
                                                             "form.show button"))).click()
        WebDriverWait(browser, 15).until(  # none is hidden any more
            expected_conditions.presence_of_element_located((By.ID, "no-hidden")))
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow
        assert console_errors(browser) == []
        assert csp_violations(browser) == []

    await asyncio.to_thread(look)
