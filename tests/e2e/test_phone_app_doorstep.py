"""The phone app on a doorstep: child pages kept offline, attempts without access on the list,
projections from today, reminder timing and the team feed in Settings, child protection first,
undoing a planned visit, and colour contrast in dark mode. Debian's chromium on loopback."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import select

from backend.clock import LONDON, today_in_london
from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.children import Allocation
from backend.persistence.plans import PlanRow
from tests.e2e.browser import PHONE, wait_until
from tests.e2e.phone import api_get, cached_urls, record_visit, row_text, shown_rows, sign_in, stores
from tests.e2e.phone_site import Site, World, server_visits
from tests.support.plans import add_plan

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"


def shown_date(day: date) -> str:
    """As the app writes a date: "Sun 6 Dec"."""
    return f"{day:%a} {day.day} {day:%b}"


def kept_children(page: Page) -> set[str]:
    """Children whose every child-page read is in the service worker's cache."""
    paths = {path for name, paths in cached_urls(page).items() if name == "api-data" for path in paths}
    return {path.split("/")[3] for path in paths if path.startswith("/api/children/") and path.endswith("/projections")}


def meta(page: Page) -> list:
    return stores(page).get("meta", [])


# ---- every child page kept for offline use -----------------------------------------------


def test_every_child_page_of_the_caseload_opens_offline_and_each_read_is_audited(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    everyone = set(world.children.values())
    wait_until(lambda: kept_children(page) == everyone, page=page, what="every child page saved")
    with site.app.app_context():
        audited = set(db.session.scalars(select(AuditEntry.child_id).where(AuditEntry.action == "read")))
    assert everyone <= audited  # a saved page is a read of the child, as any other

    context.set_offline(True)
    for reference in ("C-0002", "C-0004"):
        page.click("nav a[data-route=visits]")
        page.click(f'li.visit[data-child-id="{world.children[reference]}"] a')
        page.wait_for_selector(f"#child-content h1:text-is('{world.names[reference]}')", timeout=5000)
        assert page.locator("#child-content ul.obligations > li").count() == 1  # deadlines are listed apart
    context.set_offline(False)

    # Bounded by the caseload: a child who leaves it leaves the phone at the next refresh.
    gone = world.children["C-0003"]
    with site.app.app_context():
        allocation = db.session.scalar(select(Allocation).where(Allocation.child_id == gone))
        allocation.ends_on = today_in_london() - timedelta(days=1)
        db.session.commit()
    page.click("nav a[data-route=visits]")
    page.click("#refresh")
    wait_until(lambda: kept_children(page) == everyone - {gone}, page=page, what="the child's pages to go")
    assert not [path for paths in cached_urls(page).values() for path in paths if gone in path]


def test_saved_child_pages_go_with_sign_out(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_until(lambda: len(kept_children(page)) == len(world.children), page=page, what="the saved pages")
    page.click("nav a[data-route=settings]")
    page.click("#sign-out")
    page.wait_for_selector("#sign-in-form")
    assert not [path for paths in cached_urls(page).values() for path in paths if path.startswith("/api/")]
    assert meta(page) == []


# ---- the list and the child page ---------------------------------------------------------


def test_a_no_access_attempt_shows_on_the_row_and_under_why_it_is_due(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    child_id = world.children["C-0002"]
    record_visit(page, child_id, seen=False)
    words = f"No access on {shown_date(today_in_london())}: the visit is still due"
    wait_until(lambda: words in row_text(page, child_id), page=page, what="the attempt on the row")
    page.click(f'li.visit[data-child-id="{child_id}"] a')
    page.wait_for_selector("#child-content .explanation")
    assert page.inner_text("#child-content .obligation .attempt-note") == words


def test_an_overdue_childs_projected_dates_start_today(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    child_id = world.children["C-0001"]  # child protection, last seen 30 days ago: overdue
    assert "overdue" in row_text(page, child_id)
    page.click(f'li.visit[data-child-id="{child_id}"] a')
    projection = page.inner_text("#child-content .projection")
    dates = projection.split(": ", 1)[1].split(", ")
    assert dates[0] == shown_date(today_in_london()), projection


def test_child_protection_comes_first_among_visits_due_the_same_day(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    caseload = api_get(page, "/api/caseload")
    cp, cin = world.children["C-0001"], world.children["C-0002"]
    rows = {row["child_id"]: row for row in caseload["obligations"]}
    same_day = {**rows[cp], "due": rows[cin]["due"], "status": rows[cin]["status"]}
    # The child in need first, as the API would order them (due, role, reference) were the
    # references the other way round.
    caseload["obligations"] = [rows[cin], same_day] + [
        row for row in caseload["obligations"] if row["child_id"] not in (cp, cin)
    ]
    context.route("**/api/caseload", lambda route: route.fulfill(status=200, json=caseload))
    page.click("#refresh")
    wait_until(
        lambda: shown_rows(page)[:2] == [(cp, "social_worker"), (cin, "social_worker")], page=page, what="CP first"
    )


# ---- undo of a planned visit -------------------------------------------------------------


def test_undoing_record_planned_visit_withdraws_the_visit_and_reopens_the_plan(
    context: BrowserContext, site: Site, world: World
) -> None:
    child_id = world.children["C-0002"]
    plan_day = today_in_london() - timedelta(days=1)
    plan_id = add_plan(
        site.app,
        child_id,
        world.worker_id,
        starts_at=datetime(plan_day.year, plan_day.month, plan_day.day, 10, 0, tzinfo=LONDON),
    )
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    page.click(f'li.visit[data-child-id="{child_id}"] button[data-action="complete-plan"]')
    page.click("#record-dialog button[value=seen]")
    page.wait_for_selector("#save-text:has-text('Saved. Next visit due')", timeout=20000)
    [stored] = server_visits(site.app)
    page.click("#save-undo")

    def plan_status() -> str:
        with site.app.app_context():
            return db.session.get(PlanRow, plan_id).status

    wait_until(lambda: plan_status() == "planned", page=page, what="the plan to reopen")
    assert server_visits(site.app)[0].withdrawn_at is not None and stored.withdrawn_at is None
    row = f'li.visit[data-child-id="{child_id}"]'
    page.wait_for_selector(f'{row} button[data-action="complete-plan"]', timeout=20000)


# ---- settings ----------------------------------------------------------------------------


def test_reminder_timing_is_adjustable_in_settings(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    page.click("nav a[data-route=settings]")
    wait_until(lambda: page.input_value("#reminder-slot") == "08:00", page=page, what="the saved times")
    assert page.input_value("#reminder-lead") == "2" and page.input_value("#reminder-plan") == "60"
    assert page.is_hidden("#team-feed")  # a social worker has no team feed
    page.select_option("#reminder-lead", "5")
    page.fill("#reminder-slot", "07:30")
    page.select_option("#reminder-plan", "")
    wanted = {"lead_working_days": 5, "slot_time": "07:30", "plan_lead_minutes": None}

    def saved() -> bool:
        preferences = api_get(page, "/api/push/preferences")
        return {name: preferences[name] for name in wanted} == wanted

    wait_until(saved, page=page, what="the reminder times on the server")
    page.wait_for_selector("#reminder-timing-state:has-text('Saved')")


def test_quick_changes_to_reminder_times_reach_the_server_in_order(
    context: BrowserContext, site: Site, world: World
) -> None:
    """Three changes in a second on one bar of signal: the first save is slow to leave the phone.
    Sent at once, the slow one landed last and put back the old time; they now go in order."""
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    page.click("nav a[data-route=settings]")
    wait_until(lambda: page.input_value("#reminder-slot") == "08:00", page=page, what="the saved times")
    page.evaluate(
        """() => {
          const sendNow = window.fetch;
          let held = false;
          window.fetch = (path, init) => {
            const slow = !held && String(path).endsWith('/push/preferences') && init?.method === 'PUT';
            held = held || slow;
            if (!slow) return sendNow(path, init);
            const late = new Promise((go) => setTimeout(go, 1500)).then(() => sendNow(path, init));
            late.finally(() => { window.slowSaveAnswered = true; });
            return late;
          };
        }"""
    )
    page.select_option("#reminder-lead", "3")
    page.fill("#reminder-slot", "09:15")
    page.select_option("#reminder-plan", "")
    wait_until(lambda: page.evaluate("window.slowSaveAnswered === true"), page=page, what="the slow save's answer")
    page.wait_for_selector("#reminder-timing-state:has-text('Saved')", timeout=20_000)
    preferences = api_get(page, "/api/push/preferences")
    saved = (preferences["lead_working_days"], preferences["slot_time"], preferences["plan_lead_minutes"])
    assert saved == (3, "09:15", None)
    assert (page.input_value("#reminder-lead"), page.input_value("#reminder-slot")) == ("3", "09:15")


def test_a_team_manager_copies_the_team_calendar_link(context: BrowserContext, site: Site, world: World) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    sign_in(page, site.url, world.manager_email)
    page.click("nav a[data-route=settings]")
    page.wait_for_selector("#team-feed:not([hidden])")
    page.click("#team-feed-copy")
    page.wait_for_selector("#team-feed-status:has-text('copied')")
    url = page.evaluate("navigator.clipboard.readText()")
    assert url == page.input_value("#team-feed-url") and url.endswith(".ics")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert page.evaluate("(p) => fetch(p, { cache: 'no-store' }).then((r) => r.status)", path) == 200
    # Copying again replaces the live link, after a warning.
    page.click("#team-feed-copy")
    page.wait_for_selector("#confirm-dialog[open]")
    assert "stop updating" in page.inner_text("#confirm-dialog")
    page.click("#confirm-dialog button[value=yes]")
    wait_until(lambda: page.evaluate("navigator.clipboard.readText()") != url, page=page, what="a new link")
    assert page.evaluate("(p) => fetch(p, { cache: 'no-store' }).then((r) => r.status)", path) == 404


# ---- colour contrast ---------------------------------------------------------------------


def contrast_violations(page: Page) -> list:
    result = page.evaluate("axe.run(document, { runOnly: ['color-contrast'] })")
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]], violation["nodes"][0]["failureSummary"])
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_every_screen_passes_axe_colour_contrast(browser: Browser, site: Site, world: World, scheme: str) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed in tests/js (scripts/test installs it)")
    # axe is injected as a script: the app's CSP would refuse it.
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/London", locale="en-GB", bypass_csp=True)
    try:
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)
        sign_in(page, site.url, world.worker_email)
        record_visit(page, world.children["C-0003"], seen=False)
        page.wait_for_selector("#save-note:not([hidden])")
        found: dict[str, list] = {}

        page.add_script_tag(path=str(AXE))  # the app is one page: injected once

        def check(screen: str) -> None:
            found[screen] = contrast_violations(page)

        check("list")
        page.click(f'li.visit[data-child-id="{world.children["C-0003"]}"] a')
        page.wait_for_selector("#child-content .explanation")
        check("child")
        page.click("nav a[data-route=settings]")
        page.wait_for_selector("#account-who:not(:empty)")
        check("settings")
        page.click("nav a[data-route=visits]")
        page.click(f'li.visit[data-child-id="{world.children["C-0001"]}"] button[data-action="plan"]')
        page.wait_for_selector("#plan-dialog[open]")
        check("plan dialog")
        assert found == {screen: [] for screen in found}, json.dumps(found, indent=1)
    finally:
        context.close()
