"""The team overview's ``unallocated`` and ``unsupervised`` lists: a child with a visit due in a
role nobody holds (the allocation ended), or with a plan no rule covers and no allocation, and a
carer with no supervising social worker, are on no worker's list; the team's manager sees them
here and allocates from here (POST /api/children/<id>/reallocation, PATCH /api/carers/<id>)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask

from backend.clock import today_in_london
from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.children import Allocation
from backend.services.caseload import CHECK_THIS_CHILDS_DATES
from tests.support.carers import add_carer
from tests.support.world import add_child, add_team, add_worker, signed_in

TODAY = today_in_london()


def days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def team(app: Flask) -> dict[str, str]:
    team = add_team(app, "Central")
    return {
        "team": team,
        "manager": add_worker(app, "team_manager", team),
        "worker": add_worker(app, "social_worker", team),
        "adviser": add_worker(app, "personal_adviser", team),
    }


def end_allocations(app: Flask, child_id: str, ends_on: date) -> None:
    with app.app_context():
        for allocation in db.session.scalars(db.select(Allocation).where(Allocation.child_id == child_id)):
            allocation.ends_on = ends_on
        db.session.commit()


def overview(app: Flask, manager: str, team_id: str) -> Any:
    response = signed_in(app, manager).get(f"/api/teams/{team_id}/overview")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.json


def test_a_child_whose_allocation_ended_yesterday_is_listed_with_its_overdue_visit_overdue_first(app: Flask) -> None:
    world = team(app)
    held = [(world["worker"], "social_worker")]
    protection = [{"type": "child_protection", "start": days_ago(60)}]
    left = add_child(
        app, team_id=world["team"], allocations=held, reference="C-LEFT", name="Ada Byron", episodes=protection
    )
    # Seen two days ago: its next visit is due in days, after the overdue one.
    seen = [{"date": days_ago(2), "role": "social_worker"}]
    later = add_child(app, team_id=world["team"], allocations=held, reference="C-AAA", episodes=protection, visits=seen)
    early_help = [{"type": "early_help", "start": days_ago(30)}]
    nobody = add_child(app, team_id=world["team"], reference="C-EH", episodes=early_help)
    add_child(app, team_id=world["team"], allocations=held, reference="C-HELD", episodes=protection)
    # The allocations' last day was yesterday (``ends_on`` is exclusive).
    end_allocations(app, left, TODAY)
    end_allocations(app, later, TODAY)
    body = overview(app, world["manager"], world["team"])
    first, second, third = body["unallocated"]
    assert first == {
        "child_id": left,
        "reference": "C-LEFT",
        "initials": "AB",
        "role": "social_worker",
        "plan_type": "child_protection",
        "due": first["due"],
        "status": "overdue",
        "reason": None,
    }
    assert (second["child_id"], second["role"], second["reason"]) == (later, "social_worker", None)
    assert second["status"] != "overdue" and second["due"] > first["due"]
    assert (third["child_id"], third["role"], third["plan_type"], third["due"], third["status"]) == (
        nobody,
        None,
        "early_help",
        None,
        None,
    )
    assert "Early help" in third["reason"]
    # On no worker's list: not in the team's overdue list, nor any worker's counts.
    assert [row["reference"] for row in body["overdue"]] == ["C-HELD"]


def test_a_care_leaver_with_no_personal_adviser_is_listed_and_allocating_from_the_list_removes_it(
    app: Flask,
) -> None:
    world = team(app)
    leaver = [{"type": "care_leaver", "start": days_ago(90)}]
    child = add_child(
        app,
        team_id=world["team"],
        allocations=[(world["worker"], "social_worker")],
        reference="C-CL",
        date_of_birth="2008-01-01",
        episodes=leaver,
    )
    [row] = overview(app, world["manager"], world["team"])["unallocated"]
    assert (row["child_id"], row["role"], row["plan_type"], row["status"]) == (
        child,
        "personal_adviser",
        "care_leaver",
        "overdue",
    )
    manager = signed_in(app, world["manager"])
    moved = manager.post(
        f"/api/children/{child}/reallocation", json={"role": "personal_adviser", "worker_id": world["adviser"]}
    )
    assert moved.status_code == 201 and moved.json["worker_id"] == world["adviser"]
    assert overview(app, world["manager"], world["team"])["unallocated"] == []
    adviser_list = signed_in(app, world["adviser"]).get("/api/caseload").json["obligations"]
    assert [(item["child_id"], item["role"]) for item in adviser_list] == [(child, "personal_adviser")]
    with app.app_context():
        routes = db.session.scalars(db.select(AuditEntry.route).where(AuditEntry.child_id == child)).all()
    assert "POST /api/children/<child_id>/reallocation" in routes


def test_a_role_whose_holder_left_is_allocated_from_the_list_to_a_worker_of_the_team_only(app: Flask) -> None:
    world = team(app)
    protection = [{"type": "child_protection", "start": days_ago(60)}]
    child = add_child(app, team_id=world["team"], allocations=[(world["worker"], "social_worker")], episodes=protection)
    end_allocations(app, child, TODAY - timedelta(days=1))
    outsider = add_worker(app, "social_worker", add_team(app))
    manager = signed_in(app, world["manager"])
    path = f"/api/children/{child}/reallocation"
    assert manager.post(path, json={"role": "social_worker", "worker_id": outsider}).status_code == 404
    # An admin may name any worker, but only one of the child's team.
    admin = signed_in(app, add_worker(app, "admin"))
    refused = admin.post(path, json={"role": "social_worker", "worker_id": outsider})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["worker_id"]
    second = add_worker(app, "social_worker", world["team"])
    assert manager.post(path, json={"role": "social_worker", "worker_id": second}).status_code == 201
    assert overview(app, world["manager"], world["team"])["unallocated"] == []


def test_a_manager_of_another_team_sees_nothing_of_it(app: Flask) -> None:
    world = team(app)
    child = add_child(
        app,
        team_id=world["team"],
        allocations=[(world["worker"], "social_worker")],
        episodes=[{"type": "child_protection", "start": days_ago(60)}],
    )
    end_allocations(app, child, TODAY)
    other_team = add_team(app)
    other = add_worker(app, "team_manager", other_team)
    assert overview(app, other, other_team)["unallocated"] == []
    api = signed_in(app, other)
    assert api.get(f"/api/teams/{world['team']}/overview").status_code == 404
    assert api.get(f"/api/children/{child}").status_code == 404
    moved = api.post(f"/api/children/{child}/reallocation", json={"role": "social_worker", "worker_id": other})
    assert moved.status_code == 404


def test_a_child_whose_dates_the_engine_cannot_use_is_listed_with_the_reason_not_a_500(app: Flask) -> None:
    world = team(app)
    # A typed-in visit of 1926: outside the years the calendar holds.
    typo = [{"date": "1926-11-02", "role": "social_worker", "child_seen": True}]
    in_need = [{"type": "child_in_need", "start": days_ago(60)}]
    child = add_child(app, team_id=world["team"], reference="C-TYPO", episodes=in_need, visits=typo)
    rows = overview(app, world["manager"], world["team"])["unallocated"]
    assert {row["role"] for row in rows} == {"social_worker", None}
    assert all(
        (row["child_id"], row["due"], row["status"], row["reason"]) == (child, None, None, CHECK_THIS_CHILDS_DATES)
        for row in rows
    )


def test_a_carer_set_to_no_supervisor_is_listed_until_the_manager_chooses_one(app: Flask) -> None:
    world = team(app)
    carer = add_carer(
        app, supervising_worker_id=world["worker"], team_id=world["team"], reference="FC-1", name="Pat Carer"
    )
    manager = signed_in(app, world["manager"])
    assert overview(app, world["manager"], world["team"])["unsupervised"] == []
    assert manager.patch(f"/api/carers/{carer}", json={"supervising_worker_id": None}).status_code == 200
    [row] = overview(app, world["manager"], world["team"])["unsupervised"]
    assert (row["carer_id"], row["reference"], row["initials"]) == (carer, "FC-1", "PC")
    assert row["due"] is not None and row["status"] is not None and row["duty"] is not None
    other_team = add_team(app)
    assert overview(app, add_worker(app, "team_manager", other_team), other_team)["unsupervised"] == []
    changed = manager.patch(f"/api/carers/{carer}", json={"supervising_worker_id": world["worker"]})
    assert changed.status_code == 200
    assert overview(app, world["manager"], world["team"])["unsupervised"] == []


def test_a_return_interview_nobody_holds_after_a_missing_episode_is_listed(app: Flask) -> None:
    world = team(app)
    held = [(world["worker"], "social_worker")]
    in_need = [{"type": "child_in_need", "start": days_ago(60)}]
    seen = [{"date": days_ago(1), "role": "social_worker"}]
    returned = [{"type": "returned_from_missing", "date": days_ago(1), "time": "21:15"}]
    child = add_child(app, team_id=world["team"], allocations=held, episodes=in_need, visits=seen, events=returned)
    add_child(app, team_id=world["team"], allocations=held, episodes=in_need, visits=seen)
    [row] = overview(app, world["manager"], world["team"])["unallocated"]
    assert (row["child_id"], row["role"], row["reason"]) == (child, "return_interview_worker", None)
    assert row["due"] is not None and row["status"] is not None


def test_a_role_nobody_holds_is_allocated_from_the_day_the_last_allocation_ended_at_the_earliest(
    app: Flask,
) -> None:
    world = team(app)
    protection = [{"type": "child_protection", "start": days_ago(60)}]
    child = add_child(app, team_id=world["team"], allocations=[(world["worker"], "social_worker")], episodes=protection)
    end_allocations(app, child, TODAY - timedelta(days=5))
    manager = signed_in(app, world["manager"])
    path = f"/api/children/{child}/reallocation"
    body = {"role": "social_worker", "worker_id": world["worker"]}
    overlapping = manager.post(path, json=body | {"from": days_ago(6)})
    assert overlapping.status_code == 422 and list(overlapping.json["errors"]) == ["from"]
    assert manager.post(path, json=body | {"from": days_ago(5)}).status_code == 201


def test_a_carer_with_no_supervisor_counts_in_the_teams_carer_figures_with_a_null_worker(app: Flask) -> None:
    world = team(app)
    # Approved long ago and never visited: overdue, and on no worker's caseload.
    carer = add_carer(app, team_id=world["team"], reference="FC-NONE", approved=date(2020, 1, 6))
    carers = overview(app, world["manager"], world["team"])["carers"]
    assert carers["overdue"] >= 1
    assert [(row["carer_id"], row["worker_id"], row["worker_name"]) for row in carers["overdue_list"]] == [
        (carer, None, None)
    ] * len(carers["overdue_list"])
    other_team = add_team(app)
    assert overview(app, add_worker(app, "team_manager", other_team), other_team)["carers"]["overdue"] == 0
