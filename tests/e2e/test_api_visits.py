"""PUT /api/visits/<uuid>: create, identical replay, conflict, foreign child, bad dates, races."""

from __future__ import annotations

import threading
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from backend.extensions import db
from backend.persistence.children import VisitRow
from backend.services.clock import today_in_london
from tests.support.world import add_child, add_team, add_worker, new_visit_id, signed_in, visit_body


def worker_with_child(app: Flask) -> tuple[str, str]:
    team_id = add_team(app)
    worker = add_worker(app, "social_worker", team_id)
    return worker, add_child(app, allocations=[(worker, "social_worker")], team_id=team_id)


def stored_visits(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(VisitRow))


def test_a_new_visit_is_created_with_the_signed_in_worker_as_visitor(app: Flask) -> None:
    worker, child_id = worker_with_child(app)
    visit_id = new_visit_id()
    response = signed_in(app, worker).put(f"/api/visits/{visit_id}", json=visit_body(child_id))
    assert response.status_code == 201
    assert response.json["id"] == visit_id and response.json["visitor_id"] == worker
    assert {key: response.json[key] for key in ("child_id", "date", "role", "child_seen", "seen_alone")} == visit_body(
        child_id
    )
    assert response.json["recorded_at"].endswith("+00:00")


def test_replayed_visit_is_stored_once_and_answers_200(app: Flask) -> None:
    worker, child_id = worker_with_child(app)
    api, visit_id = signed_in(app, worker), new_visit_id()
    first = api.put(f"/api/visits/{visit_id}", json=visit_body(child_id))
    again = api.put(f"/api/visits/{visit_id}", json=visit_body(child_id))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert stored_visits(app) == 1


def test_the_same_id_with_a_different_body_is_a_conflict_and_changes_nothing(app: Flask) -> None:
    worker, child_id = worker_with_child(app)
    api, visit_id = signed_in(app, worker), new_visit_id()
    api.put(f"/api/visits/{visit_id}", json=visit_body(child_id))
    response = api.put(f"/api/visits/{visit_id}", json=visit_body(child_id, seen_alone=True))
    assert response.status_code == 409
    assert api.get(f"/api/visits/{visit_id}").json["seen_alone"] is False


def test_a_visit_to_a_child_the_worker_cannot_see_answers_404_like_a_missing_child(app: Flask) -> None:
    worker, _ = worker_with_child(app)
    _, other_child = worker_with_child(app)
    api = signed_in(app, worker)
    foreign = api.put(f"/api/visits/{new_visit_id()}", json=visit_body(other_child))
    missing = api.put(f"/api/visits/{new_visit_id()}", json=visit_body("0" * 32))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json == missing.json
    assert stored_visits(app) == 0


def test_an_impossible_date_answers_422_naming_the_field(app: Flask) -> None:
    worker, child_id = worker_with_child(app)
    response = signed_in(app, worker).put(f"/api/visits/{new_visit_id()}", json=visit_body(child_id, date="2026-02-30"))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["date"]


def test_a_visit_tomorrow_in_london_is_in_the_future(app: Flask) -> None:
    worker, child_id = worker_with_child(app)
    api = signed_in(app, worker)
    tomorrow = (today_in_london() + timedelta(days=1)).isoformat()
    response = api.put(f"/api/visits/{new_visit_id()}", json=visit_body(child_id, date=tomorrow))
    assert response.status_code == 422 and list(response.json["errors"]) == ["date"]
    today = today_in_london().isoformat()
    assert api.put(f"/api/visits/{new_visit_id()}", json=visit_body(child_id, date=today)).status_code == 201


def test_wrong_types_and_unknown_roles_are_422_not_500(app: Flask) -> None:
    worker, child_id = worker_with_child(app)
    api = signed_in(app, worker)
    body = visit_body(child_id, child_seen="yes", seen_alone=1, role="sorcerer")
    response = api.put(f"/api/visits/{new_visit_id()}", json=body)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"child_seen", "seen_alone", "role"}
    assert api.put("/api/visits/not-a-uuid", json=visit_body(child_id)).status_code == 404


def test_a_visit_moves_the_childs_next_due_date(app: Flask) -> None:
    worker, child_id = worker_with_child(app)
    api = signed_in(app, worker)
    api.put(f"/api/visits/{new_visit_id()}", json=visit_body(child_id, date="2026-11-20"))
    obligation = api.get(f"/api/children/{child_id}/obligations?as_of=2026-11-23").json["obligations"][0]
    assert obligation["last_visit"] == "2026-11-20"


def test_two_phones_racing_with_one_visit_id_store_it_once(app: Flask) -> None:
    worker, child_id = worker_with_child(app)
    visit_id = new_visit_id()
    clients = [signed_in(app, worker) for _ in range(4)]
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def send(api) -> None:  # noqa: ANN001
        start.wait()
        statuses.append(api.put(f"/api/visits/{visit_id}", json=visit_body(child_id)).status_code)

    threads = [threading.Thread(target=send, args=(api,)) for api in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert stored_visits(app) == 1
