"""POST /api/children/<id>/reallocation: a manager moves a child's role to another worker of the team."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from backend.clock import today_in_london
from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.children import Allocation, Child
from tests.e2e.test_attacks_round3 import at_once
from tests.support.world import add_child, add_team, add_worker, signed_in

CP = [{"type": "child_protection", "start": "2026-09-01"}]


def team_with_a_child(app: Flask) -> dict[str, str]:
    team = add_team(app)
    people = {
        "team": team,
        "manager": add_worker(app, "team_manager", team),
        "first": add_worker(app, "social_worker", team),
        "second": add_worker(app, "social_worker", team),
        "adviser": add_worker(app, "personal_adviser", team),
    }
    people["child"] = add_child(app, team_id=team, allocations=[(people["first"], "social_worker")], episodes=CP)
    return people


def move(app: Flask, caller: str, child: str, **body: Any) -> Any:
    body.setdefault("role", "social_worker")
    return signed_in(app, caller).post(f"/api/children/{child}/reallocation", json=body)


def test_the_child_moves_at_once_to_the_new_workers_list_and_the_history_is_kept(app: Flask) -> None:
    world = team_with_a_child(app)
    first, second = signed_in(app, world["first"]), signed_in(app, world["second"])
    # Read (and so cache) both lists first: the move must show on the very next read.
    assert len(first.get("/api/caseload").json["obligations"]) == 1
    assert second.get("/api/caseload").json["obligations"] == []
    response = move(app, world["manager"], world["child"], worker_id=world["second"], **{"from": "2026-11-02"})
    assert response.status_code == 201
    assert (response.json["worker_id"], response.json["from"], response.json["to"]) == (
        world["second"],
        "2026-11-02",
        None,
    )
    assert first.get("/api/caseload").json["obligations"] == []
    assert [item["child_id"] for item in second.get("/api/caseload").json["obligations"]] == [world["child"]]
    history = signed_in(app, world["manager"]).get(f"/api/children/{world['child']}").json["allocations"]
    assert [(item["worker_id"], item["to"]) for item in history] == [
        (world["second"], None),
        (world["first"], "2026-11-02"),
    ]
    with app.app_context():
        routes = db.session.scalars(db.select(AuditEntry.route).where(AuditEntry.child_id == world["child"])).all()
    assert "POST /api/children/<child_id>/reallocation" in routes


def test_an_admin_moves_any_child(app: Flask) -> None:
    world = team_with_a_child(app)
    response = move(app, add_worker(app, "admin"), world["child"], worker_id=world["second"])
    assert response.status_code == 201


def test_a_worker_outside_the_childs_team_is_a_422_naming_worker_id(app: Flask) -> None:
    world = team_with_a_child(app)
    outsider = add_worker(app, "social_worker", add_team(app))
    response = move(app, add_worker(app, "admin"), world["child"], worker_id=outsider)
    assert response.status_code == 422 and list(response.json["errors"]) == ["worker_id"]


def test_a_role_the_worker_does_not_hold_is_a_422_naming_role(app: Flask) -> None:
    world = team_with_a_child(app)
    response = move(app, world["manager"], world["child"], worker_id=world["adviser"], role="social_worker")
    assert response.status_code == 422 and list(response.json["errors"]) == ["role"]
    response = move(app, world["manager"], world["child"], worker_id=world["second"], role="personal_adviser")
    assert response.status_code == 422 and list(response.json["errors"]) == ["role"]


@pytest.mark.parametrize("caller", ["first", "second", "other_manager"])
def test_a_child_the_caller_may_not_manage_is_a_404_as_for_a_made_up_one(app: Flask, caller: str) -> None:
    world = team_with_a_child(app)
    world["other_manager"] = add_worker(app, "team_manager", add_team(app))
    response = move(app, world[caller], world["child"], worker_id=world["second"])
    made_up = move(app, world[caller], "f" * 32, worker_id=world["second"])
    assert response.status_code == made_up.status_code == 404 and response.json == made_up.json


def test_a_worker_the_manager_may_not_manage_is_a_404_as_for_a_made_up_one(app: Flask) -> None:
    world = team_with_a_child(app)
    foreign = add_worker(app, "social_worker", add_team(app))
    response = move(app, world["manager"], world["child"], worker_id=foreign)
    made_up = move(app, world["manager"], world["child"], worker_id="f" * 32)
    assert response.status_code == made_up.status_code == 404 and response.json == made_up.json


def test_a_move_dated_before_the_current_holder_started_is_a_422_naming_from(app: Flask) -> None:
    world = team_with_a_child(app)
    response = move(app, world["manager"], world["child"], worker_id=world["second"], **{"from": "2019-12-31"})
    assert response.status_code == 422 and list(response.json["errors"]) == ["from"]


def test_moving_a_child_to_its_current_worker_is_a_409(app: Flask) -> None:
    world = team_with_a_child(app)
    assert move(app, world["manager"], world["child"], worker_id=world["first"]).status_code == 409


def test_the_new_workers_calendar_feed_shows_the_child_on_its_next_poll(app: Flask) -> None:
    world = team_with_a_child(app)
    second = signed_in(app, world["second"])
    url = second.post("/api/feeds/token", json={"kind": "worker"}).json["url"]
    feed = "/" + url.split("://", 1)[1].split("/", 1)[1]
    with app.app_context():
        reference = db.session.get(Child, world["child"]).reference
    assert reference not in second.client.get(feed).get_data(as_text=True)
    assert move(app, world["manager"], world["child"], worker_id=world["second"]).status_code == 201
    assert reference in second.client.get(feed).get_data(as_text=True)


def end_first_allocation(app: Flask, child_id: str, ends_on: date) -> None:
    with app.app_context():
        db.session.execute(db.update(Allocation).where(Allocation.child_id == child_id).values(ends_on=ends_on))
        db.session.commit()


def holders(app: Flask, child_id: str) -> list[tuple[str, date, date | None]]:
    """The child's social worker allocations, asserting no two of them hold the role on one day."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Allocation.worker_id, Allocation.starts_on, Allocation.ends_on)
            .where(Allocation.child_id == child_id, Allocation.role == "social_worker")
            .order_by(Allocation.starts_on)
        ).all()
    spans = [(worker, start, end) for worker, start, end in rows]
    for (_, _, end), (_, next_start, _) in zip(spans, spans[1:], strict=False):
        assert end is not None and end <= next_start  # ends_on is exclusive
    return spans


def test_a_move_before_the_holders_end_date_ends_their_allocation_then(app: Flask) -> None:
    world = team_with_a_child(app)
    today = today_in_london()
    end_first_allocation(app, world["child"], today + timedelta(days=30))
    moved = today + timedelta(days=10)
    response = move(app, world["manager"], world["child"], worker_id=world["second"], **{"from": moved.isoformat()})
    assert response.status_code == 201
    assert [(worker, end) for worker, _, end in holders(app, world["child"])] == [
        (world["first"], moved),
        (world["second"], None),
    ]


def test_a_move_after_the_holders_end_date_leaves_that_date_alone(app: Flask) -> None:
    world = team_with_a_child(app)
    today = today_in_london()
    end_first_allocation(app, world["child"], today + timedelta(days=5))
    response = move(
        app,
        world["manager"],
        world["child"],
        worker_id=world["second"],
        **{"from": (today + timedelta(days=9)).isoformat()},
    )
    assert response.status_code == 201
    assert holders(app, world["child"])[0][2] == today + timedelta(days=5)


def test_a_move_that_would_run_into_a_handover_already_booked_is_a_422_naming_from(app: Flask) -> None:
    world = team_with_a_child(app)
    today = today_in_london()
    booked = move(
        app,
        world["manager"],
        world["child"],
        worker_id=world["second"],
        **{"from": (today + timedelta(days=20)).isoformat()},
    )
    assert booked.status_code == 201
    response = move(
        app,
        world["manager"],
        world["child"],
        worker_id=world["manager"],
        **{"from": (today + timedelta(days=10)).isoformat()},
    )
    assert response.status_code == 422 and list(response.json["errors"]) == ["from"]
    assert len(holders(app, world["child"])) == 2


def test_two_moves_at_once_before_the_holders_end_date_leave_one_holder_a_day(app: Flask) -> None:
    world = team_with_a_child(app)
    today = today_in_london()
    end_first_allocation(app, world["child"], today + timedelta(days=30))
    path = f"/api/children/{world['child']}/reallocation"
    requests = [
        (
            "POST",
            path,
            {"role": "social_worker", "worker_id": worker, "from": (today + timedelta(days=days)).isoformat()},
        )
        for worker, days in ((world["second"], 10), (world["manager"], 12))
    ]
    statuses = at_once(app, world["manager"], requests)
    assert 201 in statuses and set(statuses) <= {201, 422}
    assert holders(app, world["child"])[0][0] == world["first"]
