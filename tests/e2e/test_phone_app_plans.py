"""Planning a contact in the phone app, in Debian's chromium, against the real API: planned
offline, queued in the outbox with a client UUID, synced once, then shown in the list next
to the due date it answers and in the worker's calendar feed (read with ical.js)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import select

from backend.clock import LONDON, today_in_london
from backend.extensions import db
from backend.persistence.children import VisitRow
from backend.persistence.plans import PlanRow
from tests.e2e.browser import wait_until
from tests.e2e.phone import api_get, outbox, row_text, sign_in, wait_for_offline_copy
from tests.e2e.phone_site import Site, World
from tests.icaljs import parse_with_icaljs
from tests.support.world import signed_in

pytestmark = pytest.mark.browser


def server_plans(app: Flask) -> list[PlanRow]:
    with app.app_context():
        rows = db.session.scalars(select(PlanRow)).all()
        db.session.expunge_all()
        return list(rows)


def plan_day(obligation: dict) -> date:
    """A day on or before plan_by and not before today, so the plan is on time."""
    return max(today_in_london(), date.fromisoformat(obligation["plan_by"]) - timedelta(days=1))


def plan_in_app(page: Page, child_id: str, day: date, at: str) -> None:
    """Plan from the list; the caller waits for the outbox (offline) or the server (online)."""
    page.click(f'li.visit[data-child-id="{child_id}"] button[data-action="plan"]')
    page.fill("#plan-date", day.isoformat())
    page.fill("#plan-time", at)
    page.fill("#plan-note", "bring the consent form")
    page.dispatch_event("#plan-date", "input")
    assert page.inner_text("#plan-check").startswith("On time")
    page.click("#plan-dialog button[value=save]")


def test_a_plan_made_offline_syncs_once_and_shows_in_the_list_and_the_feed(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    wait_for_offline_copy(page)
    child = world.children["C-0003"]
    obligation = next(item for item in api_get(page, "/api/caseload")["obligations"] if item["child_id"] == child)
    assert obligation["next_plan"] is None
    day = plan_day(obligation)

    context.set_offline(True)
    plan_in_app(page, child, day, "14:00")
    wait_until(lambda: len(outbox(page)) == 1, page=page, what="the plan in the outbox")
    (entry,) = outbox(page)
    assert entry["type"] == "plan" and entry["body"]["starts_at"] == f"{day.isoformat()}T14:00"
    assert "waiting to sync" in row_text(page, child)
    assert server_plans(site.app) == []

    context.set_offline(False)
    page.wait_for_selector("#outbox-section", state="hidden", timeout=20000)
    (stored,) = server_plans(site.app)
    assert stored.id == entry["plan_id"] and stored.child_id == child and stored.kind == "home_visit"
    assert stored.starts_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 14:00"
    wait_until(lambda: "(on time)" in row_text(page, child), page=page, what="the plan in the list")
    assert "14:00: Home visit (on time)" in row_text(page, child)
    assert "on time" in page.inner_text("#plan-answer")

    api = signed_in(site.app, world.worker_id)
    feed_path = api.post("/api/feeds/token", json={"kind": "worker"}).json["url"].removeprefix("http://localhost")
    parsed = parse_with_icaljs(site.app.test_client().get(feed_path).data)
    (event,) = [event for event in parsed["events"] if "local" in event["start"]]
    assert event["start"]["local"] == f"{day.isoformat()}T14:00:00" and event["start"]["tzid"] == "Europe/London"
    assert event["summary"] == "Home visit: KL"
    all_day = [event["summary"] for event in parsed["events"] if "date" in event["start"]]
    assert not [summary for summary in all_day if "KL" in summary], "the on-time plan stands in for the due date"
    assert "consent" not in str(parsed)


def test_recording_the_planned_visit_asks_child_seen_then_completes_the_plan(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    child = world.children["C-0003"]
    obligation = next(item for item in api_get(page, "/api/caseload")["obligations"] if item["child_id"] == child)
    plan_in_app(page, child, today_in_london(), "09:00")
    wait_until(lambda: server_plans(site.app), page=page, what="the plan on the server")
    page.wait_for_selector(f'li.visit[data-child-id="{child}"] button[data-action="complete-plan"]')
    page.click(f'li.visit[data-child-id="{child}"] button[data-action="complete-plan"]')
    page.click("#record-dialog button[value=seen]")
    wait_until(
        lambda: any(plan.status == "completed" for plan in server_plans(site.app)), page=page, what="the plan completed"
    )
    with site.app.app_context():
        visit = db.session.scalars(select(VisitRow).where(VisitRow.visitor_id.is_not(None))).one()
    assert (visit.child_id, visit.date, visit.kind) == (child, today_in_london(), "home_visit")
    after = next(item for item in api_get(page, "/api/caseload")["obligations"] if item["child_id"] == child)
    assert after["due"] > obligation["due"] and after["next_plan"] is None


def test_a_plan_made_on_the_child_page_shows_there_with_its_warnings_and_can_be_cancelled(
    context: BrowserContext, site: Site, world: World
) -> None:
    page = context.new_page()
    sign_in(page, site.url, world.worker_email)
    child = world.children["C-0003"]
    page.click(f'li.visit[data-child-id="{child}"] a.visit-child')
    page.wait_for_selector('#child-content button[data-action="plan"]')
    page.click('#child-content button[data-action="plan"]')
    saturday = today_in_london() + timedelta(days=(5 - today_in_london().weekday()) % 7 or 7)
    page.fill("#plan-date", saturday.isoformat())
    page.fill("#plan-time", "11:00")
    page.dispatch_event("#plan-date", "input")
    assert "A weekend day." in page.inner_text("#plan-check")
    page.click("#plan-dialog button[value=save]")
    page.wait_for_selector("#child-content li.plan", timeout=20000)
    shown = page.inner_text("#child-content li.plan")
    assert "11:00 · Home visit" in shown and "is a weekend day" in shown
    (stored,) = server_plans(site.app)
    assert stored.status == "planned"
    page.click('#child-content li.plan button[data-action="cancel-plan"]')
    page.click("#confirm-dialog button[value=yes]")
    wait_until(lambda: server_plans(site.app)[0].status == "cancelled", page=page, what="the plan cancelled")
    page.wait_for_selector("#child-content li.plan", state="detached", timeout=20000)


def test_the_team_page_counts_due_visits_planned_on_time_late_or_not(
    context: BrowserContext, site: Site, world: World
) -> None:
    worker = signed_in(site.app, world.worker_id)
    starts_at = f"{today_in_london().isoformat()}T23:30"
    for reference in ("C-0001", "C-0002"):
        body = {"child_id": world.children[reference], "starts_at": starts_at, "kind": "home_visit"}
        assert worker.put(f"/api/plans/{uuid.uuid4()}", json=body).status_code == 201
    page = context.new_page()
    sign_in(page, site.url, world.manager_email)
    page.click("nav a[data-route=team]")
    page.wait_for_selector("#team-content .plan-summary")
    team_id = api_get(page, "/api/session")["worker"]["team_id"]
    counts = api_get(page, f"/api/teams/{team_id}/overview")["plans"]
    shown = page.inner_text("#team-content .plan-summary")
    assert sum(counts[status]["on_time"] + counts[status]["late"] for status in counts) == 2
    for status, words in (("overdue", "Overdue"), ("due_today", "Due today"), ("due_soon", "Due soon")):
        on_time, late, none = (counts[status][standing] for standing in ("on_time", "late", "none"))
        assert f"{words}: {on_time} planned on time, {late} planned late, {none} not planned" in shown
