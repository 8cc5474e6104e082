"""The phone app's newer parts on a doorstep: withdrawn visits on the child page, the offline pass
over child pages under poor signal, and the new screens in dark mode. Debian's chromium on loopback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext

from backend.clock import today_in_london
from tests.e2e import test_phone_app as phone_app
from tests.e2e.browser import PHONE, wait_until
from tests.e2e.phone import sign_in
from tests.e2e.test_phone_app import Site, World, seed
from tests.support.database import empty_tables

pytestmark = pytest.mark.browser
site = phone_app.site
AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"

RECORD_THEN_WITHDRAW = """
async ([childId, date]) => {
  const session = await (await fetch('/api/session')).json();
  const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token };
  const id = crypto.randomUUID();
  const visit = { child_id: childId, date, role: 'social_worker', child_seen: true, seen_alone: false };
  const put = await fetch(`/api/visits/${id}`, { method: 'PUT', headers, body: JSON.stringify(visit) });
  const withdrawn = await fetch(`/api/visits/${id}`, { method: 'DELETE', headers });
  return [put.status, withdrawn.status];
}
"""


@pytest.fixture
def world(site: Site) -> World:
    empty_tables(site.app)
    return seed(site.app, today_in_london())


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/London", locale="en-GB")
    yield context
    context.close()


# ---- withdrawn visits on the child page --------------------------------------------------


def test_withdrawn_visit_is_marked_on_the_child_page_and_never_shown_as_the_last_visit(
    context: BrowserContext, site: Site, world: World
) -> None:
    child_id = world.children["C-0002"]
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    today = today_in_london()
    assert page.evaluate(RECORD_THEN_WITHDRAW, [child_id, today.isoformat()]) == [201, 204]
    page.click(f'li.visit[data-child-id="{child_id}"] a')
    page.wait_for_selector("#child-content .past-visits li")
    lines = page.eval_on_selector_all("#child-content .past-visits li", "items => items.map((li) => li.textContent)")
    seeded = today - timedelta(days=26)
    assert lines[0].startswith(f"{seeded.day} {seeded:%B %Y}") and "withdrawn" not in lines[0]
    withdrawn = page.text_content("#child-content .past-visits li.withdrawn") or ""
    assert withdrawn.startswith(f"{today.day} {today:%B %Y}") and "withdrawn: recorded in error" in withdrawn
    assert lines[-1] == withdrawn


# ---- the offline pass over child pages under poor signal ---------------------------------


class PoorSignal:
    """WSGI middleware: reads of the first child whose page is read fail (500) or hang; every
    child-page read is remembered by child id."""

    def __init__(self, wsgi_app: Callable[..., Any], *, hang: bool) -> None:
        self.wsgi_app = wsgi_app
        self.hang = hang
        self.victim: str | None = None
        self.read: set[str] = set()
        self.answered = 0
        self.release = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ["PATH_INFO"]
        if not path.startswith("/api/children/") or environ["REQUEST_METHOD"] != "GET":
            return self.wsgi_app(environ, start_response)
        child_id = path.split("/")[3]
        with self.lock:
            self.victim = self.victim or child_id
            self.read.add(child_id)
        if child_id != self.victim:
            return self.wsgi_app(environ, start_response)
        if self.hang:
            self.release.wait(timeout=20)
        with self.lock:
            self.answered += 1
        start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "application/problem+json")])
        return [b'{"title": "Internal Server Error", "status": 500}']


@pytest.mark.parametrize("hang", [False, True], ids=["failing", "hanging"])
def test_keeping_child_pages_offline_stops_at_the_first_failed_or_hanging_read(
    context: BrowserContext, site: Site, world: World, hang: bool
) -> None:
    signal = PoorSignal(site.app.wsgi_app, hang=hang)
    site.app.wsgi_app = signal  # type: ignore[method-assign]
    try:
        page = context.new_page()
        sign_in(page, site.url, world.worker_email)
        wait_until(lambda: signal.victim, page=page, what="the first child page read")
        if hang:
            # The service worker gives a hanging read up (8 s) and the pass stops there.
            page.wait_for_timeout(10_000)
            assert signal.answered == 0
        else:
            wait_until(lambda: signal.answered >= 1, page=page, what="the failed read")
        page.wait_for_timeout(3000)
        assert signal.read == {signal.victim}
    finally:
        signal.release.set()
        site.app.wsgi_app = signal.wsgi_app  # type: ignore[method-assign]
