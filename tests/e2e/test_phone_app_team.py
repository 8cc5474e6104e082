"""The team manager's supervision screens in the phone app, in Debian's chromium, against the real
API: landing on the team, a worker's list, moving children, the period and the trend chart, an
admin finding a child; axe and the 390 px phone (and 200% zoom) on each new screen."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route
from sqlalchemy import select

from backend.clock import today_in_london
from backend.extensions import db
from backend.persistence.people import Team, Worker
from tests.e2e.browser import ARTIFACTS, PHONE, wait_until
from tests.e2e.phone import api_get, sign_in, wait_controlled
from tests.e2e.phone_site import Site, World
from tests.support.carers import add_carer
from tests.support.world import add_child, add_team, add_worker

pytestmark = pytest.mark.browser

AXE = (
    Path(os.environ.get("LIGHTHOUSE_DIR") or Path.home() / ".cache" / "visits-lighthouse")
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)


@dataclass
class Team_:
    world: World
    team_id: str
    colleague_id: str
    admin_email: str


@pytest.fixture
def team(site: Site, world: World) -> Team_:
    """Sam (overdue visits), Ada (a colleague first by name, nothing due), Mo the manager (no
    cases, so not listed) and an admin outside the team."""
    today = today_in_london()
    with site.app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.name == "North"))
    assert team_id
    ada = add_worker(site.app, "social_worker", team_id, email="ada@example.org", name="Ada Jones")
    episode = {"type": "child_in_need", "start": (today - timedelta(days=100)).isoformat(), "end": None}
    visit = {"date": (today - timedelta(days=1)).isoformat(), "role": "social_worker", "child_seen": True}
    add_child(
        site.app,
        allocations=[(ada, "social_worker")],
        team_id=team_id,
        reference="C-0100",
        episodes=[episode],
        visits=[visit],
    )
    add_worker(site.app, "admin", None, email="root@example.org", name="Ari Admin")
    return Team_(world, team_id, ada, "root@example.org")


def worker_id_of(site: Site, email: str) -> str:
    """The id of the worker with this email."""
    with site.app.app_context():
        worker_id = db.session.scalar(select(Worker.id).where(Worker.email == email))
    assert worker_id
    return worker_id


def open_worker(page: Page, name: str) -> None:
    page.click(f"#team-content .workers a:text-is('{name}')")
    page.wait_for_selector("#team-content h1:text-is('" + name + "')")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.skip(f"axe-core not found at {AXE} (scripts/lighthouse.sh installs it)")
    # Evaluated over DevTools, which the page's CSP does not govern (a <script> tag would be refused).
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "axe.run(document.querySelector('#main'))"
        ".then((r) => r.violations.map((v) => ({id: v.id, nodes: v.nodes.map((n) => n.target)})))"
    )
    return list(result)


# Elements reaching past 195 px, to say what scrolls sideways when something does.
WIDER_THAN_HALF = """
() => [...document.querySelectorAll('#main *')]
  .filter((element) => element.offsetParent && element.getBoundingClientRect().right > 196)
  .map((element) => `${element.tagName}.${element.className}`)
  .slice(0, 15)
"""


def fits_the_phone(page: Page) -> None:
    """No sideways scrolling at 390 px, nor at 200% zoom (195 CSS px)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size({"width": PHONE["width"] // 2, "height": PHONE["height"] // 2})
    try:
        wide = page.evaluate(WIDER_THAN_HALF)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] // 2, wide
    finally:
        page.set_viewport_size(PHONE)


def test_a_manager_lands_on_the_team_sorted_by_what_needs_attention_and_drills_down_to_a_child(
    context: BrowserContext, site: Site, team: Team_
) -> None:
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    assert page.evaluate("location.pathname") == "/team"
    names = page.locator("#team-content .workers .worker-name").all_inner_texts()
    # Sam has overdue visits, Ada none; Mo the manager holds no cases.
    assert names == ["Sam Patel", "Ada Jones"]
    overview = api_get(page, f"/api/teams/{team.team_id}/overview")
    first = page.locator("#team-content .overdue-list li").first.inner_text()
    late = max(item["days_overdue"] for item in overview["overdue"])
    assert f"{late} days overdue" in first and "Last visit" in first and "last no access" in first
    open_worker(page, "Sam Patel")
    assert page.evaluate("location.pathname") == f"/workers/{team.world.worker_id}"
    listed = api_get(page, f"/api/workers/{team.world.worker_id}/caseload")["obligations"]
    assert page.locator("#team-content li.obligation").count() == len(listed)
    page.click(f'#team-content li.obligation a[href="/children/{team.world.children["C-0001"]}"]')
    page.wait_for_selector("#child-content .obligations")
    # Back to the worker's list, not to the manager's own (empty) list.
    page.click("#child-content .back a")
    page.wait_for_selector("#team-content li.obligation")
    assert page.evaluate("location.pathname") == f"/workers/{team.world.worker_id}"
    page.click("#team-content .back a")
    page.wait_for_selector("#team-content .workers")
    assert page.evaluate("location.pathname") == "/team"
    # Opened directly, the list still knows the team and its colleagues.
    page.goto(f"{site.url}/workers/{team.world.worker_id}")
    page.wait_for_selector("#move-to option:text-is('Ada Jones')", state="attached")
    assert page.inner_text("#team-content .back a") == "← North"


def test_a_manager_moves_two_children_to_a_colleague_after_confirming(
    context: BrowserContext, site: Site, team: Team_
) -> None:
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    open_worker(page, "Sam Patel")
    moving = [team.world.children["C-0001"], team.world.children["C-0002"]]
    for child_id in moving:
        page.locator("#team-content li.obligation").filter(has=page.locator(f'a[href="/children/{child_id}"]')).locator(
            "input[type=checkbox]"
        ).check()
    page.select_option("#move-to", label="Ada Jones")
    page.screenshot(path=ARTIFACTS / "phone-team-worker.png", full_page=True)
    page.click("#move-form button")
    page.wait_for_selector("#confirm-dialog[open]")
    assert "Move 2 children to Ada Jones?" in page.inner_text("#confirm-dialog")
    page.click("#confirm-yes")
    page.wait_for_selector("#team-content [role=alert]")
    assert page.inner_text("#team-content [role=alert]") == "2 moved to Ada Jones."
    for child_id in moving:
        allocations = api_get(page, f"/api/children/{child_id}")["allocations"]
        assert [item["worker_id"] for item in allocations if not item["to"]] == [team.colleague_id]
    # Sam's list no longer holds them.
    shown = page.eval_on_selector_all(
        "#team-content li.obligation a.visit-child", "links => links.map((a) => a.pathname)"
    )
    assert not {f"/children/{child_id}" for child_id in moving} & set(shown)


@pytest.mark.parametrize(
    ("status", "problem", "said"),
    [
        (404, {"title": "Not Found", "status": 404}, "not a child or colleague you manage"),
        (
            422,
            {"title": "Unprocessable", "status": 422, "errors": {"worker_id": ["Not in the child's team."]}},
            "worker_id: Not in the child's team.",
        ),
    ],
)
def test_a_refused_move_says_why_and_moves_nothing(
    context: BrowserContext, site: Site, team: Team_, status: int, problem: dict[str, Any], said: str
) -> None:
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    open_worker(page, "Sam Patel")

    def refuse(route: Route) -> None:
        route.fulfill(status=status, content_type="application/problem+json", body=json.dumps(problem))

    page.route("**/api/children/*/reallocation", refuse)
    page.locator("#team-content li.obligation input[type=checkbox]").first.check()
    page.select_option("#move-to", label="Ada Jones")
    page.click("#move-form button")
    page.click("#confirm-yes")
    page.wait_for_selector("#team-content [role=alert]")
    text = page.inner_text("#team-content [role=alert]")
    assert text.startswith("0 moved to Ada Jones. Not moved: C-") and said in text


def test_the_timescale_by_plan_type_the_trend_chart_and_the_export_follow_the_period(
    context: BrowserContext, site: Site, team: Team_
) -> None:
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    overview = api_get(page, f"/api/teams/{team.team_id}/overview")
    plan_types = {entry["plan_type"] for entry in overview["trend"]}
    charts = page.locator("#team-content figure.trend")
    assert charts.count() == len(plan_types)
    # Drawn with DOM APIs as SVG; each chart's numbers are a table, a row a month.
    assert charts.first.locator("svg text.month").count() == 12
    assert charts.first.locator("table tbody tr").count() == 12
    assert page.locator("#team-content [style]").count() == 0
    assert page.locator("#team-content table.counts-table").first.locator("tbody tr").count() == len(
        overview["by_plan_type"]
    )
    definition = page.inner_text("#screen-team")
    assert "fell due" in definition and "on or before their due date" in definition and "No-access" in definition
    start = (today_in_london() - timedelta(days=200)).isoformat()
    end = (today_in_london() - timedelta(days=10)).isoformat()
    page.fill("#period-from", start)
    page.fill("#period-to", end)
    with page.expect_response(lambda response: "/overview?" in response.url) as answer:
        page.click("#team-content form.stack button")
    assert f"from={start}" in answer.value.url and f"to={end}" in answer.value.url
    page.wait_for_selector(f'#team-content a[href*="overview.csv?from={start}&to={end}"]')
    csv = page.evaluate(
        "(href) => fetch(href).then(async (r) => [r.headers.get('Content-Type'), await r.text()])",
        page.get_attribute("#team-content a[href*='overview.csv']", "href"),
    )
    assert csv[0].startswith("text/csv") and csv[1].strip()
    page.screenshot(path=ARTIFACTS / "phone-team-trend.png", full_page=True)


def held_in_another_team(site: Site, team: Team_) -> tuple[str, str]:
    """A child of the team whose social worker is now in another team (moved by the directory, say),
    who supervises a carer of the team too (FC-0300); and a child of the team allocated to nobody
    (C-0301: its worker left), its visit overdue, and a carer of the team supervised by nobody (FC-0301)."""
    mover = add_worker(site.app, "social_worker", add_team(site.app, "South"), name="Val Moved")
    add_carer(site.app, supervising_worker_id=mover, team_id=team.team_id, reference="FC-0300", name="Pat Carer")
    add_carer(site.app, team_id=team.team_id, reference="FC-0301", name="Lee Carer")
    episode = {"type": "child_protection", "start": (today_in_london() - timedelta(days=90)).isoformat(), "end": None}
    held = add_child(
        site.app, allocations=[(mover, "social_worker")], team_id=team.team_id, reference="C-0300", episodes=[episode]
    )
    return held, add_child(site.app, team_id=team.team_id, reference="C-0301", episodes=[episode])


def test_the_team_screens_pass_axe_and_fit_the_phone_at_double_zoom(
    context: BrowserContext, site: Site, team: Team_
) -> None:
    held_in_another_team(site, team)  # its section is on the team screen too
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    assert axe_violations(page) == []
    fits_the_phone(page)
    open_worker(page, "Sam Patel")
    assert axe_violations(page) == []
    fits_the_phone(page)


def test_an_admin_finds_any_child_by_reference_and_sees_any_team(
    context: BrowserContext, site: Site, team: Team_
) -> None:
    page = context.new_page()
    sign_in(page, site.url, team.admin_email)
    assert page.evaluate("location.pathname") == "/team"
    page.fill("#find-child", "c-0004")
    page.click("#team-content form button")
    page.click("#team-content a:text-is('C-0004 · NA')")
    page.wait_for_selector("#child-content .obligations")
    assert page.evaluate("location.pathname") == f"/children/{team.world.children['C-0004']}"
    page.go_back()
    page.click("#team-content a:text-is('North')")
    page.wait_for_selector("#team-content .workers")
    assert page.evaluate("location.pathname") == f"/teams/{team.team_id}"
    assert page.inner_text("#team-content h1") == "North"
    wait_until(lambda: axe_violations(page) == [], page=page, what="no axe violations on the admin's team view")


def test_a_manager_holding_cases_is_listed_and_can_open_their_own_list(
    context: BrowserContext, site: Site, team: Team_
) -> None:
    manager_id = worker_id_of(site, team.world.manager_email)
    episode = {"type": "child_protection", "start": (today_in_london() - timedelta(days=90)).isoformat(), "end": None}
    add_child(
        site.app,
        allocations=[(manager_id, "social_worker")],
        team_id=team.team_id,
        reference="C-0200",
        episodes=[episode],
    )
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    assert "Mo Khan" in page.locator("#team-content .workers .worker-name").all_inner_texts()
    # Their own list is "My visits", where they record visits as any worker does.
    page.click("#team-content .workers a:text-is('Mo Khan')")
    page.wait_for_selector("#screen-visits:not([hidden]) li.visit")
    assert "C-0200" in page.inner_text("#visit-groups")


def test_offline_the_team_shows_its_saved_copy_with_its_age(context: BrowserContext, site: Site, team: Team_) -> None:
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    # The first load may fetch the overview before the service worker controls the page: ask
    # again once it does, so the copy is the service worker's to keep.
    wait_controlled(page)
    page.click("nav a[data-route=visits]")
    page.click("nav a[data-route=team]")
    wait_until(
        lambda: page.evaluate(
            "(path) => caches.open('api-data').then((cache) => cache.keys())"
            ".then((keys) => keys.some((key) => key.url.includes(path)))",
            f"/api/teams/{team.team_id}/overview",
        ),
        page=page,
        what="the service worker's copy of the overview",
    )
    context.set_offline(True)
    page.click("nav a[data-route=visits]")
    page.click("nav a[data-route=team]")
    page.wait_for_selector("#team-content .stale")
    assert page.inner_text("#team-content .stale").startswith("Offline: as of ")
    assert "Sam Patel" in page.inner_text("#team-content .workers")


def test_an_overdue_visit_escalated_to_the_manager_is_marked_so(
    context: BrowserContext, site: Site, team: Team_
) -> None:
    # A child protection visit missed a few days ago, beside the seed's one missed weeks ago.
    today = today_in_london()
    add_child(
        site.app,
        allocations=[(team.world.worker_id, "social_worker")],
        team_id=team.team_id,
        reference="C-0200",
        episodes=[{"type": "child_protection", "start": (today - timedelta(days=100)).isoformat(), "end": None}],
        visits=[{"date": (today - timedelta(days=16)).isoformat(), "role": "social_worker", "child_seen": True}],
    )
    with site.app.app_context():
        # At midday, outside any quiet hours.
        now = f"{today_in_london().isoformat()}T12:00"
        result = site.app.test_cli_runner().invoke(args=["send-escalations", "--now", now])
    assert result.exit_code == 0, result.output
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    overdue = api_get(page, f"/api/teams/{team.team_id}/overview")["overdue"]
    # Only a visit that fell due in the last week is escalated (no burst on a first run).
    recent = [item for item in overdue if item["days_overdue"] <= 7]
    assert recent and all(item["escalated"] == (item in recent) for item in overdue)
    assert page.locator("#team-content .overdue-list .tag:text-is('Escalated')").count() == len(recent)


def test_a_manager_lets_a_colleague_act_for_a_worker_who_finds_the_children_on_their_own_list(
    browser: Browser, context: BrowserContext, site: Site, team: Team_
) -> None:
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    open_worker(page, "Sam Patel")
    assert page.inner_text("label[for=cover-who]") == "Let a colleague record visits for Sam Patel"
    page.select_option("#cover-who", label="Ada Jones")
    page.fill("#cover-until", (today_in_london() + timedelta(days=7)).isoformat())
    page.click("#cover-form button:text-is('Let them')")
    page.wait_for_selector("#cover-form p:has-text('Ada Jones:') button:text-is('End')")
    assert not axe_violations(page)
    # A referral of Sam's 90 days ago: its assessment (45 working days) is overdue, a deadline of his.
    today = today_in_london()
    add_child(
        site.app,
        allocations=[(team.world.worker_id, "social_worker")],
        team_id=team.team_id,
        reference="C-0300",
        episodes=[{"type": "child_in_need", "start": (today - timedelta(days=90)).isoformat(), "end": None}],
        events=[{"type": "referral", "date": (today - timedelta(days=90)).isoformat()}],
    )
    # Ada, on her own phone, finds Sam's children and deadlines on her own list, marked as cover.
    ada_context = browser.new_context(viewport=PHONE, timezone_id="Europe/London", locale="en-GB")
    try:
        ada = ada_context.new_page()
        sign_in(ada, site.url, "ada@example.org")
        child = team.world.children["C-0001"]
        row = ada.locator(f'li.visit[data-child-id="{child}"]')
        row.wait_for()
        assert "Covering for Sam Patel" in row.inner_text()
        assert row.locator("button[data-action=record]").count() == 1
        assert "(covering for Sam Patel)" in ada.locator("section.deadlines li:has-text('C-0300')").inner_text()
    finally:
        ada_context.close()
    page.click("#cover-form p:has-text('Ada Jones:') button:text-is('End')")
    # The screen is rebuilt after the change: wait for the ended cover to go, not for a row that was there.
    page.wait_for_selector("#cover-form p:has-text('Ada Jones:')", state="detached")
    assert api_get(page, f"/api/workers/{team.world.worker_id}/cover") == {"covers": []}


def test_the_team_shows_its_carers_and_practice_checks_in_a_line_each(
    context: BrowserContext, site: Site, team: Team_
) -> None:
    add_carer(site.app, supervising_worker_id=team.world.worker_id, team_id=team.team_id)
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    overview = api_get(page, f"/api/teams/{team.team_id}/overview")
    carers, checks = overview["carers"], overview["practice_checks"]
    shown = page.inner_text("#team-content")
    assert (
        f"Carers: {carers['overdue']} overdue, {carers['due_today']} due today, {carers['due_soon']} due soon" in shown
    )
    assert (
        f"Practice checks: {checks['children']} {'child' if checks['children'] == 1 else 'children'} "
        f"(not seen alone {checks['seen_alone']}, "
        f"bedroom {checks['bedroom_seen']}, awake {checks['seen_awake']})"
    ) in shown


def test_a_child_held_by_a_worker_of_another_team_is_flagged_and_moved_back_from_the_team_screen(
    context: BrowserContext, site: Site, team: Team_
) -> None:
    child, unallocated = held_in_another_team(site, team)
    page = context.new_page()
    sign_in(page, site.url, team.world.manager_email)
    flagged = page.locator("#team-content .outside li").filter(has=page.locator(f'a[href="/children/{child}"]'))
    assert "Val Moved, South" in flagged.inner_text()
    flagged.locator("input[type=checkbox]").check()
    # The child nobody holds, beside it, allocated with the same form.
    assert page.locator("#team-content .outside h2:text-is('Not allocated: allocate (1)')").count() == 1
    nobody = page.locator("#team-content .outside li").filter(has=page.locator(f'a[href="/children/{unallocated}"]'))
    assert "social worker: nobody" in nobody.inner_text() and "overdue" in nobody.inner_text().lower()
    nobody.locator("input[type=checkbox]").check()
    page.select_option("#move-to", label="Ada Jones")
    page.click("#move-form button")
    page.wait_for_selector("#confirm-dialog[open]")
    page.click("#confirm-yes")
    page.wait_for_selector("#team-content [role=alert]")
    assert page.inner_text("#team-content [role=alert]") == "2 moved to Ada Jones."
    assert page.locator("#team-content .outside").count() == 0
    for moved in (child, unallocated):
        allocations = api_get(page, f"/api/children/{moved}")["allocations"]
        assert [item["worker_id"] for item in allocations if not item["to"]] == [team.colleague_id]
    # The carer Val supervises is the team's too: given a supervisor of the team from the same screen.
    carer = page.locator("#team-content .supervised li:has-text('FC-0300')")
    assert "supervised by Val Moved, South" in carer.inner_text()
    carer.locator("select").select_option(label="Ada Jones")
    carer.locator("button").click()
    page.wait_for_selector("#team-content [role=alert]:has-text('FC-0300')")
    assert page.inner_text("#team-content [role=alert]") == "FC-0300: supervised by Ada Jones."
    # The carer with no supervisor, in the same list, the same way.
    carer = page.locator("#team-content .supervised li:has-text('FC-0301')")
    assert "supervised by nobody" in carer.inner_text()
    carer.locator("select").select_option(label="Ada Jones")
    carer.locator("button").click()
    page.wait_for_selector("#team-content [role=alert]:has-text('FC-0301')")
    assert page.locator("#team-content .supervised").count() == 0
    [carer_id] = [row["id"] for row in api_get(page, "/api/carers")["carers"] if row["reference"] == "FC-0300"]
    assert api_get(page, f"/api/carers/{carer_id}")["supervising_worker_id"] == team.colleague_id
