"""Children: adding from case JSON, reading, and changing one fact at a time."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.builders import make_case_json
from tests.support.world import add_child, add_team, add_worker, signed_in


def manager_and_worker(app: Flask) -> tuple[str, str, str]:
    team_id = add_team(app)
    return (
        team_id,
        add_worker(app, "team_manager", team_id),
        add_worker(app, "social_worker", team_id, email="sw@example.org"),
    )


def new_child(**overrides: Any) -> dict[str, Any]:
    body = make_case_json(reference="C-2001", **overrides)
    body.setdefault("allocations", [{"worker_email": "sw@example.org", "role": "social_worker"}])
    return body


def test_a_team_manager_adds_a_child_and_the_allocated_worker_sees_it(app: Flask) -> None:
    _, manager, worker = manager_and_worker(app)
    response = signed_in(app, manager).post("/api/children", json=new_child())
    assert response.status_code == 201
    child_id = response.json["id"]
    listing = signed_in(app, worker).get("/api/children").json
    assert listing == {"children": [{"id": child_id, "reference": "C-2001", "initials": "JS"}]}


def test_a_social_worker_may_not_add_children(app: Flask) -> None:
    _, _, worker = manager_and_worker(app)
    response = signed_in(app, worker).post("/api/children", json=new_child())
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_a_taken_case_reference_answers_409_and_writes_nothing(app: Flask) -> None:
    _, manager, _ = manager_and_worker(app)
    api = signed_in(app, manager)
    assert api.post("/api/children", json=new_child()).status_code == 201
    assert api.post("/api/children", json=new_child(name="Someone Else")).status_code == 409
    assert len(api.get("/api/children").json["children"]) == 1


def test_a_bad_case_names_every_bad_field(app: Flask) -> None:
    _, manager, _ = manager_and_worker(app)
    body = new_child(
        episodes=[{"type": "child_in_need", "start": "2026-02-30"}, {"type": "made_up", "start": "2026-01-05"}],
        date_of_birth=20150302,
    )
    response = signed_in(app, manager).post("/api/children", json=body)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"episodes.0.start", "episodes.1.type", "date_of_birth"}


def test_an_episode_that_ends_before_it_starts_is_refused_by_the_engine_rules(app: Flask) -> None:
    _, manager, _ = manager_and_worker(app)
    body = new_child(episodes=[{"type": "child_in_need", "start": "2026-03-01", "end": "2026-02-01"}])
    response = signed_in(app, manager).post("/api/children", json=body)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["episodes.0.end"]


def test_allocating_an_unknown_worker_is_refused_and_nothing_is_written(app: Flask) -> None:
    _, manager, _ = manager_and_worker(app)
    api = signed_in(app, manager)
    response = api.post(
        "/api/children", json=new_child(allocations=[{"worker_email": "ghost@example.org", "role": "social_worker"}])
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["allocations.0.worker_email"]
    assert api.get("/api/children").json["children"] == []


def test_the_child_record_holds_episodes_events_visits_newest_first_and_allocations(app: Flask) -> None:
    team_id, _, worker = manager_and_worker(app)
    child_id = add_child(
        app,
        allocations=[(worker, "social_worker")],
        team_id=team_id,
        name="Ann Bo Carr",
        visits=[{"date": "2026-10-01", "role": "social_worker"}, {"date": "2026-11-02", "role": "social_worker"}],
        events=[{"type": "birth", "date": "2026-01-01"}],
    )
    record = signed_in(app, worker).get(f"/api/children/{child_id}").json
    assert record["initials"] == "ABC" and record["name"] == "Ann Bo Carr"
    assert [visit["date"] for visit in record["visits"]] == ["2026-11-02", "2026-10-01"]
    assert record["episodes"][0]["type"] == "child_in_need" and record["episodes"][0]["end"] is None
    assert record["events"][0]["type"] == "birth"
    assert record["allocations"][0]["worker_id"] == worker and record["allocations"][0]["to"] is None


def test_adding_and_ending_an_episode_changes_the_obligations(app: Flask) -> None:
    team_id, _, worker = manager_and_worker(app)
    child_id = add_child(app, allocations=[(worker, "social_worker")], team_id=team_id, episodes=[])
    api = signed_in(app, worker)
    assert api.get(f"/api/children/{child_id}/obligations?as_of=2026-11-23").json == {
        "obligations": [],
        "unscheduled": [],
        "practice_checks": [],
    }
    created = api.post(f"/api/children/{child_id}/episodes", json={"type": "child_protection", "start": "2026-11-02"})
    assert created.status_code == 201
    obligations = api.get(f"/api/children/{child_id}/obligations?as_of=2026-11-23").json["obligations"]
    assert [item["rule"] for item in obligations] == ["england.child_protection"]
    ended = api.patch(f"/api/children/{child_id}/episodes/{created.json['id']}", json={"end": "2026-11-20"})
    assert ended.status_code == 200 and ended.json["end"] == "2026-11-20"
    assert api.get(f"/api/children/{child_id}/obligations?as_of=2026-11-23").json == {
        "obligations": [],
        "unscheduled": [],
        "practice_checks": [],
    }


def test_ending_an_episode_before_it_started_is_refused(app: Flask) -> None:
    team_id, _, worker = manager_and_worker(app)
    child_id = add_child(app, allocations=[(worker, "social_worker")], team_id=team_id, episodes=[])
    api = signed_in(app, worker)
    episode = api.post(f"/api/children/{child_id}/episodes", json={"type": "child_in_need", "start": "2026-11-02"}).json
    response = api.patch(f"/api/children/{child_id}/episodes/{episode['id']}", json={"end": "2026-10-01"})
    assert response.status_code == 422 and list(response.json["errors"]) == ["end"]


def test_an_event_moves_a_cared_for_child_to_the_slower_cadence(app: Flask) -> None:
    team_id, _, worker = manager_and_worker(app)
    episodes = [{"type": "cared_for", "start": "2026-10-01", "placement": "placed_with_parents"}]
    visits = [{"date": "2026-11-16", "role": "social_worker"}]
    child_id = add_child(
        app, allocations=[(worker, "social_worker")], team_id=team_id, episodes=episodes, visits=visits
    )
    api = signed_in(app, worker)
    before = api.get(f"/api/children/{child_id}/obligations?as_of=2026-11-20").json["obligations"][0]["due"]
    response = api.post(
        f"/api/children/{child_id}/events", json={"type": "first_cared_for_review", "date": "2026-11-18"}
    )
    assert response.status_code == 201
    after = api.get(f"/api/children/{child_id}/obligations?as_of=2026-11-20").json["obligations"][0]["due"]
    assert before == "2026-11-23" and after == "2026-12-14"


def test_reallocation_ends_the_current_allocation_and_keeps_the_history(app: Flask) -> None:
    team_id, manager, first = manager_and_worker(app)
    second = add_worker(app, "social_worker", team_id)
    child_id = add_child(app, allocations=[(first, "social_worker")], team_id=team_id)
    response = signed_in(app, manager).post(
        f"/api/children/{child_id}/allocations",
        json={"worker_id": second, "role": "social_worker", "from": "2026-11-20"},
    )
    assert response.status_code == 201
    assert response.json == {
        "worker_id": second,
        "worker_name": response.json["worker_name"],
        "role": "social_worker",
        "from": "2026-11-20",
        "to": None,
    }
    history = signed_in(app, manager).get(f"/api/children/{child_id}").json["allocations"]
    assert [(item["worker_id"], item["to"]) for item in history] == [(second, None), (first, "2026-11-20")]
    assert signed_in(app, first).get(f"/api/children/{child_id}").status_code == 404
    assert signed_in(app, second).get(f"/api/children/{child_id}").status_code == 200


def test_a_social_worker_may_not_reallocate_their_own_child(app: Flask) -> None:
    team_id, _, worker = manager_and_worker(app)
    child_id = add_child(app, allocations=[(worker, "social_worker")], team_id=team_id)
    response = signed_in(app, worker).post(
        f"/api/children/{child_id}/allocations", json={"worker_id": worker, "role": "personal_adviser"}
    )
    assert response.status_code == 403


def test_reallocation_needs_exactly_one_way_of_naming_the_worker(app: Flask) -> None:
    team_id, manager, worker = manager_and_worker(app)
    child_id = add_child(app, allocations=[(worker, "social_worker")], team_id=team_id)
    response = signed_in(app, manager).post(f"/api/children/{child_id}/allocations", json={"role": "social_worker"})
    assert response.status_code == 422 and "worker_id" in response.json["errors"]


def test_a_manager_corrects_a_childs_name_and_date_of_birth(app: Flask) -> None:
    team_id, manager, _ = manager_and_worker(app)
    child_id = add_child(app, team_id=team_id)
    response = signed_in(app, manager).patch(
        f"/api/children/{child_id}", json={"name": "Jo Smyth", "date_of_birth": "2015-04-02"}
    )
    assert response.status_code == 200
    assert (response.json["name"], response.json["date_of_birth"]) == ("Jo Smyth", "2015-04-02")


def test_projections_give_the_next_due_dates_if_each_visit_is_made_on_time(app: Flask) -> None:
    team_id, _, worker = manager_and_worker(app)
    child_id = add_child(
        app,
        allocations=[(worker, "social_worker")],
        team_id=team_id,
        episodes=[{"type": "child_protection", "start": "2026-11-02"}],
    )
    response = signed_in(app, worker).get(f"/api/children/{child_id}/projections?as_of=2026-11-03&count=2")
    assert response.json == {"projections": [{"role": "social_worker", "dates": ["2026-11-16", "2026-11-30"]}]}


def test_reading_a_child_is_written_to_the_audit_log_without_personal_data(app: Flask) -> None:
    from backend.extensions import db
    from backend.persistence.audit import AuditEntry

    team_id, _, worker = manager_and_worker(app)
    child_id = add_child(app, allocations=[(worker, "social_worker")], team_id=team_id)
    signed_in(app, worker).get(f"/api/children/{child_id}")
    with app.app_context():
        entries = [
            (entry.worker_id, entry.child_id, entry.action, entry.route)
            for entry in db.session.scalars(db.select(AuditEntry))
        ]
    assert entries == [(worker, child_id, "read", "GET /api/children/<child_id>")]


def test_an_admin_finds_any_child_by_reference_or_initials(app: Flask) -> None:
    team = add_team(app)
    wanted = add_child(app, reference="HX-2041", name="Ada Byron", team_id=team)
    add_child(app, reference="HX-3000", name="Cy Dee", team_id=add_team(app))
    admin = signed_in(app, add_worker(app, "admin"))
    by_reference = admin.get("/api/children?q=x-204").json["children"]
    by_initials = admin.get("/api/children?q=ab").json["children"]
    assert [child["id"] for child in by_reference] == [child["id"] for child in by_initials] == [wanted]
    assert len(admin.get("/api/children").json["children"]) == 2


def test_a_search_finds_only_children_the_caller_sees(app: Flask) -> None:
    team = add_team(app)
    add_child(app, reference="HX-2041", name="Ada Byron", team_id=add_team(app))
    manager = signed_in(app, add_worker(app, "team_manager", team))
    assert manager.get("/api/children?q=HX").json == {"children": []}
    assert manager.get("/api/children?q=").status_code == 422
