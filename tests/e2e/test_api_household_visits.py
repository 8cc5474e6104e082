"""PUT /api/household-visits/<uuid>: one visit per child in one transaction; mixed outcomes,
replays, conflicts, a child the caller may not see, bad input and races."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from backend.extensions import db
from backend.persistence.children import VisitRow
from backend.persistence.household_visits import HouseholdVisitRow
from backend.services.household_visits import child_visit_id
from tests.support.world import add_child, add_team, add_worker, new_visit_id, signed_in


def siblings(app: Flask, count: int = 2) -> tuple[str, list[str]]:
    team_id = add_team(app)
    worker = add_worker(app, "social_worker", team_id)
    children = [
        add_child(
            app,
            allocations=[(worker, "social_worker")],
            team_id=team_id,
            household="F-1021",
            episodes=[{"type": "child_protection", "start": "2026-10-01"}],
        )
        for _ in range(count)
    ]
    return worker, children


def household_body(listed: list[str], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "date": "2026-11-20",
        "role": "social_worker",
        "kind": "home_visit",
        "children": [
            {"child_id": child, "child_seen": True, "seen_alone": True, "bedroom_seen": False} for child in listed
        ],
    }
    body.update(overrides)
    return body


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_one_household_visit_records_an_ordinary_visit_per_child_under_derived_ids(app: Flask) -> None:
    worker, children = siblings(app)
    api, visit_id = signed_in(app, worker), new_visit_id()
    response = api.put(f"/api/household-visits/{visit_id}", json=household_body(children))
    assert response.status_code == 201
    assert response.json["id"] == visit_id
    assert [visit["child_id"] for visit in response.json["visits"]] == children
    for child in children:
        visit = api.get(f"/api/visits/{child_visit_id(visit_id, child)}").json
        assert (visit["child_id"], visit["seen_alone"], visit["bedroom_seen"], visit["visitor_id"]) == (
            child,
            True,
            False,
            worker,
        )


def test_only_the_sibling_seen_has_their_due_date_met(app: Flask) -> None:
    worker, (seen, unseen) = siblings(app)
    api = signed_in(app, worker)
    body = household_body([seen, unseen])
    body["children"][1].update(child_seen=False, seen_alone=False)
    assert api.put(f"/api/household-visits/{new_visit_id()}", json=body).status_code == 201
    met = api.get(f"/api/children/{seen}/obligations?as_of=2026-11-23").json["obligations"][0]
    unmet = api.get(f"/api/children/{unseen}/obligations?as_of=2026-11-23").json["obligations"][0]
    assert met["last_visit"] == "2026-11-20"
    assert unmet["last_visit"] is None and unmet["due"] < met["due"]


def test_a_replay_answers_200_and_stores_nothing_more(app: Flask) -> None:
    worker, children = siblings(app, 3)
    api, visit_id = signed_in(app, worker), new_visit_id()
    first = api.put(f"/api/household-visits/{visit_id}", json=household_body(children))
    again = api.put(f"/api/household-visits/{visit_id}", json=household_body(children))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert (count(app, VisitRow), count(app, HouseholdVisitRow)) == (3, 1)


def test_a_different_body_under_the_same_id_is_a_conflict_and_changes_nothing(app: Flask) -> None:
    worker, children = siblings(app, 3)
    api, visit_id = signed_in(app, worker), new_visit_id()
    api.put(f"/api/household-visits/{visit_id}", json=household_body(children[:2]))
    fewer = api.put(f"/api/household-visits/{visit_id}", json=household_body(children[:1]))
    more = api.put(f"/api/household-visits/{visit_id}", json=household_body(children))
    changed = household_body(children[:2])
    changed["children"][0]["seen_alone"] = False
    assert [
        fewer.status_code,
        more.status_code,
        api.put(f"/api/household-visits/{visit_id}", json=changed).status_code,
    ] == [409, 409, 409]
    assert count(app, VisitRow) == 2


def test_another_workers_replay_is_a_conflict(app: Flask) -> None:
    worker, children = siblings(app)
    visit_id = new_visit_id()
    signed_in(app, worker).put(f"/api/household-visits/{visit_id}", json=household_body(children))
    manager = add_worker(app, "admin", None)
    assert (
        signed_in(app, manager).put(f"/api/household-visits/{visit_id}", json=household_body(children)).status_code
        == 409
    )


def test_a_child_the_caller_cannot_see_makes_the_whole_request_404_and_stores_nothing(app: Flask) -> None:
    worker, children = siblings(app)
    other_team = add_team(app)
    stranger = add_child(app, team_id=other_team, household="F-1021")
    response = signed_in(app, worker).put(
        f"/api/household-visits/{new_visit_id()}", json=household_body([*children, stranger])
    )
    made_up = signed_in(app, worker).put(
        f"/api/household-visits/{new_visit_id()}", json=household_body([*children, "no-such-child"])
    )
    assert (response.status_code, made_up.status_code) == (404, 404)
    assert response.json["title"] == made_up.json["title"]
    assert (count(app, VisitRow), count(app, HouseholdVisitRow)) == (0, 0)


def test_bad_input_answers_422_naming_the_field(app: Flask) -> None:
    worker, children = siblings(app)
    api = signed_in(app, worker)
    cases = {
        "children": household_body(children, children=[]),
        "children.0.child_seen": household_body(children[:1], children=[{"child_id": children[0], "seen_alone": True}]),
        "children.1.child_id": household_body([children[0], children[0]]),
        "date": household_body(children, date="2999-01-01"),
        "role": household_body(children, role="personal_adviser"),
        "kind": household_body(children, kind="carrier_pigeon"),
    }
    for field, body in cases.items():
        response = api.put(f"/api/household-visits/{new_visit_id()}", json=body)
        assert response.status_code == 422, (field, response.json)
        assert field in str(response.json), (field, response.json)
    assert count(app, VisitRow) == 0


def test_two_identical_requests_racing_store_one_set_of_visits(app: Flask) -> None:
    worker, children = siblings(app, 3)
    visit_id = new_visit_id()
    clients = [signed_in(app, worker) for _ in range(4)]
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def send(api) -> None:  # noqa: ANN001
        start.wait()
        statuses.append(api.put(f"/api/household-visits/{visit_id}", json=household_body(children)).status_code)

    threads = [threading.Thread(target=send, args=(api,)) for api in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert (count(app, VisitRow), count(app, HouseholdVisitRow)) == (3, 1)


def test_a_visit_already_stored_under_a_derived_id_makes_the_household_visit_a_conflict_not_a_500(
    app: Flask,
) -> None:
    worker, children = siblings(app)
    api, visit_id = signed_in(app, worker), new_visit_id()
    single = {"child_id": children[1], "date": "2026-11-20", "role": "social_worker", "child_seen": True}
    assert (
        api.put(f"/api/visits/{child_visit_id(visit_id, children[1])}", json={**single, "seen_alone": True}).status_code
        == 201
    )
    response = api.put(f"/api/household-visits/{visit_id}", json=household_body(children))
    assert response.status_code == 409
    assert (count(app, VisitRow), count(app, HouseholdVisitRow)) == (1, 0)
