"""Cover ("act for"): a manager lets a colleague record visits on an absent worker's caseload for
a period; access.py decides it for every route."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from backend.clock import today_in_london
from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.people import Worker
from tests.support.carers import add_carer, carer_visit_body
from tests.support.world import add_child, add_team, add_worker, new_visit_id, signed_in, visit_body


def absent_worker_and_colleague(app: Flask) -> dict[str, str]:
    team = add_team(app)
    world = {
        "team": team,
        "manager": add_worker(app, "team_manager", team),
        "absent": add_worker(app, "social_worker", team),
        "colleague": add_worker(app, "social_worker", team),
    }
    world["child"] = add_child(
        app,
        team_id=team,
        allocations=[(world["absent"], "social_worker")],
        episodes=[{"type": "child_protection", "start": "2026-09-01"}],
    )
    return world


def cover_body(worker_id: str, first: int = 0, last: int = 14) -> dict[str, Any]:
    today = today_in_london()
    return {
        "worker_id": worker_id,
        "from": (today + timedelta(days=first)).isoformat(),
        "until": (today + timedelta(days=last)).isoformat(),
    }


def colleague_can_record(app: Flask, world: dict[str, str]) -> bool:
    colleague = signed_in(app, world["colleague"])
    seen = colleague.get(f"/api/children/{world['child']}").status_code == 200
    visit = colleague.put(f"/api/visits/{new_visit_id()}", json=visit_body(world["child"], date="2026-12-01"))
    return seen and visit.status_code == 201


def test_while_cover_runs_the_colleague_sees_the_absent_workers_children_and_records_their_visits(app: Flask) -> None:
    world = absent_worker_and_colleague(app)
    assert not colleague_can_record(app, world)
    granted = signed_in(app, world["manager"]).post(
        f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"])
    )
    assert granted.status_code == 201 and granted.json["worker_id"] == world["colleague"]
    assert colleague_can_record(app, world)
    caseload = signed_in(app, world["colleague"]).get(f"/api/workers/{world['absent']}/caseload")
    assert [row["child_id"] for row in caseload.json["obligations"]] == [world["child"]]
    listed = signed_in(app, world["manager"]).get(f"/api/workers/{world['absent']}/cover").json["covers"]
    assert [cover["id"] for cover in listed] == [granted.json["id"]]
    with app.app_context():
        routes = db.session.scalars(db.select(AuditEntry.route).where(AuditEntry.worker_id == world["manager"])).all()
    assert "POST /api/workers/<worker_id>/cover" in routes


def test_cover_that_has_not_begun_or_was_ended_gives_nothing(app: Flask) -> None:
    world = absent_worker_and_colleague(app)
    manager = signed_in(app, world["manager"])
    later = manager.post(f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"], 3, 10))
    assert later.status_code == 201 and not colleague_can_record(app, world)
    now = manager.post(f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"]))
    assert colleague_can_record(app, world)
    for cover in (later, now):
        assert manager.delete(f"/api/workers/{world['absent']}/cover/{cover.json['id']}").status_code == 204
    assert not colleague_can_record(app, world)
    assert manager.get(f"/api/workers/{world['absent']}/cover").json == {"covers": []}


def test_only_the_absent_workers_manager_or_an_admin_grants_cover(app: Flask) -> None:
    world = absent_worker_and_colleague(app)
    other_manager = add_worker(app, "team_manager", add_team(app))
    for caller in (world["colleague"], world["absent"], other_manager):
        response = signed_in(app, caller).post(
            f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"])
        )
        assert response.status_code == 404
    admin = signed_in(app, add_worker(app, "admin"))
    assert admin.post(f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"])).status_code == 201


def test_a_colleague_from_another_team_or_a_period_ending_before_it_starts_is_refused(app: Flask) -> None:
    world = absent_worker_and_colleague(app)
    outsider = add_worker(app, "social_worker", add_team(app))
    manager = signed_in(app, world["manager"])
    assert manager.post(f"/api/workers/{world['absent']}/cover", json=cover_body(outsider)).status_code == 404
    admin = signed_in(app, add_worker(app, "admin"))
    refused = admin.post(f"/api/workers/{world['absent']}/cover", json=cover_body(outsider))
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["worker_id"]
    backwards = manager.post(f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"], 5, 1))
    assert backwards.status_code == 422 and list(backwards.json["errors"]) == ["until"]


def test_a_covering_colleague_finds_the_absent_workers_child_on_their_own_list_and_records_the_visit(
    app: Flask,
) -> None:
    world = absent_worker_and_colleague(app)
    own_child = add_child(
        app,
        team_id=world["team"],
        allocations=[(world["colleague"], "social_worker")],
        episodes=[{"type": "child_in_need", "start": "2026-09-01"}],
    )
    colleague = signed_in(app, world["colleague"])
    assert [row["child_id"] for row in colleague.get("/api/caseload").json["obligations"]] == [own_child]
    signed_in(app, world["manager"]).post(f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"]))
    listed = {row["child_id"]: row for row in colleague.get("/api/caseload").json["obligations"]}
    assert set(listed) == {own_child, world["child"]}
    with app.app_context():
        absent_name = db.session.get(Worker, world["absent"]).name
    assert listed[world["child"]]["covering_for"] == absent_name
    assert listed[own_child]["covering_for"] is None
    # On the doorstep: the visit in the role the list names is taken.
    body = visit_body(world["child"], date="2026-12-01", role=listed[world["child"]]["role"])
    assert colleague.put(f"/api/visits/{new_visit_id()}", json=body).status_code == 201
    # The absent worker's own list is unchanged: their children, none of the colleague's.
    absent_list = signed_in(app, world["absent"]).get("/api/caseload").json["obligations"]
    assert {row["child_id"] for row in absent_list} == {world["child"]}


def test_while_cover_runs_the_colleague_lists_the_absent_workers_carers_and_unscheduled_children_then_not(
    app: Flask,
) -> None:
    world = absent_worker_and_colleague(app)
    carer = add_carer(app, supervising_worker_id=world["absent"], team_id=world["team"])
    # A section 47 enquiry: no rule in the default profile schedules it, so the child is listed as unscheduled.
    unscheduled = add_child(
        app,
        team_id=world["team"],
        allocations=[(world["absent"], "social_worker")],
        episodes=[{"type": "section_47", "start": "2026-10-01"}],
    )
    colleague = signed_in(app, world["colleague"])

    def listed() -> tuple[dict[str, str | None], dict[str, str | None]]:
        caseload = colleague.get("/api/caseload?as_of=2026-12-24").json
        return (
            {row["carer_id"]: row["covering_for"] for row in caseload["carers"]},
            {row["child_id"]: row["covering_for"] for row in caseload["unscheduled"]},
        )

    assert listed() == ({}, {})
    assert colleague.get(f"/api/carers/{carer}").status_code == 404
    manager = signed_in(app, world["manager"])
    cover = manager.post(f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"])).json
    with app.app_context():
        absent_name = db.session.get(Worker, world["absent"]).name
    assert listed() == ({carer: absent_name}, {unscheduled: absent_name})
    # On the doorstep: the carer's record opens and the visit is taken, as for the absent worker's child.
    assert colleague.get(f"/api/carers/{carer}").status_code == 200
    visit = colleague.put(f"/api/carer-visits/{new_visit_id()}", json=carer_visit_body(carer))
    assert visit.status_code == 201
    assert carer in {row["id"] for row in colleague.get("/api/carers").json["carers"]}
    # The absent worker's own list is unchanged: their carer and child, labelled as their own.
    own = signed_in(app, world["absent"]).get("/api/caseload?as_of=2026-12-24").json
    assert [(row["carer_id"], row["covering_for"]) for row in own["carers"]] == [(carer, None)]
    assert manager.delete(f"/api/workers/{world['absent']}/cover/{cover['id']}").status_code == 204
    assert listed() == ({}, {})
    assert colleague.get(f"/api/carers/{carer}").status_code == 404
    assert colleague.get(f"/api/carer-visits/{visit.json['id']}").status_code == 404


def test_an_unscheduled_child_both_workers_hold_is_listed_once_as_the_colleagues_own(app: Flask) -> None:
    world = absent_worker_and_colleague(app)
    shared = add_child(
        app,
        team_id=world["team"],
        allocations=[(world["absent"], "key_worker"), (world["colleague"], "social_worker")],
        episodes=[{"type": "section_47", "start": "2026-10-01"}],
    )
    signed_in(app, world["manager"]).post(f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"]))
    unscheduled = signed_in(app, world["colleague"]).get("/api/caseload?as_of=2026-12-24").json["unscheduled"]
    assert [(row["child_id"], row["covering_for"]) for row in unscheduled] == [(shared, None)]


def test_while_cover_runs_the_colleague_lists_the_absent_workers_deadlines_once_then_not(app: Flask) -> None:
    world = absent_worker_and_colleague(app)
    # England: the assessment within 45 working days of a referral of 1 October, overdue by 24 December.
    referred = {"episodes": [{"type": "child_in_need", "start": "2026-10-01"}], "events": [REFERRAL]}
    absent_only = add_child(app, team_id=world["team"], allocations=[(world["absent"], "social_worker")], **referred)
    both = add_child(
        app,
        team_id=world["team"],
        allocations=[(world["absent"], "social_worker"), (world["colleague"], "key_worker")],
        **referred,
    )
    colleague = signed_in(app, world["colleague"])

    def listed() -> list[tuple[str, str | None]]:
        deadlines = colleague.get("/api/caseload?as_of=2026-12-24").json["deadlines"]
        return sorted((row["child_id"], row["covering_for"]) for row in deadlines)

    assert listed() == [(both, None)]
    manager = signed_in(app, world["manager"])
    cover = manager.post(f"/api/workers/{world['absent']}/cover", json=cover_body(world["colleague"])).json
    with app.app_context():
        absent_name = db.session.get(Worker, world["absent"]).name
    assert listed() == sorted([(both, None), (absent_only, absent_name)])
    # The absent worker keeps theirs, as their own.
    own = signed_in(app, world["absent"]).get("/api/caseload?as_of=2026-12-24").json["deadlines"]
    assert sorted((row["child_id"], row["covering_for"]) for row in own) == sorted([(both, None), (absent_only, None)])
    manager.delete(f"/api/workers/{world['absent']}/cover/{cover['id']}")
    assert listed() == [(both, None)]


REFERRAL = {"type": "referral", "date": "2026-10-01"}
