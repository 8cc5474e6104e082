"""POST /api/plans/<id>/complete: the visit recorded from a plan in one tap, idempotently; and
keeping-in-touch contacts, which are recorded and shown but never move a due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from backend.clock import LONDON
from backend.extensions import db
from backend.persistence.children import VisitRow
from tests.support.plans import freeze_now, new_plan_id, plan_body
from tests.support.world import ApiClient, add_child, add_team, add_worker, new_visit_id, signed_in, visit_body

PLAN_DAY_EVENING = datetime(2026, 11, 26, 18, 0, tzinfo=LONDON)


@dataclass
class Caseload:
    worker: str
    child: str
    api: ApiClient


@pytest.fixture
def caseload(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Caseload:
    freeze_now(monkeypatch)
    team_id = add_team(app)
    worker = add_worker(app, "social_worker", team_id)
    child = add_child(
        app,
        team_id=team_id,
        allocations=[(worker, "social_worker")],
        visits=[{"date": "2026-11-02", "role": "social_worker"}],
    )
    return Caseload(worker, child, signed_in(app, worker))


def stored_visits(app: Flask, child_id: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(VisitRow).where(VisitRow.child_id == child_id))


def planned(caseload: Caseload, **overrides: object) -> str:
    plan_id = new_plan_id()
    response = caseload.api.put(f"/api/plans/{plan_id}", json=plan_body(caseload.child, **overrides))
    assert response.status_code == 201, response.json
    return plan_id


def social_work_due(api: ApiClient, child: str) -> dict:
    obligations = api.get(f"/api/children/{child}/obligations").json["obligations"]
    return next(obligation for obligation in obligations if obligation["role"] == "social_worker")


def test_completing_a_plan_records_its_visit_on_the_plan_day_and_moves_the_due_date(
    app: Flask, caseload: Caseload, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = planned(caseload)
    freeze_now(monkeypatch, PLAN_DAY_EVENING)
    response = caseload.api.post(f"/api/plans/{plan_id}/complete")
    assert response.status_code == 201, response.json
    visit, plan = response.json["visit"], response.json["plan"]
    assert (visit["date"], visit["role"], visit["kind"], visit["child_seen"], visit["seen_alone"]) == (
        "2026-11-26",
        "social_worker",
        "home_visit",
        True,
        None,
    )
    assert visit["visitor_id"] == caseload.worker
    assert plan["status"] == "completed" and plan["visit_id"] == visit["id"]
    # The plan keeps the due date it answered; the child's next visit is now due later.
    assert (plan["on_time"], plan["due"], plan["warnings"]) == (True, "2026-11-30", [])
    assert social_work_due(caseload.api, caseload.child)["last_visit"] == "2026-11-26"
    assert caseload.api.get("/api/caseload").json["obligations"][0]["next_plan"] is None


def test_completing_again_finds_the_same_visit(app: Flask, caseload: Caseload, monkeypatch: pytest.MonkeyPatch) -> None:
    plan_id = planned(caseload)
    freeze_now(monkeypatch, PLAN_DAY_EVENING)
    first = caseload.api.post(f"/api/plans/{plan_id}/complete", json={"seen_alone": True})
    again = caseload.api.post(f"/api/plans/{plan_id}/complete", json={"seen_alone": True})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert stored_visits(app, caseload.child) == 2  # the imported visit and this one


def test_a_plan_completed_before_its_day_needs_the_date_the_visit_happened(app: Flask, caseload: Caseload) -> None:
    plan_id = planned(caseload)  # Thursday 26 November; the clock reads Monday 23rd
    early = caseload.api.post(f"/api/plans/{plan_id}/complete", json={})
    assert early.status_code == 422 and list(early.json["errors"]) == ["date"]
    dated = caseload.api.post(f"/api/plans/{plan_id}/complete", json={"date": "2026-11-23"})
    assert dated.status_code == 201 and dated.json["visit"]["date"] == "2026-11-23"


def test_the_client_may_choose_the_visit_id_and_another_one_later_is_a_conflict(app: Flask, caseload: Caseload) -> None:
    plan_id, visit_id = planned(caseload), new_visit_id()
    body = {"date": "2026-11-23", "visit_id": visit_id}
    assert caseload.api.post(f"/api/plans/{plan_id}/complete", json=body).json["visit"]["id"] == visit_id
    other = {"date": "2026-11-23", "visit_id": new_visit_id()}
    assert caseload.api.post(f"/api/plans/{plan_id}/complete", json=other).status_code == 409
    assert stored_visits(app, caseload.child) == 2


def test_withdrawing_the_visit_of_a_plan_reopens_the_plan_and_a_late_replay_leaves_it_open(caseload: Caseload) -> None:
    plan_id, visit_id = planned(caseload), new_visit_id()
    body = {"date": "2026-11-23", "visit_id": visit_id}
    assert caseload.api.post(f"/api/plans/{plan_id}/complete", json=body).status_code == 201
    assert caseload.api.delete(f"/api/visits/{visit_id}").status_code == 204
    plan = caseload.api.get(f"/api/plans/{plan_id}").json
    assert (plan["status"], plan["visit_id"]) == ("planned", None)
    assert caseload.api.get("/api/caseload").json["obligations"][0]["next_plan"]["id"] == plan_id
    # The completion arriving again (a retry) answers as a replay: the withdrawal stands.
    replay = caseload.api.post(f"/api/plans/{plan_id}/complete", json=body)
    assert replay.status_code == 200 and replay.json["plan"]["status"] == "planned"
    assert replay.json["visit"]["withdrawn_at"] is not None
    # Recorded again (a new id), it completes; so can be moved or cancelled meanwhile.
    again = caseload.api.post(f"/api/plans/{plan_id}/complete", json={"date": "2026-11-23", "visit_id": new_visit_id()})
    assert again.status_code == 201 and again.json["plan"]["status"] == "completed"


def test_a_plan_reopened_by_a_withdrawal_is_completed_again_with_a_new_derived_visit(
    app: Flask, caseload: Caseload
) -> None:
    plan_id = planned(caseload)
    first = caseload.api.post(f"/api/plans/{plan_id}/complete", json={"date": "2026-11-23"}).json["visit"]["id"]
    assert caseload.api.delete(f"/api/visits/{first}").status_code == 204
    second = caseload.api.post(f"/api/plans/{plan_id}/complete", json={"date": "2026-11-23"})
    retry = caseload.api.post(f"/api/plans/{plan_id}/complete", json={"date": "2026-11-23"})
    assert (second.status_code, retry.status_code) == (201, 200)
    assert second.json["visit"]["id"] == retry.json["visit"]["id"] != first
    assert second.json["plan"]["status"] == "completed"
    assert stored_visits(app, caseload.child) == 3  # the imported one, the withdrawn one, this one


def test_a_cancelled_plan_cannot_be_completed_and_a_completed_one_cannot_be_cancelled_or_moved(
    caseload: Caseload,
) -> None:
    cancelled, completed = planned(caseload), planned(caseload)
    caseload.api.delete(f"/api/plans/{cancelled}")
    assert caseload.api.post(f"/api/plans/{cancelled}/complete", json={"date": "2026-11-23"}).status_code == 409
    caseload.api.post(f"/api/plans/{completed}/complete", json={"date": "2026-11-23"})
    assert caseload.api.delete(f"/api/plans/{completed}").status_code == 409
    moved = plan_body(caseload.child, starts_at="2026-11-27T10:00")
    assert caseload.api.put(f"/api/plans/{completed}", json=moved).status_code == 409


def test_bad_completion_input_is_named(caseload: Caseload) -> None:
    plan_id = planned(caseload)
    response = caseload.api.post(
        f"/api/plans/{plan_id}/complete", json={"date": "26/11/2026", "child_seen": "yes", "visit_id": "nope"}
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"date", "child_seen", "visit_id"}
    assert caseload.api.post(f"/api/plans/{new_plan_id()}/complete", json={}).status_code == 404


def test_a_personal_advisers_phone_call_is_recorded_and_shown_but_does_not_move_the_due_date(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_now(monkeypatch)
    adviser = add_worker(app, "personal_adviser")
    leaver = add_child(
        app,
        allocations=[(adviser, "personal_adviser")],
        date_of_birth="2008-05-01",
        episodes=[{"type": "care_leaver", "start": "2026-10-01"}],
        visits=[{"date": "2026-10-05", "role": "personal_adviser"}],
    )
    api = signed_in(app, adviser)
    before = api.get(f"/api/children/{leaver}/obligations").json["obligations"][0]
    plan_id = new_plan_id()
    api.put(f"/api/plans/{plan_id}", json=plan_body(leaver, kind="phone", starts_at="2026-11-23T09:00"))
    completed = api.post(f"/api/plans/{plan_id}/complete").json
    assert completed["visit"]["kind"] == "phone" and completed["visit"]["child_seen"] is False
    after = api.get(f"/api/children/{leaver}/obligations").json["obligations"][0]
    assert after == before and after["last_visit"] == "2026-10-05"
    history = api.get(f"/api/children/{leaver}").json["visits"]
    assert [(visit["date"], visit["kind"]) for visit in history] == [("2026-11-23", "phone"), ("2026-10-05", None)]


@pytest.mark.parametrize(("kind", "moves"), [("video", False), ("text", False), ("visit_elsewhere", True)])
def test_a_visit_recorded_directly_counts_only_in_person(
    app: Flask, caseload: Caseload, kind: str, moves: bool
) -> None:
    response = caseload.api.put(
        f"/api/visits/{new_visit_id()}", json=visit_body(caseload.child, date="2026-11-20", kind=kind)
    )
    assert response.status_code == 201 and response.json["kind"] == kind
    last_visit = social_work_due(caseload.api, caseload.child)["last_visit"]
    assert last_visit == ("2026-11-20" if moves else "2026-11-02")


def test_a_visit_without_a_kind_still_counts_and_an_unknown_kind_is_refused(caseload: Caseload) -> None:
    plain = caseload.api.put(f"/api/visits/{new_visit_id()}", json=visit_body(caseload.child))
    assert plain.status_code == 201 and plain.json["kind"] is None
    odd = caseload.api.put(f"/api/visits/{new_visit_id()}", json=visit_body(caseload.child, kind="letter"))
    assert odd.status_code == 422 and list(odd.json["errors"]) == ["kind"]
    assert social_work_due(caseload.api, caseload.child)["last_visit"] == "2026-11-20"
