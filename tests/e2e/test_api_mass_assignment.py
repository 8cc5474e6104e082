"""Mass assignment: fields a caller may not set (ids, who recorded a visit and when, roles,
teams, allocations) are refused with a 422 naming them, and nothing of the request is stored."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from backend.extensions import db
from backend.persistence.carers import CarerRow, CarerVisitRow
from backend.persistence.children import Allocation, Child, VisitRow
from backend.persistence.people import Worker
from tests.support.carers import add_carer, carer_visit_body
from tests.support.world import (
    ApiClient,
    add_child,
    add_team,
    add_worker,
    household_visit_body,
    new_visit_id,
    signed_in,
    visit_body,
)

SMUGGLED: dict[str, Any] = {
    "id": "0" * 32,
    "visitor_id": "1" * 32,
    "recorded_at": "2020-01-01T00:00:00+00:00",
    "team_id": "2" * 32,
    "role": "admin",
    "allocations": [{"worker_email": "someone@example.org", "role": "social_worker"}],
    "child_id": "3" * 32,
    "worker_id": "4" * 32,
    "created_at": "2020-01-01T00:00:00+00:00",
    "active": True,
    "agreed_by": "5" * 32,
}


def everything_stored(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    with app.app_context():
        return {
            table.name: sorted(map(tuple, db.session.execute(table.select()).all()), key=repr)
            for table in db.metadata.sorted_tables
            if table.name not in ("audit_log", "sessions", "login_failures")
        }


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    team = add_team(app)
    worker = add_worker(app, "social_worker", team)
    manager = add_worker(app, "team_manager", team)
    child = add_child(app, team_id=team, allocations=[(worker, "social_worker")])
    carer = add_carer(app, supervising_worker_id=worker, team_id=team)
    return {"team": team, "worker": worker, "manager": manager, "child": child, "carer": carer}


def writes(world: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any], set[str]]]:
    """(caller, method, path, a valid body, the fields of SMUGGLED the body legitimately holds)."""
    child = world["child"]
    return [
        ("worker", "PUT", f"/api/visits/{new_visit_id()}", visit_body(child), {"child_id", "role"}),
        ("worker", "PUT", f"/api/household-visits/{new_visit_id()}", household_visit_body([child]), {"role"}),
        ("manager", "POST", "/api/children", {"reference": "C-MASS", "name": "Mass Child"}, {"allocations"}),
        ("manager", "PATCH", f"/api/children/{child}", {"name": "New Name"}, set()),
        ("worker", "POST", f"/api/children/{child}/episodes", {"type": "child_in_need", "start": "2026-11-02"}, set()),
        ("worker", "POST", f"/api/children/{child}/events", {"type": "birth", "date": "2026-11-02"}, {"role"}),
        (
            "manager",
            "POST",
            f"/api/children/{child}/overrides",
            {"role": "social_worker", "every": "1 week", "from": "2026-11-02", "reason": "risk plan"},
            set(),
        ),
        (
            "manager",
            "POST",
            f"/api/children/{child}/allocations",
            {"worker_email": "x@example.org", "role": "social_worker"},
            {"worker_id"},  # the other way of naming the worker: one of the two is refused as a pair
        ),
        ("worker", "PUT", "/api/push/preferences", {"mute_weekends": False}, set()),
        (
            "manager",
            "POST",
            "/api/carers",
            {"reference": "FC-MASS", "type": "connected_person", "approved": "2026-11-02"},
            set(),
        ),
        ("manager", "PATCH", f"/api/carers/{world['carer']}", {"name": "New Carer Name"}, set()),
        ("worker", "PUT", f"/api/carer-visits/{new_visit_id()}", carer_visit_body(world["carer"]), set()),
        ("nobody", "POST", "/api/session", {"email": "x@example.org", "password": "x"}, set()),
    ]


def test_every_smuggled_field_on_every_write_is_a_422_naming_it_and_nothing_is_stored(
    app: Flask, world: dict[str, Any]
) -> None:
    callers = {
        "worker": signed_in(app, world["worker"]),
        "manager": signed_in(app, world["manager"]),
        "nobody": ApiClient(app.test_client(), None),
    }
    before = everything_stored(app)
    for caller, method, path, body, legitimate in writes(world):
        for field, value in SMUGGLED.items():
            if field in legitimate or field in body:
                continue
            response = callers[caller].request(method, path, json={**body, field: value})
            assert response.status_code == 422, (method, path, field, response.status_code)
            assert field in response.json["errors"], (method, path, field, response.json)
    assert everything_stored(app) == before


def test_a_carer_added_by_a_manager_belongs_to_their_team_and_a_visit_to_the_signed_in_worker(
    app: Flask, world: dict[str, Any]
) -> None:
    manager, worker = signed_in(app, world["manager"]), signed_in(app, world["worker"])
    made = manager.post(
        "/api/carers",
        json={
            "reference": "FC-TEAM",
            "type": "connected_person",
            "approved": "2026-11-02",
            "supervising_worker_id": world["worker"],
        },
    )
    assert made.status_code == 201, made.json
    visit_id = new_visit_id()
    assert worker.put(f"/api/carer-visits/{visit_id}", json=carer_visit_body(made.json["id"])).status_code == 201
    with app.app_context():
        assert db.session.get(CarerRow, made.json["id"]).team_id == world["team"]
        assert db.session.get(CarerVisitRow, visit_id).visitor_id == world["worker"]


def test_a_manager_cannot_make_a_worker_of_another_team_supervise_a_carer(app: Flask, world: dict[str, Any]) -> None:
    stranger = add_worker(app, "social_worker", add_team(app))
    response = signed_in(app, world["manager"]).post(
        "/api/carers",
        json={
            "reference": "FC-FOREIGN",
            "type": "connected_person",
            "approved": "2026-11-02",
            "supervising_worker_id": stranger,
        },
    )
    assert response.status_code == 422
    assert "supervising_worker_id" in response.json["errors"]


def test_a_visit_records_the_signed_in_worker_and_the_servers_clock_whatever_the_phone_says(
    app: Flask, world: dict[str, Any]
) -> None:
    api = signed_in(app, world["worker"])
    visit_id = new_visit_id()
    response = api.put(f"/api/visits/{visit_id}", json=visit_body(world["child"]))
    assert response.status_code == 201
    assert response.json["visitor_id"] == world["worker"]
    assert response.json["id"] == visit_id
    with app.app_context():
        assert db.session.get(VisitRow, visit_id).visitor_id == world["worker"]


def test_a_social_worker_cannot_add_a_child_rename_one_or_reallocate(app: Flask, world: dict[str, Any]) -> None:
    api = signed_in(app, world["worker"])
    child = world["child"]
    before = everything_stored(app)
    assert api.post("/api/children", json={"reference": "C-SW"}).status_code == 403
    assert api.patch(f"/api/children/{child}", json={"name": "Other"}).status_code == 403
    allocation = {"worker_id": world["worker"], "role": "personal_adviser"}
    assert api.post(f"/api/children/{child}/allocations", json=allocation).status_code == 403
    assert everything_stored(app) == before


def test_a_manager_cannot_allocate_a_worker_of_another_team_nor_add_a_child_to_them(
    app: Flask, world: dict[str, Any]
) -> None:
    outsider_team = add_team(app)
    add_worker(app, "social_worker", outsider_team, email="outsider@example.org")
    api = signed_in(app, world["manager"])
    before = everything_stored(app)
    allocation = {"worker_email": "outsider@example.org", "role": "social_worker"}
    response = api.post(f"/api/children/{world['child']}/allocations", json=allocation)
    assert response.status_code == 422 and "worker_email" in response.json["errors"]
    response = api.post("/api/children", json={"reference": "C-OUT", "allocations": [allocation]})
    assert response.status_code == 422 and "allocations.0.worker_email" in response.json["errors"]
    assert everything_stored(app) == before


def test_a_child_added_by_a_manager_belongs_to_the_managers_team(app: Flask, world: dict[str, Any]) -> None:
    response = signed_in(app, world["manager"]).post("/api/children", json={"reference": "C-TEAM"})
    assert response.status_code == 201
    with app.app_context():
        assert db.session.get(Child, response.json["id"]).team_id == world["team"]
        assert (
            db.session.scalar(
                db.select(db.func.count()).select_from(Allocation).where(Allocation.child_id == response.json["id"])
            )
            == 0
        )
        assert db.session.get(Worker, world["manager"]).role == "team_manager"
