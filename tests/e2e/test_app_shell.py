"""The app shell in a real browser: the service worker installs, serves the shell offline and
replaces an old release cleanly. Needs no data, so it runs against the app with empty tables."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from backend.api.web import DEFAULT_DIRECTORY
from tests.e2e.apps import make_app
from tests.e2e.browser import serve, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    """A private copy of pwa/, so a test can ship a 'new release' by editing a file."""
    copy = tmp_path / "pwa"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    return copy


@pytest.fixture
def base_url(tmp_path: Path, app_copy: Path) -> Iterator[str]:
    with serve(make_app(tmp_path, PWA_DIRECTORY=str(app_copy))) as url:
        yield url


def controlled(page: Page) -> bool:
    return bool(page.evaluate("navigator.serviceWorker.controller !== null"))


def cache_names(page: Page) -> list[str]:
    return sorted(page.evaluate("caches.keys()"))


def open_controlled(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    wait_until(lambda: controlled(page), what="the service worker to control the page")


def test_service_worker_installs_and_the_shell_opens_offline(context: BrowserContext, base_url: str) -> None:
    page = context.new_page()
    open_controlled(page, base_url + "/")
    assert [name for name in cache_names(page) if name.startswith("shell-")]
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_visible("#sign-in-title")
    assert "No connection" in page.inner_text("#sign-in-error")
    assert page.inner_text("#sync-status").startswith("Offline")


def test_a_deep_link_opens_the_shell_offline_and_other_pages_get_the_offline_page(
    context: BrowserContext, base_url: str
) -> None:
    page = context.new_page()
    open_controlled(page, base_url + "/")
    context.set_offline(True)
    page.goto(base_url + "/children/0a1b2c")
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_visible("#sign-in-form")
    page.goto(base_url + "/feeds/not-cached.ics")
    assert page.inner_text("h1") == "You are offline"


def test_a_new_release_replaces_the_old_shell_cache(context: BrowserContext, base_url: str, app_copy: Path) -> None:
    page = context.new_page()
    open_controlled(page, base_url + "/")
    first = cache_names(page)
    stylesheet = app_copy / "app.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n.release-two { color: inherit; }\n")
    page.reload()
    page.evaluate("navigator.serviceWorker.getRegistration().then((registration) => registration.update())")

    def only_the_new_shell() -> bool:
        shells = [name for name in cache_names(page) if name.startswith("shell-")]
        return len(shells) == 1 and shells[0] not in first

    wait_until(only_the_new_shell, what="the new release's cache to replace the old one")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert ".release-two" in page.evaluate("fetch('/app.css').then((response) => response.text())")
