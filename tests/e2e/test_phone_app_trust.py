"""The phone app when the server says no: an ended session, failing first reads, and what is
left on the phone afterwards. Debian's chromium against the real API on loopback."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Route
from sqlalchemy import delete, func, select

from backend.clock import LONDON, today_in_london
from backend.extensions import db
from backend.persistence.children import VisitRow
from backend.persistence.security import SessionRow
from tests.e2e.browser import PHONE, wait_until
from tests.e2e.phone import (
    api_get,
    cached_urls,
    first_load_lcp,
    outbox,
    record_response,
    record_visit,
    shown_rows,
    sign_in,
    stores,
    wait_for_offline_copy,
    wait_ready,
)
from tests.e2e.phone_site import Site, World, server_visits
from tests.support.plans import add_plan
from tests.support.world import add_child, add_team, add_worker

pytestmark = pytest.mark.browser


def end_every_session(site: Site) -> None:
    """As after the idle limit, or a worker disabled and enabled again."""
    with site.app.app_context():
        db.session.execute(delete(SessionRow))
        db.session.commit()


def session_count(site: Site) -> int:
    with site.app.app_context():
        return db.session.scalar(select(func.count()).select_from(SessionRow)) or 0


def problem(status: int) -> dict:
    body = {"type": "about:blank", "title": "Failed", "status": status, "detail": "Something failed."}
    return {"status": status, "content_type": "application/problem+json", "body": json.dumps(body)}


# ---- starting when the server says no ----------------------------------------------------


def test_started_with_an_ended_session_the_app_reaches_its_sign_in_screen(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    end_every_session(site)
    page.reload()
    page.wait_for_selector("#screen-sign-in:not([hidden]) #sign-in-form", timeout=5000)
    wait_ready(page)
    assert page.inner_text("#sync-status") != "Starting…"
    assert not page.locator("li.visit").count()


@pytest.mark.parametrize("status", [422, 500])
def test_a_failing_first_caseload_read_shows_the_saved_list_with_an_error(
    context: BrowserContext, site: Site, world: World, status: int
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    rows = shown_rows(page)
    context.route("**/api/caseload", lambda route: route.fulfill(**problem(status)))
    page.reload()
    wait_ready(page)
    page.wait_for_selector("li.visit", timeout=5000)
    assert shown_rows(page) == rows
    assert "could not" in page.inner_text("#stale-note").lower()
    assert page.inner_text("#sync-status") != "Starting…"


@pytest.mark.parametrize("status", [422, 500])
def test_failing_first_requests_of_every_kind_still_end_on_a_screen(
    context: BrowserContext, site: Site, world: World, status: int
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)

    def fail(route: Route) -> None:
        route.fulfill(**problem(status))

    context.route("**/api/**", fail)
    page.reload()
    wait_ready(page)
    page.wait_for_selector("#screen-sign-in:not([hidden]), #screen-visits:not([hidden])", timeout=5000)
    assert page.inner_text("#sync-status") != "Starting…"


# ---- after the server has ended the session ---------------------------------------------


def test_a_401_wipes_every_child_record_from_the_phone_but_keeps_unsent_visits_for_their_worker(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    child_id = world.children["C-0001"]
    page.click(f'li.visit[data-child-id="{child_id}"] a')
    page.wait_for_selector(f"#child-content h1:text-is('{world.names['C-0001']}')")
    assert any(path.startswith("/api/children/") for paths in cached_urls(page).values() for path in paths)
    page.click("nav a[data-route=visits]")
    context.set_offline(True)
    record_visit(page, world.children["C-0003"])

    end_every_session(site)  # the worker is disabled, or the idle limit passes
    context.set_offline(False)
    page.wait_for_selector("#screen-sign-in:not([hidden]) #sign-in-form", timeout=20000)
    wait_until(lambda: not [n for n in cached_urls(page) if not n.startswith("shell-")], page=page, what="the wipe")
    held = stores(page)
    assert held["meta"] == []
    assert [(entry["worker_id"], entry["visit"]["child_id"]) for entry in held["outbox"]] == [
        (world.worker_id, world.children["C-0003"])
    ]

    # Offline, the phone has nothing left to answer with.
    context.set_offline(True)
    answer = page.evaluate(
        "(path) => fetch(path).then((r) => r.status, () => 'network error')", f"/api/children/{child_id}"
    )
    assert answer != 200
    page.reload()
    wait_ready(page)
    assert page.is_visible("#sign-in-form")
    assert world.names["C-0001"] not in page.content()
    assert not page.locator("li.visit").count()


def test_another_worker_signing_in_never_sees_or_sends_the_kept_visit_and_its_worker_then_does(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    context.set_offline(True)
    record_visit(page, world.children["C-0002"])
    page.click("nav a[data-route=settings]")
    page.click("#sign-out")
    page.click("#sign-out-dialog button[value=keep]")
    page.wait_for_selector("#sign-in-form")
    context.set_offline(False)

    sign_in(page, site.url, world.manager_email)
    page.wait_for_timeout(1500)
    assert page.is_hidden("#outbox-section")
    assert world.children["C-0002"] not in page.inner_text("#outbox-list")
    assert server_visits(site.app) == []
    assert len(outbox(page)) == 1

    page.click("nav a[data-route=settings]")
    page.click("#sign-out")
    page.wait_for_selector("#sign-in-form")
    sign_in(page, site.url, world.worker_email)
    [stored] = wait_until(lambda: server_visits(site.app), page=page, what="the kept visit after its worker signs in")
    assert stored.child_id == world.children["C-0002"]
    assert outbox(page) == []


# ---- cache first ------------------------------------------------------------------------


def test_with_every_api_request_hanging_the_saved_list_is_painted_within_500_ms_then_dated(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    page.wait_for_timeout(300)  # the phone's own copy is written after the list is read
    rows = shown_rows(page)
    hanging: list[Route] = []
    context.route("**/api/**", lambda route: hanging.append(route))  # lie-fi: asked, never answered
    page.reload()
    page.wait_for_selector("li.visit", timeout=2000)
    painted = page.evaluate("performance.getEntriesByName('list-painted')[0]?.startTime")
    print(f"list painted from the phone's copy {painted:.0f} ms after navigation, every API request hanging")
    assert painted is not None and painted < 500, painted
    assert shown_rows(page) == rows
    assert page.inner_text("#sync-status").startswith("Refreshing…")
    # The time limit: the refresh gives up and says how old the list is.
    wait_until(lambda: "as of" in page.inner_text("#sync-status"), page=page, timeout=15, what="the refresh to give up")
    assert "as of" in page.inner_text("#stale-note")
    assert shown_rows(page) == rows
    context.unroute_all(behavior="ignoreErrors")


def test_tapping_refresh_shows_that_something_is_happening(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    hanging: list[Route] = []
    context.route("**/api/caseload", lambda route: hanging.append(route))
    page.click("#refresh")
    wait_until(lambda: page.inner_text("#sync-status").startswith("Refreshing…"), page=page, what="Refreshing…")
    context.unroute_all(behavior="ignoreErrors")


# ---- sign-out means gone ----------------------------------------------------------------


def test_signed_out_offline_with_a_kept_visit_nothing_comes_back_when_signal_returns_or_later_offline(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    context.set_offline(True)
    record_visit(page, world.children["C-0004"])
    page.click("nav a[data-route=settings]")
    page.click("#sign-out")
    page.click("#sign-out-dialog button[value=keep]")
    page.wait_for_selector("#sign-in-form")
    reads: list[str] = []
    context.on(
        "request", lambda request: request.method == "GET" and "/api/" in request.url and reads.append(request.url)
    )

    context.set_offline(False)  # signal returns: the server session is ended, nothing is read
    wait_until(lambda: stores(page)["meta"] == [], page=page, what="the pending sign-out to be done")
    assert session_count(site) == 0
    page.wait_for_timeout(1500)
    assert not [url for url in reads if "/api/session" not in url], reads
    assert server_visits(site.app) == []  # the kept visit waits for its worker to sign in
    assert not [n for n in cached_urls(page) if not n.startswith("shell-")]

    context.set_offline(True)  # later, offline: the phone shows nothing of the worker's
    page.reload()
    wait_ready(page)
    assert page.is_visible("#sign-in-form")
    assert not page.locator("li.visit").count()
    assert not [name for name in world.names.values() if name in page.content()]
    context.set_offline(False)
    sign_in(page, site.url, world.worker_email)
    [stored] = wait_until(lambda: server_visits(site.app), page=page, what="the kept visit after signing in")
    assert stored.child_id == world.children["C-0004"]


# ---- honest sync ------------------------------------------------------------------------


def test_each_entry_says_waiting_then_sent_and_a_waiting_one_can_be_discarded(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    context.set_offline(True)
    record_visit(page, world.children["C-0001"])
    record_visit(page, world.children["C-0002"])
    assert page.eval_on_selector_all("#outbox-list .entry-state", "s => s.map((e) => e.textContent)") == [
        "Waiting to sync",
        "Waiting to sync",
    ]
    # The wrong tap, undone before it left the phone.
    page.click("#outbox-list li:nth-child(2) button[data-action=discard]")
    page.click("#confirm-dialog button[value=yes]")
    wait_until(lambda: len(outbox(page)) == 1, page=page, what="the discarded entry to go")

    context.set_offline(False)
    page.wait_for_selector("#outbox-section", state="hidden", timeout=20000)
    page.wait_for_selector("#sent-section:not([hidden])")
    assert page.inner_text("#sent-list .entry-state").startswith("Sent ")
    assert [visit.child_id for visit in server_visits(site.app)] == [world.children["C-0001"]]
    assert "last synced" in page.inner_text("#sync-status")


def test_a_phone_that_has_not_synced_for_a_working_day_says_so(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    page.wait_for_timeout(300)
    context.set_offline(True)
    page.evaluate(
        """() => new Promise((resolve) => {
          const opening = indexedDB.open('visit-app');
          opening.onsuccess = () => {
            const tx = opening.result.transaction('meta', 'readwrite');
            tx.objectStore('meta').put(new Date(Date.now() - 26 * 3600 * 1000).toISOString(), 'last_sync');
            tx.oncomplete = () => { opening.result.close(); resolve(); };
          };
        })"""
    )
    page.reload()
    wait_ready(page)
    page.wait_for_selector("li.visit")
    assert "not synced since" in page.inner_text("#sync-status")


# ---- saving, undo and correction --------------------------------------------------------


def visit_row(site: Site, visit_id: str) -> VisitRow | None:
    with site.app.app_context():
        row = db.session.get(VisitRow, visit_id)
        db.session.expunge_all()
        return row


def test_a_save_confirms_in_words_keeps_focus_on_the_row_and_undo_withdraws_the_sent_visit(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    child_id = world.children["C-0001"]
    before = next(item for item in api_get(page, "/api/caseload")["obligations"] if item["child_id"] == child_id)
    record_visit(page, child_id)
    page.wait_for_selector("#save-text:has-text('Saved. Next visit due')", timeout=20000)
    after = next(item for item in api_get(page, "/api/caseload")["obligations"] if item["child_id"] == child_id)
    shown_due = page.evaluate(
        "(iso) => new Date(iso + 'T12:00:00Z').toLocaleDateString('en-GB', "
        "{ weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })",
        after["due"],
    )
    assert page.inner_text("#save-text") == f"Saved. Next visit due {shown_due}."
    assert page.evaluate("document.activeElement.closest('li.visit')?.dataset.childId") == child_id
    [stored] = server_visits(site.app)
    assert stored.withdrawn_at is None

    page.click("#save-undo")
    wait_until(lambda: visit_row(site, stored.id).withdrawn_at, page=page, what="the visit to be withdrawn")
    again = wait_until(
        lambda: next(
            item
            for item in api_get(page, "/api/caseload")["obligations"]
            if item["child_id"] == child_id and item["due"] == before["due"]
        ),
        page=page,
        what="the due date to go back",
    )
    assert again["status"] == before["status"]


def test_undo_before_sending_discards_the_visit_on_the_phone(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    context.set_offline(True)
    record_visit(page, world.children["C-0002"])
    page.wait_for_selector("#save-text:has-text('Saved on this phone')")
    page.click("#save-undo")
    wait_until(lambda: outbox(page) == [], page=page, what="the entry to be discarded")
    assert page.inner_text("#save-text") == "Undone: the visit was removed from this phone."

    # Undo while the visit is being sent waits for the send; one that fails is discarded, never sent.
    held: list[Route] = []
    context.route("**/api/visits/*", lambda route: held.append(route))
    context.set_offline(False)
    record_visit(page, world.children["C-0002"])
    wait_until(lambda: held, page=page, what="the visit in flight")
    page.click("#save-undo")
    page.wait_for_selector("#save-text:has-text('Undoing the visit')")
    held[0].abort()
    page.wait_for_selector("#save-text:has-text('Undone: the visit was removed from this phone.')")
    context.unroute("**/api/visits/*")
    assert outbox(page) == [] and len(held) == 1
    assert server_visits(site.app) == [] and site.visit_writes.paths == []


def test_a_sent_visit_can_be_withdrawn_later_from_the_sent_list_even_offline(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    record_visit(page, world.children["C-0003"])
    page.wait_for_selector("#sent-list button[data-action=withdraw]", timeout=20000)
    [stored] = server_visits(site.app)
    context.set_offline(True)
    page.click("#sent-list button[data-action=withdraw]")
    page.click("#confirm-dialog button[value=yes]")
    wait_until(lambda: [e.get("type") for e in outbox(page)] == ["withdraw_visit"], page=page, what="queued")
    assert visit_row(site, stored.id).withdrawn_at is None
    context.set_offline(False)
    wait_until(lambda: visit_row(site, stored.id).withdrawn_at, page=page, what="the withdrawal to arrive")


def test_recording_a_visit_responds_within_200_ms(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    elapsed = record_response(page, world.children["C-0004"])
    assert elapsed < 200, elapsed


def test_first_load_with_nothing_cached_paints_within_2_5_s_on_slow_4g(
    context: BrowserContext, site: Site, world: World
) -> None:
    lcp = first_load_lcp(context, site.url, world.worker_email)
    assert lcp < 2500, lcp


def test_record_planned_visit_asks_seen_or_no_access_and_uses_the_plans_past_date(
    context: BrowserContext, site: Site, world: World
) -> None:
    child_id = world.children["C-0002"]
    plan_day = today_in_london() - timedelta(days=2)
    add_plan(
        site.app,
        child_id,
        world.worker_id,
        starts_at=datetime(plan_day.year, plan_day.month, plan_day.day, 10, 0, tzinfo=LONDON),
    )
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    page.click(f'li.visit[data-child-id="{child_id}"] button[data-action="complete-plan"]')
    page.wait_for_selector("#record-dialog[open]")
    assert page.inner_text("#record-title") == "Record the planned visit"
    assert page.input_value("#record-date") == plan_day.isoformat()
    page.click("#record-dialog button[value=no-access]")
    [stored] = wait_until(lambda: server_visits(site.app), page=page, what="the planned visit")
    assert (stored.child_id, stored.date, stored.child_seen) == (child_id, plan_day, False)


# ---- the list, and reading it -----------------------------------------------------------


def test_an_overdue_row_says_how_late_it_is(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    caseload = api_get(page, "/api/caseload")
    overdue = [item for item in caseload["obligations"] if item["status"] == "overdue"]
    assert overdue, "the seeded world has an overdue visit"
    for item in overdue:
        late = (datetime.fromisoformat(caseload["as_of"]) - datetime.fromisoformat(item["due"])).days
        assert f"{late} day{'s' if late != 1 else ''} overdue" in page.inner_text(
            f'li.visit[data-child-id="{item["child_id"]}"] .visit-dates'
        )


def test_at_200_percent_zoom_nothing_scrolls_sideways_and_dialogs_fit(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    page.set_viewport_size({"width": PHONE["width"] // 2, "height": PHONE["height"] // 2})  # 200% zoom
    page.wait_for_timeout(200)
    width = PHONE["width"] // 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click(f'li.visit[data-child-id="{world.children["C-0001"]}"] button[data-action="plan"]')
    page.wait_for_selector("#plan-dialog[open]")
    box = page.locator("#plan-dialog").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
    heights = page.eval_on_selector_all(
        "#plan-dialog input:not([type=checkbox]), #plan-dialog select", "els => els.map((e) => e.offsetHeight)"
    )
    assert heights and min(heights) >= 44, heights


def test_dark_mode_follows_the_system(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    page.emulate_media(color_scheme="dark")
    sign_in(page, site.url, world.worker_email)
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(18, 20, 20)", background


def test_a_personal_adviser_records_a_young_person_seen_without_being_asked_seen_alone(
    context: BrowserContext, site: Site, world: World
) -> None:
    today = today_in_london()
    team = add_team(site.app, "Leaving care")
    adviser = add_worker(site.app, "personal_adviser", team, email="pa@example.org", name="Pat Adviser")
    young_person = add_child(
        site.app,
        allocations=[(adviser, "personal_adviser")],
        team_id=team,
        reference="L-0001",
        name="Rae Young",
        date_of_birth=(today - timedelta(days=20 * 365)).isoformat(),
        episodes=[{"type": "care_leaver", "start": (today - timedelta(days=400)).isoformat(), "end": None}],
    )
    page = context.new_page()
    sign_in(page, site.url, "pa@example.org")
    row = f'li.visit[data-child-id="{young_person}"]'
    assert page.inner_text(f"{row} .tag") == "Care leaver"
    page.click(f"{row} button.record")
    page.wait_for_selector("#record-dialog[open]")
    assert page.inner_text("#record-seen") == "Young person seen"
    assert page.is_hidden("#record-alone")
    page.click("#record-dialog button[value=seen]")
    [stored] = wait_until(lambda: server_visits(site.app), page=page, what="the visit")
    assert (stored.child_id, stored.child_seen, stored.seen_alone) == (young_person, True, False)


def test_rows_carry_plan_type_tags(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    tags = {
        child_id: page.inner_text(f'li.visit[data-child-id="{child_id}"] .tag')
        for child_id in (world.children["C-0001"], world.children["C-0002"], world.children["C-0004"])
    }
    assert list(tags.values()) == ["CP", "CIN", "CLA"]


def test_the_child_page_has_record_visit(context: BrowserContext, site: Site, world: World) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    child_id = world.children["C-0003"]
    page.click(f'li.visit[data-child-id="{child_id}"] a')
    page.click("#child-content button[data-action=record]")
    page.click("#record-dialog button[value=seen]")
    [stored] = wait_until(lambda: server_visits(site.app), page=page, what="the visit from the child page")
    assert stored.child_id == child_id
    page.wait_for_selector("#save-text:has-text('Saved.')", timeout=20000)
    assert page.is_visible("#save-note")


def test_the_count_tiles_filter_the_list_and_search_finds_by_reference_or_initials(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    statuses = {item["child_id"]: item["status"] for item in api_get(page, "/api/caseload")["obligations"]}

    def visible() -> set[str]:
        return set(page.eval_on_selector_all("li.visit:not([hidden])", "rows => rows.map((r) => r.dataset.childId)"))

    page.click("#counts button[data-filter=overdue]")
    assert visible() == {child for child, status in statuses.items() if status == "overdue"}
    assert page.get_attribute("#counts button[data-filter=overdue]", "aria-pressed") == "true"
    page.click("#counts button[data-filter=overdue]")  # pressed again: everything
    assert visible() == set(statuses)
    page.fill("#visit-search", "c-0002")
    assert visible() == {world.children["C-0002"]}
    page.fill("#visit-search", "N.A")  # Noor Ali's initials
    assert visible() == {world.children["C-0004"]}


def test_settings_show_a_live_calendar_link_and_warn_before_replacing_it(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    page.click("nav a[data-route=settings]")
    page.wait_for_selector("#account-who:not(:empty)")
    assert page.is_hidden("#feed-live")
    with page.expect_response("**/api/feeds/token") as minted:
        page.click("#feed-create")
    first = minted.value.json()["url"]
    page.click("nav a[data-route=visits]")
    page.reload()  # later: the link's URL is not shown again, but it is live
    wait_ready(page)
    page.click("nav a[data-route=settings]")
    page.wait_for_selector("#feed-live:not([hidden])")
    page.click("#feed-create")
    page.wait_for_selector("#confirm-dialog[open]")
    assert "stop updating" in page.inner_text("#confirm-dialog")
    page.click("#confirm-dialog button[value=no]")
    path = "/" + first.split("://", 1)[1].split("/", 1)[1]
    assert page.evaluate("(p) => fetch(p, { cache: 'no-store' }).then((r) => r.status)", path) == 200


def test_a_phone_call_is_recorded_directly_and_does_not_move_the_due_date(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    child_id = world.children["C-0002"]
    due = next(item["due"] for item in api_get(page, "/api/caseload")["obligations"] if item["child_id"] == child_id)
    page.click(f'li.visit[data-child-id="{child_id}"] button.record')
    page.select_option("#record-kind", "phone")
    page.click("#record-dialog button[value=seen]")
    [stored] = wait_until(lambda: server_visits(site.app), page=page, what="the call")
    assert (stored.child_id, stored.kind) == (child_id, "phone")
    after = next(item["due"] for item in api_get(page, "/api/caseload")["obligations"] if item["child_id"] == child_id)
    assert after == due
