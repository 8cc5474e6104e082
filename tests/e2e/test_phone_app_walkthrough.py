"""The phone app's newer parts on a doorstep: withdrawn visits on the child page, the offline pass
over child pages under poor signal, and the new screens in dark mode. Debian's chromium on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import update

from backend.clock import today_in_london
from backend.extensions import db
from backend.persistence.children import Child
from tests.e2e.browser import PHONE, wait_until
from tests.e2e.phone import outbox, sign_in
from tests.e2e.phone_site import Site, World
from tests.support.carers import add_carer

pytestmark = pytest.mark.browser
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


# ---- the new screens and dialogs: axe, target sizes, reflow at 200% zoom, dark mode ------

# Buttons, links and selects smaller than 44x44 px, and checkboxes whose label (the tap target
# beside a 28 px box) is; only what is on screen.
SMALL_TARGETS = """
(root) => [...document.querySelector(root).querySelectorAll('button, a, select, input')]
  .filter((element) => element.offsetParent || element.closest('dialog[open]'))
  .map((element) => {
    // A worker's row is one link (its ::after covers the row).
    const target = element.type === 'checkbox' ? element.labels[0] : element.closest('.worker-load') || element;
    const box = target.getBoundingClientRect();
    return [element.id || element.textContent.trim(), Math.round(box.width), Math.round(box.height)];
  })
  .filter(([, width, height]) => width > 0 && (width < 44 || height < 44))
"""

WIDER_THAN = """
(width) => [...document.querySelectorAll('#main *, dialog[open] *')]
  .filter((element) => element.getClientRects().length && element.getBoundingClientRect().right > width + 1)
  .map((element) => `${element.tagName}.${element.className}#${element.id}`)
  .slice(0, 10)
"""


def axe_violations(page: Page, root: str = "document") -> list[tuple[str, list[Any]]]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed in tests/js (scripts/test installs it)")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")  # over DevTools: the CSP does not apply
    result = page.evaluate(
        f"axe.run({root}).then((r) => r.violations.map((v) => [v.id, v.nodes.map((n) => n.target)]))"
    )
    return [tuple(violation) for violation in result]


def reflows(page: Page) -> list[str]:
    """What reaches past the screen at 390 px and at 200% zoom (195 CSS px); nothing should."""
    wide = []
    for width in (PHONE["width"], PHONE["width"] // 2):
        page.set_viewport_size({"width": width, "height": PHONE["height"] // (PHONE["width"] // width)})
        page.wait_for_timeout(100)
        wide += [f"{width}: {what}" for what in page.evaluate(WIDER_THAN, width)]
    page.set_viewport_size(PHONE)
    return wide


@pytest.fixture
def doorstep(site: Site, world: World) -> World:
    """Two siblings in one household, a carer the worker supervises, deadlines for C-0004."""
    with site.app.app_context():
        siblings = [world.children["C-0001"], world.children["C-0002"]]
        db.session.execute(update(Child).where(Child.id.in_(siblings)).values(household="F-1021"))
        db.session.commit()
    add_carer(site.app, supervising_worker_id=world.worker_id, approved=today_in_london() - timedelta(days=20))
    return world


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_household_dialog_carers_and_deadlines_pass_axe_fit_the_phone_and_have_large_targets(
    context: BrowserContext, site: Site, doorstep: World, scheme: str
) -> None:
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    sign_in(page, site.url, doorstep.worker_email)
    page.wait_for_selector("section.households")
    page.wait_for_selector("#group-carers")
    found: dict[str, Any] = {"list": axe_violations(page), "list reflow": reflows(page)}
    found["list targets"] = page.evaluate(SMALL_TARGETS, "#visit-groups")
    page.click("#group-carers + ul button[data-carer-action=false]")  # a mistaken tap is asked about
    page.wait_for_selector("#confirm-dialog[open]")
    found["carer confirm"] = axe_violations(page)
    page.click("#confirm-no")
    page.wait_for_timeout(300)
    assert outbox(page) == []
    page.click("section.households button[data-action=household]")
    page.wait_for_selector("#household-dialog[open]")
    found["household dialog"] = axe_violations(page)
    found["household targets"] = page.evaluate(SMALL_TARGETS, "#household-dialog")
    found["household reflow"] = reflows(page)
    page.check("#hh-alone-1")
    page.click("label[for=hh-seen-1]")  # a mistaken "not seen" takes "seen alone" with it
    assert page.is_disabled("#hh-alone-1") and not page.is_checked("#hh-alone-1")
    page.click("label[for=hh-seen-1]")
    assert page.is_enabled("#hh-alone-1")
    page.click("#household-dialog button[value=save]")
    page.wait_for_selector("#save-note:not([hidden])")
    wait_until(lambda: not outbox(page), page=page, what="the household visit sent")
    page.click(f'li.visit[data-child-id="{doorstep.children["C-0001"]}"] a')
    page.wait_for_selector("ul.practice-checks li")  # seen, not alone nor the bedroom
    found["child page with checks"] = axe_violations(page)
    page.click("nav a[data-route=visits]")
    page.click(f'li.visit[data-child-id="{doorstep.children["C-0004"]}"] a')
    page.wait_for_selector("ul.deadlines li")
    found["child page with deadlines"] = axe_violations(page)
    found["child reflow"] = reflows(page)
    assert found == {key: [] for key in found}, json.dumps(found, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_team_screens_pass_axe_in_light_and_dark(
    context: BrowserContext, site: Site, world: World, scheme: str
) -> None:
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    sign_in(page, site.url, world.manager_email)
    found: dict[str, Any] = {"team": axe_violations(page), "team targets": page.evaluate(SMALL_TARGETS, "#main")}
    page.click("#team-content .workers a:text-is('Sam Patel')")
    page.wait_for_selector("#team-content h1:text-is('Sam Patel')")
    found["worker"] = axe_violations(page)
    found["worker targets"] = page.evaluate(SMALL_TARGETS, "#main")
    assert found == {key: [] for key in found}, json.dumps(found, indent=1)
