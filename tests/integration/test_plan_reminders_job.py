"""``send-reminders`` tells workers of their planned contacts, at their chosen lead time, once,
through the loopback push service, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from backend.clock import LONDON
from backend.extensions import db
from backend.persistence.children import Allocation
from backend.persistence.plans import PlanRow
from backend.push.devices import update_reminder_preferences
from backend.push.plan_reminders import open_plans_starting_soon
from tests.support.plans import new_plan_id
from tests.support.push_app import PLANTED_NAME, worker_with_device
from tests.support.reminder_builders import london

# Wednesday 25 November 2026: no due-date reminder slot for the worker's child-in-need visit.
PLAN_START = london("2026-11-25 14:00")


@pytest.fixture
def push_hang_seconds() -> float:
    return 20


@pytest.fixture
def app(push_job_app: Flask) -> Flask:
    return push_job_app


def send(app: Flask, now: str) -> dict[str, int]:
    result = app.test_cli_runner().invoke(args=["send-reminders", "--now", now])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def planned_visit(worker_id: str, starts: datetime = PLAN_START, **fields: object) -> str:
    """A plan by the worker for their one child, stored in the test's own session."""
    child_id = db.session.scalar(select(Allocation.child_id).where(Allocation.worker_id == worker_id))
    row = PlanRow(
        id=new_plan_id(),
        child_id=child_id,
        role="social_worker",
        planner_id=worker_id,
        starts_at=starts.astimezone(UTC),
        duration_minutes=60,
        kind="home_visit",
        note="ring twice, dog",
        status="planned",
    )
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.add(row)
    db.session.commit()
    return row.id


def test_a_planned_visit_is_told_an_hour_before_once_without_name_or_note(app: Flask, service) -> None:
    worker_id, subscriber = worker_with_device(service)
    planned_visit(worker_id)
    assert send(app, "2026-11-25T12:55")["planned"] == 0
    first = send(app, "2026-11-25T13:05")
    again = send(app, "2026-11-25T13:15")
    assert (first["planned"], first["sent"]) == (1, 1)
    assert (again["planned"], again["sent"]) == (0, 0)
    [delivery] = service.deliveries_to(subscriber)
    assert delivery.message["title"] == "Visit planned today 14:00: ZQ"
    assert delivery.message["body"] == "14:00-15:00"
    assert delivery.headers["urgency"] == "high" and delivery.headers["topic"].startswith("plan-")
    assert 0 < int(delivery.headers["ttl"]) <= 55 * 60
    text = json.dumps(delivery.message)
    assert PLANTED_NAME.split()[0] not in text and "dog" not in text


def test_the_worker_chooses_the_lead_time(app: Flask, service) -> None:
    worker_id, subscriber = worker_with_device(service)
    planned_visit(worker_id)
    update_reminder_preferences(worker_id, {"plan_lead_minutes": 180}, london("2026-11-24 09:00"))
    assert send(app, "2026-11-25T11:05")["sent"] == 1
    update_reminder_preferences(worker_id, {"plan_lead_minutes": None}, london("2026-11-24 09:00"))
    planned_visit(worker_id, london("2026-11-25 16:00"))
    assert send(app, "2026-11-25T15:30")["planned"] == 0
    assert len(service.deliveries_to(subscriber)) == 1


def test_a_moved_plan_is_told_again_at_its_new_time_and_a_cancelled_one_never(app: Flask, service) -> None:
    worker_id, subscriber = worker_with_device(service)
    plan_id = planned_visit(worker_id)
    cancelled = planned_visit(worker_id, london("2026-11-25 14:30"))
    db.session.get(PlanRow, cancelled).status = "cancelled"
    db.session.commit()
    assert send(app, "2026-11-25T13:05")["sent"] == 1
    db.session.get(PlanRow, plan_id).starts_at = london("2026-11-25 15:00").astimezone(UTC)
    db.session.commit()
    assert send(app, "2026-11-25T14:10")["sent"] == 1
    titles = [delivery.message["title"] for delivery in service.deliveries_to(subscriber)]
    assert titles == ["Visit planned today 14:00: ZQ", "Visit planned today 15:00: ZQ"]


def test_a_plan_on_the_sunday_the_clocks_go_forward_is_told_at_its_local_time(app: Flask, service) -> None:
    worker_id, subscriber = worker_with_device(service)
    planned_visit(worker_id, london("2027-03-28 14:00"), kind="visit_elsewhere")
    assert send(app, "2027-03-28T12:55")["planned"] == 0  # 12:55 BST: more than an hour before
    assert send(app, "2027-03-28T13:05")["sent"] == 1
    [delivery] = service.deliveries_to(subscriber)
    assert delivery.message["title"] == "Visit planned today 14:00: ZQ"


# Instants the job may be handed in UTC (``--now ...Z``), and the London day each falls on.
NIGHT_INSTANTS = [
    ("2026-06-14T23:30:00+00:00", date(2026, 6, 15)),  # 00:30 BST: the UTC date is still yesterday
    ("2026-10-24T23:30:00+00:00", date(2026, 10, 25)),  # 00:30 BST on the Sunday the clocks go back
    ("2026-10-25T00:30:00+00:00", date(2026, 10, 25)),  # 01:30 BST, the first of the two
    ("2026-10-25T01:30:00+00:00", date(2026, 10, 25)),  # 01:30 GMT, the second
    ("2027-03-28T00:30:00+00:00", date(2027, 3, 28)),  # 00:30 GMT on the Sunday the clocks go forward
    ("2027-03-28T23:30:00+00:00", date(2027, 3, 29)),  # 00:30 BST, the first night of summer time
]


def plans_told(worker_id: str, now: datetime) -> list[str]:
    return [item.plan_id for item in open_plans_starting_soon([worker_id], now).get(worker_id, [])]


@pytest.mark.parametrize(("instant", "london_day"), NIGHT_INSTANTS)
def test_an_allocation_ending_on_the_london_day_stops_its_plan_reminders_from_midnight(
    app: Flask, service, instant: str, london_day: date
) -> None:
    worker_id, _ = worker_with_device(service)
    now = datetime.fromisoformat(instant)
    planned_visit(worker_id, now + timedelta(hours=1))
    allocation = db.session.scalar(select(Allocation).where(Allocation.worker_id == worker_id))
    allocation.starts_on, allocation.ends_on = date(2026, 1, 1), london_day  # ends_on is the first day without it
    db.session.commit()
    assert plans_told(worker_id, now) == []
    before_midnight = datetime.combine(london_day, time(0), LONDON) - timedelta(minutes=1)
    assert plans_told(worker_id, before_midnight) != []  # 23:59 the London day before: still theirs


@pytest.mark.parametrize(("instant", "london_day"), NIGHT_INSTANTS)
def test_an_allocation_starting_on_the_london_day_gets_plan_reminders_from_midnight(
    app: Flask, service, instant: str, london_day: date
) -> None:
    worker_id, _ = worker_with_device(service)
    now = datetime.fromisoformat(instant)
    plan_id = planned_visit(worker_id, now + timedelta(hours=1))
    allocation = db.session.scalar(select(Allocation).where(Allocation.worker_id == worker_id))
    allocation.starts_on = london_day
    db.session.commit()
    assert plans_told(worker_id, now) == [plan_id]
