"""Planned contacts in the worker's calendar feed, read back with ical.js: timed events in
Europe/London that stay at 14:00 across the clock change, standing in for the all-day
"Visit due" event while the plan is on time, and never carrying the note."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select, update

from backend.api import feeds as feeds_api
from backend.extensions import db
from backend.persistence.children import Allocation
from backend.persistence.people import Worker
from backend.persistence.supervision import CoverRow
from tests.icaljs import parse_with_icaljs
from tests.support.plans import freeze_now, new_plan_id, plan_body
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds_api, "today_in_london", lambda: TODAY)
    freeze_now(monkeypatch)


@pytest.fixture
def worker(app: Flask) -> tuple[str, ApiClient]:
    """A worker whose child (Jo Smith) was last seen Mon 2 Nov: next visit due Mon 30 Nov."""
    team = add_team(app)
    worker_id = add_worker(app, "social_worker", team, name="Sam Patel")
    child = add_child(
        app,
        team_id=team,
        allocations=[(worker_id, "social_worker")],
        visits=[{"date": "2026-11-02", "role": "social_worker"}],
    )
    return child, signed_in(app, worker_id)


def feed_path(api: ApiClient) -> str:
    response = api.post("/api/feeds/token", json={"kind": "worker"})
    assert response.status_code == 201, response.json
    return response.json["url"].removeprefix("http://localhost")


def read_feed(app: Flask, path: str) -> tuple[bytes, dict]:
    body = app.test_client().get(path).data
    return body, parse_with_icaljs(body)


def plan(api: ApiClient, child: str, starts_at: str, **overrides: object) -> str:
    plan_id = new_plan_id()
    response = api.put(f"/api/plans/{plan_id}", json=plan_body(child, starts_at=starts_at, **overrides))
    assert response.status_code == 201, response.json
    return plan_id


def timed(parsed: dict) -> dict[str, dict]:
    return {
        event["summary"] + " " + event["start"]["local"]: event
        for event in parsed["events"]
        if "local" in event["start"]
    }


def all_day_summaries(parsed: dict) -> list[str]:
    return [event["summary"] for event in parsed["events"] if "date" in event["start"]]


def test_a_14_00_plan_stays_at_14_00_on_the_sunday_the_clocks_go_forward_and_the_day_after(
    app: Flask, worker: tuple[str, ApiClient]
) -> None:
    child, api = worker
    path = feed_path(api)
    for day in ("2027-03-27", "2027-03-28", "2027-03-29"):
        plan(api, child, f"{day}T14:00")
    _, parsed = read_feed(app, path)
    assert parsed["calendar"]["timezones"] == ["Europe/London"]
    events = timed(parsed)
    saturday = events["Home visit: JS 2027-03-27T14:00:00"]
    sunday = events["Home visit: JS 2027-03-28T14:00:00"]
    monday = events["Home visit: JS 2027-03-29T14:00:00"]
    assert {event["start"]["tzid"] for event in (saturday, sunday, monday)} == {"Europe/London"}
    assert saturday["start"]["utc"] == "2027-03-27T14:00:00Z" and saturday["start"]["utc_offset_seconds"] == 0
    assert sunday["start"]["utc"] == "2027-03-28T13:00:00Z" and sunday["start"]["utc_offset_seconds"] == 3600
    assert monday["start"]["utc"] == "2027-03-29T13:00:00Z"
    assert sunday["end"]["local"] == "2027-03-28T15:00:00"
    assert sunday["transp"] == "OPAQUE" and sunday["class"] == "PRIVATE" and sunday["alarms"] == 0


def test_an_on_time_plan_replaces_the_all_day_visit_due_until_it_is_moved_late_or_cancelled(
    app: Flask, worker: tuple[str, ApiClient]
) -> None:
    child, api = worker
    path = feed_path(api)
    _, before = read_feed(app, path)
    assert all_day_summaries(before) == ["Visit due: JS (CIN)"] and timed(before) == {}
    plan_id = plan(api, child, "2026-11-26T16:00")
    _, planned = read_feed(app, path)
    assert all_day_summaries(planned) == []
    (event,) = timed(planned).values()
    assert event["summary"] == "Home visit: JS" and event["sequence"] == 0
    assert "For the visit due Mon 30 Nov 2026 (plan by Mon 30 Nov 2026): on time." in event["description"]
    api.put(f"/api/plans/{plan_id}", json=plan_body(child, starts_at="2026-12-01T16:00"))
    _, late = read_feed(app, path)
    assert all_day_summaries(late) == ["Visit due: JS (CIN)"]
    (moved,) = timed(late).values()
    assert moved["uid"] == event["uid"] and moved["sequence"] == 1 and "late" in moved["description"]
    api.delete(f"/api/plans/{plan_id}")
    _, cancelled = read_feed(app, path)
    assert all_day_summaries(cancelled) == ["Visit due: JS (CIN)"] and timed(cancelled) == {}


def test_a_keeping_in_touch_call_is_shown_but_does_not_stand_in_for_the_visit(
    app: Flask, worker: tuple[str, ApiClient]
) -> None:
    child, api = worker
    path = feed_path(api)
    plan(api, child, "2026-11-24T09:30", kind="phone", duration_minutes=None)
    _, parsed = read_feed(app, path)
    (call,) = timed(parsed).values()
    assert call["summary"] == "Phone call: JS" and call["end"]["local"] == "2026-11-24T10:30:00"
    assert "does not count as a visit" in call["description"]
    assert all_day_summaries(parsed) == ["Visit due: JS (CIN)"]


def test_the_feed_never_carries_the_note_or_the_name(app: Flask, worker: tuple[str, ApiClient]) -> None:
    child, api = worker
    path = feed_path(api)
    plan(api, child, "2026-11-26T16:00", note="Mum works nights; knock quietly")
    body, _ = read_feed(app, path)
    assert b"knock" not in body and b"Jo Smith" not in body and b"Smith" not in body


def test_a_completed_plan_leaves_the_feed_and_the_next_due_date_shows(
    app: Flask, worker: tuple[str, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    child, api = worker
    path = feed_path(api)
    plan_id = plan(api, child, "2026-11-23T09:00")
    assert api.post(f"/api/plans/{plan_id}/complete").status_code == 201
    _, parsed = read_feed(app, path)
    assert timed(parsed) == {}
    (due,) = [event for event in parsed["events"] if "date" in event["start"]]
    assert due["summary"] == "Visit due: JS (CIN)" and due["start"]["date"] == "2026-12-21"


def test_another_workers_plan_is_not_in_this_workers_feed(app: Flask, worker: tuple[str, ApiClient]) -> None:
    child, api = worker
    path = feed_path(api)
    manager = add_worker(app, "admin")
    plan(signed_in(app, manager), child, "2026-11-26T16:00", role="social_worker")
    _, parsed = read_feed(app, path)
    assert timed(parsed) == {} and all_day_summaries(parsed) == ["Visit due: JS (CIN)"]


def test_a_plan_made_on_cover_is_in_the_colleagues_feed_as_cover_until_the_cover_ends(
    app: Flask, worker: tuple[str, ApiClient]
) -> None:
    child, absent_api = worker
    with app.app_context():
        absent = db.session.scalar(select(Allocation.worker_id).where(Allocation.child_id == child))
        team = db.session.get(Worker, absent).team_id
    colleague = add_worker(app, "social_worker", team, name="Cal Colleague")
    with app.app_context():
        cover = CoverRow(
            absent_id=absent, covering_id=colleague, starts_on=TODAY, until=date(2026, 11, 30), granted_by=absent
        )
        db.session.add(cover)
        db.session.commit()
    api = signed_in(app, colleague)
    path = feed_path(api)
    plan(api, child, "2026-11-26T16:00")
    _, parsed = read_feed(app, path)
    # Sam Patel is away: the colleague's plan is in their calendar, said to be cover, by initials. The
    # all-day due date stays beside it (only the allocated worker's own plan stands in for it).
    assert list(timed(parsed)) == ["Cover for SP: Home visit: JS 2026-11-26T16:00:00"]
    assert all_day_summaries(parsed) == ["Cover for SP: Visit due: JS (CIN)"]
    with app.app_context():
        db.session.execute(update(CoverRow).values(until=date(2026, 11, 22)))
        db.session.commit()
    _, parsed = read_feed(app, path)
    assert timed(parsed) == {} and all_day_summaries(parsed) == []
