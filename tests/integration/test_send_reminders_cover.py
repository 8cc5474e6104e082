"""While a colleague covers ("acts for") an absent worker, send-reminders tells the colleague of
the absent worker's children too, labelled as cover; the absent worker keeps their own."""

from __future__ import annotations

import json
from datetime import UTC, date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from backend.extensions import db
from backend.persistence.children import Child
from backend.persistence.plans import PlanRow
from backend.persistence.supervision import CoverRow
from tests.support.plans import new_plan_id
from tests.support.push_app import IMPORTED_ON, PLANTED_NAME, SEEN_ON_2_NOVEMBER, add_child, add_device, add_worker
from tests.support.push_service import LoopbackPushService, Subscriber
from tests.support.reminder_builders import london

OVERDUE_SLOT = "2026-12-01T08:05"  # Tuesday: every child here is overdue since Monday
DEADLINE_LINE = "1 deadline due by Thu 3 Dec: JS (child and family assessment) Thu"


@pytest.fixture
def app(push_job_app: Flask) -> Flask:
    return push_job_app


def send(app: Flask, now: str) -> dict[str, int]:
    result = app.test_cli_runner().invoke(args=["send-reminders", "--now", now])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def team(service: LoopbackPushService) -> dict[str, Any]:
    """An absent worker (Sunita Patel: "SP") and a colleague, each with a phone and an overdue child,
    and a child both hold (the absent worker as social worker) with a deadline due Thursday."""
    absent = add_worker("absent@example.org", "Sunita Patel")
    colleague = add_worker("colleague@example.org", "Cal Colleague")
    add_child("C-8001", "absent@example.org", IMPORTED_ON, visits=SEEN_ON_2_NOVEMBER, name="Abe Barker")
    add_child("C-8002", "colleague@example.org", IMPORTED_ON, visits=SEEN_ON_2_NOVEMBER, name="Kit Lowe")
    # England: the assessment within 45 working days of the referral of 1 October, Thu 3 December.
    both = [
        {"worker_email": "absent@example.org", "role": "social_worker"},
        {"worker_email": "colleague@example.org", "role": "key_worker"},
    ]
    referral = [{"type": "referral", "date": "2026-10-01"}]
    add_child("C-8003", "", IMPORTED_ON, visits=SEEN_ON_2_NOVEMBER, name="Jo Smith", allocations=both, events=referral)
    phones = {"absent": service.new_subscriber(), "colleague": service.new_subscriber()}
    add_device(absent, phones["absent"])
    add_device(colleague, phones["colleague"])
    return {"absent": absent, "colleague": colleague, "phones": phones}


def cover(world: dict[str, Any], starts_on: date, until: date) -> CoverRow:
    row = CoverRow(
        absent_id=world["absent"],
        covering_id=world["colleague"],
        starts_on=starts_on,
        until=until,
        granted_by=world["colleague"],
    )
    db.session.add(row)
    db.session.commit()
    return row


def bodies(service: LoopbackPushService, phone: Subscriber) -> list[str]:
    return [delivery.message["body"] for delivery in service.deliveries_to(phone)]


def test_the_colleague_is_reminded_of_the_absent_workers_children_as_cover_and_the_absent_worker_still_is(
    app: Flask, service: LoopbackPushService
) -> None:
    world = team(service)
    cover(world, date(2026, 11, 30), date(2026, 12, 11))
    assert send(app, OVERDUE_SLOT)["sent"] == 2
    # The absent worker's visits by initials, as cover; the deadline of the child both hold told
    # once, as the colleague's own.
    assert bodies(service, world["phones"]["colleague"]) == [
        "Overdue: AB (CIN, cover for SP) since Mon, JS (CIN, cover for SP) since Mon, KL (CIN) since Mon\n"
        + DEADLINE_LINE
    ]
    assert bodies(service, world["phones"]["absent"]) == [
        "Overdue: AB (CIN) since Mon, JS (CIN) since Mon\n" + DEADLINE_LINE
    ]
    [told] = service.deliveries_to(world["phones"]["colleague"])
    assert told.message["title"] == "3 visits overdue, 1 due soon"
    for fragment in ("Sunita", "Patel", "Abe", "Barker", PLANTED_NAME):
        assert fragment not in json.dumps(told.message)


def test_cover_begun_between_two_runs_tells_only_what_is_new_once_and_ended_cover_tells_nothing_of_it(
    app: Flask, service: LoopbackPushService
) -> None:
    world = team(service)
    send(app, OVERDUE_SLOT)
    cover(world, date(2026, 12, 1), date(2026, 12, 1))
    assert send(app, "2026-12-01T10:00")["sent"] == 1
    assert send(app, "2026-12-01T10:10")["planned"] == 0
    assert bodies(service, world["phones"]["colleague"]) == [
        "Overdue: KL (CIN) since Mon\n" + DEADLINE_LINE,
        "Overdue: AB (CIN, cover for SP) since Mon, JS (CIN, cover for SP) since Mon",
    ]
    # The cover's last day was Tuesday: on Wednesday the colleague is told of their own children only.
    send(app, "2026-12-02T08:05")
    assert bodies(service, world["phones"]["colleague"])[2:] == ["Overdue: KL (CIN) since Mon"]
    assert len(bodies(service, world["phones"]["absent"])) == 2


def test_a_plan_the_colleague_made_on_cover_is_told_as_cover_while_the_cover_runs(
    app: Flask, service: LoopbackPushService
) -> None:
    world = team(service)
    child_id = db.session.scalar(select(Child.id).where(Child.reference == "C-8001"))
    for starts in ("2026-11-25 14:00", "2026-11-26 14:00"):  # Wednesday, in cover; Thursday, after it
        db.session.add(
            PlanRow(
                id=new_plan_id(),
                child_id=child_id,
                role="social_worker",
                planner_id=world["colleague"],
                starts_at=london(starts).astimezone(UTC),
                duration_minutes=60,
                kind="home_visit",
                status="planned",
            )
        )
    db.session.commit()
    cover(world, date(2026, 11, 23), date(2026, 11, 25))
    assert send(app, "2026-11-25T13:05")["sent"] == 1
    send(app, "2026-11-26T13:05")  # Thursday's due-date reminders go, the plan's reminder does not
    titles = [delivery.message["title"] for delivery in service.deliveries_to(world["phones"]["colleague"])]
    assert [title for title in titles if "planned" in title] == ["Visit planned today 14:00: AB (cover for SP)"]
