"""Ids and case references tell nothing about records the caller cannot see, and can't be squatted.

- A visit id is the recording worker's: another worker's id answers one conflict, the same
  whether its child is visible, foreign, or the id is the caller's own with other content.
- The visit a plan's completion records has an id nobody else can compute and take first.
- A taken case reference answers one refusal whoever holds it, and the attempt is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import func, select

from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.children import Child, VisitRow
from backend.plans.completion import VISIT_FROM_PLAN
from tests.e2e.test_api_mass_assignment import everything_stored
from tests.support.plans import freeze_now, new_plan_id, plan_body
from tests.support.world import add_child, add_team, add_worker, new_visit_id, signed_in, visit_body


@dataclass(frozen=True)
class Teams:
    worker_a: str
    adviser_a: str
    child_a: str
    manager_a: str
    worker_b: str
    child_b: str
    manager_b: str
    admin: str


@pytest.fixture
def teams(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Teams:
    freeze_now(monkeypatch)
    team_a, team_b = add_team(app, "A"), add_team(app, "B")
    worker_a, adviser_a = add_worker(app, "social_worker", team_a), add_worker(app, "personal_adviser", team_a)
    worker_b = add_worker(app, "social_worker", team_b)
    child_a = add_child(
        app,
        team_id=team_a,
        reference="C-A-1",
        allocations=[(worker_a, "social_worker"), (adviser_a, "personal_adviser")],
    )
    child_b = add_child(app, team_id=team_b, reference="C-B-1", allocations=[(worker_b, "social_worker")])
    return Teams(
        worker_a,
        adviser_a,
        child_a,
        add_worker(app, "team_manager", team_a),
        worker_b,
        child_b,
        add_worker(app, "team_manager", team_b),
        add_worker(app, "admin"),
    )


def test_another_workers_visit_id_answers_one_conflict_whether_or_not_its_child_is_visible(
    app: Flask, teams: Teams
) -> None:
    a, adviser, b = (signed_in(app, worker) for worker in (teams.worker_a, teams.adviser_a, teams.worker_b))
    foreign_id, colleagues_id, own_id = new_visit_id(), new_visit_id(), new_visit_id()
    assert a.put(f"/api/visits/{foreign_id}", json=visit_body(teams.child_a)).status_code == 201
    colleague = visit_body(teams.child_a, role="personal_adviser")
    assert adviser.put(f"/api/visits/{colleagues_id}", json=colleague).status_code == 201
    assert a.put(f"/api/visits/{own_id}", json=visit_body(teams.child_a)).status_code == 201
    b_own = new_visit_id()
    assert b.put(f"/api/visits/{b_own}", json=visit_body(teams.child_b)).status_code == 201
    stored = everything_stored(app)
    # B cannot see child A: the id used there answers as a changed replay of B's own does.
    unseen = b.put(f"/api/visits/{foreign_id}", json=visit_body(teams.child_b))
    changed_own = b.put(f"/api/visits/{b_own}", json=visit_body(teams.child_b, child_seen=False))
    # A sees child A: a colleague's id on it answers alike, and so does A's id to the colleague.
    seen = a.put(f"/api/visits/{colleagues_id}", json=visit_body(teams.child_a, role="social_worker"))
    same_body = adviser.put(f"/api/visits/{own_id}", json=visit_body(teams.child_a, role="personal_adviser"))
    assert unseen.status_code == changed_own.status_code == seen.status_code == same_body.status_code == 409
    assert unseen.json == changed_own.json == seen.json == same_body.json
    assert everything_stored(app) == stored  # nobody's visit was changed
    # Reading stays as it was: a visit on an unseen child is a 404 like a made-up id.
    assert b.get(f"/api/visits/{foreign_id}").json == b.get(f"/api/visits/{uuid.uuid4()}").json
    assert a.get(f"/api/visits/{own_id}").status_code == 200


def test_a_plans_visit_cannot_be_taken_first_by_another_worker(app: Flask, teams: Teams) -> None:
    a, adviser = signed_in(app, teams.worker_a), signed_in(app, teams.adviser_a)
    plan_id = new_plan_id()
    assert a.put(f"/api/plans/{plan_id}", json=plan_body(teams.child_a)).status_code == 201
    # The adviser sees the plan's id, and takes the visit id an unkeyed derivation would give.
    assert plan_id in {plan["id"] for plan in adviser.get(f"/api/plans?child_id={teams.child_a}").json["plans"]}
    squat = str(uuid.uuid5(VISIT_FROM_PLAN, plan_id))
    body = visit_body(teams.child_a, role="personal_adviser")
    assert adviser.put(f"/api/visits/{squat}", json=body).status_code == 201
    done = a.post(f"/api/plans/{plan_id}/complete", json={"date": "2026-11-20"})
    assert done.status_code == 201, done.json
    assert done.json["visit"]["visitor_id"] == teams.worker_a
    assert done.json["visit"]["id"] not in (squat, plan_id)
    again = a.post(f"/api/plans/{plan_id}/complete", json={"date": "2026-11-20"})
    assert (again.status_code, again.json["visit"]["id"]) == (200, done.json["visit"]["id"])
    assert a.get(f"/api/visits/{done.json['visit']['id']}").status_code == 200


def test_a_completion_interrupted_before_the_keyed_ids_still_finds_its_visit(app: Flask, teams: Teams) -> None:
    a = signed_in(app, teams.worker_a)
    plan_id = new_plan_id()
    assert a.put(f"/api/plans/{plan_id}", json=plan_body(teams.child_a)).status_code == 201
    earlier = str(uuid.uuid5(VISIT_FROM_PLAN, plan_id))
    # What an earlier version stored before dying between the visit and the plan.
    body = visit_body(teams.child_a, date="2026-11-20", kind="home_visit")
    assert a.put(f"/api/visits/{earlier}", json=body).status_code == 201
    done = a.post(f"/api/plans/{plan_id}/complete", json={"date": "2026-11-20", "seen_alone": False})
    assert (done.status_code, done.json["visit"]["id"]) == (200, earlier), done.json
    with app.app_context():
        count = select(func.count()).select_from(VisitRow).where(VisitRow.child_id == teams.child_a)
        assert db.session.scalar(count) == 1


def refusals(app: Flask, child_id: str) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.worker_id, AuditEntry.route).where(
                AuditEntry.child_id == child_id, AuditEntry.action == "refused"
            )
        )
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("caller", ["manager_b", "admin"])
def test_a_taken_case_reference_answers_alike_whoever_holds_it_and_the_attempt_is_audited(
    app: Flask, teams: Teams, caller: str
) -> None:
    api = signed_in(app, getattr(teams, caller))
    stored = everything_stored(app)
    outside = api.post("/api/children", json={"reference": "C-A-1"})  # team A's child
    inside = api.post("/api/children", json={"reference": "C-B-1"})  # the caller's own team's
    renamed_outside = api.patch(f"/api/children/{teams.child_b}", json={"reference": "C-A-1"})
    renamed_inside = api.patch(f"/api/children/{teams.child_b}", json={"reference": "C-B-1"})
    assert outside.status_code == inside.status_code == renamed_outside.status_code == 409
    assert outside.json == inside.json == renamed_outside.json
    assert "C-A-1" not in str(outside.json) and teams.child_a not in str(outside.json)
    assert renamed_inside.status_code == 200  # its own reference: nothing to refuse
    assert everything_stored(app) == stored
    worker = getattr(teams, caller)
    assert refusals(app, teams.child_a) == [
        (worker, "POST /api/children"),
        (worker, "PATCH /api/children/<child_id>"),
    ]
    with app.app_context():
        assert db.session.scalar(select(Child.reference).where(Child.id == teams.child_b)) == "C-B-1"


def test_another_workers_plan_id_answers_alike_whether_or_not_its_child_is_visible(app: Flask, teams: Teams) -> None:
    a, b, manager_a = (signed_in(app, worker) for worker in (teams.worker_a, teams.worker_b, teams.manager_a))
    plan_id = new_plan_id()
    assert a.put(f"/api/plans/{plan_id}", json=plan_body(teams.child_a)).status_code == 201
    stored = everything_stored(app)
    unseen = b.put(f"/api/plans/{plan_id}", json=plan_body(teams.child_b))
    seen = manager_a.put(f"/api/plans/{plan_id}", json=plan_body(teams.child_a, role="social_worker"))
    assert unseen.status_code == seen.status_code == 403
    assert unseen.json == seen.json
    assert everything_stored(app) == stored
