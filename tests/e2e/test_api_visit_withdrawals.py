"""DELETE /api/visits/<uuid>: a visit withdrawn as recorded in error stays in the history,
marked, and no longer counts for any due date; who may withdraw, and for how long."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from backend.clock import today_in_london, utc_now
from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.children import VisitRow
from tests.support.world import ApiClient, add_child, add_team, add_worker, new_visit_id, signed_in, visit_body


def setting(app: Flask) -> dict[str, str]:
    team = add_team(app)
    worker = add_worker(app, "social_worker", team)
    adviser = add_worker(app, "personal_adviser", team)
    child = add_child(app, allocations=[(worker, "social_worker"), (adviser, "personal_adviser")], team_id=team)
    return {
        "team": team,
        "worker": worker,
        "adviser": adviser,
        "child": child,
        "manager": add_worker(app, "team_manager", team),
        "other_manager": add_worker(app, "team_manager", add_team(app)),
        "admin": add_worker(app, "admin"),
    }


def due(api: ApiClient, child_id: str) -> str:
    obligations = api.get(f"/api/children/{child_id}/obligations").json["obligations"]
    return next(item["due"] for item in obligations if item["role"] == "social_worker")


def recorded(app: Flask, api: ApiClient, child_id: str) -> str:
    visit_id = new_visit_id()
    body = visit_body(child_id, date=today_in_london().isoformat())
    assert api.put(f"/api/visits/{visit_id}", json=body).status_code == 201
    return visit_id


def age(app: Flask, visit_id: str, days: int) -> None:
    with app.app_context():
        db.session.execute(
            update(VisitRow).where(VisitRow.id == visit_id).values(recorded_at=utc_now() - timedelta(days=days))
        )
        db.session.commit()


def test_a_withdrawn_visit_no_longer_counts_stays_in_the_history_and_is_audited(app: Flask) -> None:
    people = setting(app)
    api = signed_in(app, people["worker"])
    before = due(api, people["child"])
    visit_id = recorded(app, api, people["child"])
    assert due(api, people["child"]) > before

    assert api.delete(f"/api/visits/{visit_id}").status_code == 204
    assert due(api, people["child"]) == before
    shown = api.get(f"/api/visits/{visit_id}")
    assert shown.status_code == 200 and shown.json["withdrawn_at"] is not None
    history = api.get(f"/api/children/{people['child']}").json["visits"]
    assert [visit["withdrawn_at"] is not None for visit in history if visit["id"] == visit_id] == [True]
    assert api.delete(f"/api/visits/{visit_id}").status_code == 204  # a replay
    assert api.get(f"/api/visits/{visit_id}").json["withdrawn_at"] == shown.json["withdrawn_at"]
    with app.app_context():
        routes = db.session.scalars(
            select(AuditEntry.route).where(AuditEntry.child_id == people["child"], AuditEntry.action == "change")
        ).all()
    assert routes.count("DELETE /api/visits/<uuid:visit_id>") == 1


def test_a_visit_the_caller_may_not_see_or_a_made_up_id_answers_404_alike(app: Flask) -> None:
    people = setting(app)
    visit_id = recorded(app, signed_in(app, people["worker"]), people["child"])
    stranger = signed_in(app, add_worker(app, "social_worker", add_team(app)))
    foreign = stranger.delete(f"/api/visits/{visit_id}")
    made_up = stranger.delete(f"/api/visits/{new_visit_id()}")
    assert foreign.status_code == made_up.status_code == 404
    assert (
        foreign.json == {**made_up.json, "detail": foreign.json["detail"]} or foreign.json.keys() == made_up.json.keys()
    )
    assert signed_in(app, people["other_manager"]).delete(f"/api/visits/{visit_id}").status_code == 404
    assert signed_in(app, people["worker"]).get(f"/api/visits/{visit_id}").json["withdrawn_at"] is None


def test_the_recorder_may_withdraw_for_seven_days_their_manager_and_an_admin_at_any_time(app: Flask) -> None:
    people = setting(app)
    api = signed_in(app, people["worker"])
    # Another worker on the same child may see the visit but not withdraw it.
    visit_id = recorded(app, api, people["child"])
    refused = signed_in(app, people["adviser"]).delete(f"/api/visits/{visit_id}")
    assert refused.status_code == 403 and "recorded" in refused.json["detail"]

    age(app, visit_id, 6)
    assert api.delete(f"/api/visits/{visit_id}").status_code == 204

    late = recorded(app, api, people["child"])
    age(app, late, 8)
    too_late = api.delete(f"/api/visits/{late}")
    assert too_late.status_code == 403 and "team manager" in too_late.json["detail"]
    assert signed_in(app, people["manager"]).delete(f"/api/visits/{late}").status_code == 204

    by_admin = recorded(app, api, people["child"])
    age(app, by_admin, 400)
    assert signed_in(app, people["admin"]).delete(f"/api/visits/{by_admin}").status_code == 204


def test_a_withdrawn_visit_replayed_by_put_answers_200_and_stays_withdrawn(app: Flask) -> None:
    people = setting(app)
    api = signed_in(app, people["worker"])
    visit_id = recorded(app, api, people["child"])
    assert api.delete(f"/api/visits/{visit_id}").status_code == 204
    again = api.put(f"/api/visits/{visit_id}", json=visit_body(people["child"], date=today_in_london().isoformat()))
    assert again.status_code == 200 and again.json["withdrawn_at"] is not None
