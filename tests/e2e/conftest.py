from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from backend.clock import today_in_london
from tests.e2e.apps import make_app
from tests.e2e.browser import CHROMIUM_ARGS, PHONE, chromium_path, serve
from tests.e2e.phone_site import Site, VisitWriteLog, World, seed
from tests.support.database import empty_tables


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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The real app behind a loopback server, one per phone-app test module."""
    # Loopback http push endpoints are accepted only with this switch (tests and local trials).
    app = make_app(tmp_path_factory.mktemp("phone-app"), PUSH_ALLOW_HTTP_LOOPBACK=True)
    log = VisitWriteLog(app.wsgi_app)
    app.wsgi_app = log  # type: ignore[method-assign]
    with serve(app) as url:
        yield Site(url, app, log)


@pytest.fixture
def world(site: Site) -> World:
    """Empty tables, then one worker's four children and their manager (``seed``)."""
    empty_tables(site.app)
    site.visit_writes.paths.clear()
    return seed(site.app, today_in_london())
