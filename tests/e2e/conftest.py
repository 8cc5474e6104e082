from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from tests.e2e.browser import CHROMIUM_ARGS, PHONE, chromium_path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless chromium for the whole session; each test gets its own context."""
    executable = chromium_path()
    browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh phone-sized browser context, in London's time zone and British English, per test."""
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/London", locale="en-GB")
    yield context
    context.close()
