"""Every route x every role against a child (and team, visit, episode) the caller may not see.

The routes come from the app's url_map, so a new route without a case here fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from backend.extensions import db
from backend.persistence.children import EpisodeRow, VisitRow
from tests.support.world import add_child, add_team, add_worker, new_visit_id, signed_in, visit_body

MADE_UP_ID = "f" * 32


@dataclass
class World:
    own_team: str
    foreign_team: str
    foreign_child: str
    foreign_episode: str
    foreign_visit: str
    own_worker: str
    callers: dict[str, str]


def build_world(app: Flask) -> World:
    own_team, foreign_team = add_team(app, "Own"), add_team(app, "Foreign")
    callers = {
        "social_worker": add_worker(app, "social_worker", own_team),
        "personal_adviser": add_worker(app, "personal_adviser", own_team),
        "team_manager": add_worker(app, "team_manager", own_team),
    }
    foreign_worker = add_worker(app, "social_worker", foreign_team)
    child = add_child(
        app,
        team_id=foreign_team,
        allocations=[(foreign_worker, "social_worker"), (foreign_worker, "personal_adviser")],
        visits=[{"date": "2026-11-02", "role": "social_worker"}],
    )
    with app.app_context():
        episode = db.session.scalar(db.select(EpisodeRow.id).where(EpisodeRow.child_id == child))
        visit = db.session.scalar(db.select(VisitRow.id).where(VisitRow.child_id == child))
    # The caller's own child, so that "not found" is not merely "has nothing at all".
    add_child(
        app,
        team_id=own_team,
        allocations=[(callers["social_worker"], "social_worker"), (callers["personal_adviser"], "personal_adviser")],
    )
    return World(own_team, foreign_team, child, episode, visit, callers["social_worker"], callers)


# (rule, method) -> (path, json body) aimed at the foreign child's data, and the same aimed at a made-up id.
def foreign_requests(world: World) -> dict[tuple[str, str], list[tuple[str, Any]]]:
    child, fake = world.foreign_child, MADE_UP_ID
    return {
        ("/api/children/<child_id>", "GET"): [(f"/api/children/{child}", None)],
        ("/api/children/<child_id>", "PATCH"): [(f"/api/children/{child}", {"name": "Changed"})],
        ("/api/children/<child_id>/obligations", "GET"): [(f"/api/children/{child}/obligations", None)],
        ("/api/children/<child_id>/projections", "GET"): [(f"/api/children/{child}/projections", None)],
        ("/api/children/<child_id>/episodes", "POST"): [
            (f"/api/children/{child}/episodes", {"type": "child_in_need", "start": "2026-11-02"})
        ],
        ("/api/children/<child_id>/episodes/<episode_id>", "PATCH"): [
            (f"/api/children/{child}/episodes/{world.foreign_episode}", {"end": "2026-11-20"}),
            (f"/api/children/{fake}/episodes/{world.foreign_episode}", {"end": "2026-11-20"}),
        ],
        ("/api/children/<child_id>/events", "POST"): [
            (f"/api/children/{child}/events", {"type": "birth", "date": "2026-11-02"})
        ],
        ("/api/children/<child_id>/allocations", "POST"): [
            (f"/api/children/{child}/allocations", {"worker_id": world.own_worker, "role": "social_worker"})
        ],
        ("/api/visits/<uuid:visit_id>", "PUT"): [
            (f"/api/visits/{new_visit_id()}", visit_body(child)),
            (f"/api/visits/{world.foreign_visit}", visit_body(child, date="2026-11-02")),
        ],
        ("/api/visits/<uuid:visit_id>", "GET"): [(f"/api/visits/{world.foreign_visit}", None)],
        ("/api/teams/<team_id>/overview", "GET"): [(f"/api/teams/{world.foreign_team}/overview", None)],
    }


def made_up_twin(path: str, world: World) -> str:
    for real in (world.foreign_child, world.foreign_team, world.foreign_episode):
        path = path.replace(real, MADE_UP_ID)
    return path.replace(world.foreign_visit, "00000000-0000-4000-8000-000000000000")


# Routes with no child, visit, episode or team in the path: checked by the listing tests below
# (or holding no child data at all).
NOT_ADDRESSING_A_CHILD = {
    ("/api/session", "GET"),
    ("/api/session", "POST"),
    ("/api/session", "DELETE"),
    ("/api/health", "GET"),
    ("/api/openapi.json", "GET"),
    ("/api/children", "GET"),
    ("/api/children", "POST"),
    ("/api/caseload", "GET"),
    # Push: only the caller's own devices and settings, no child in the path (tests/e2e/test_push_api.py).
    ("/api/push/public-key", "GET"),
    ("/api/push/subscriptions", "POST"),
    ("/api/push/subscriptions", "DELETE"),
    ("/api/push/test", "POST"),
    ("/api/push/preferences", "GET"),
    ("/api/push/preferences", "PUT"),
    # The caller's own feed link and settings; what a feed shows: tests/e2e/test_feeds_http.py.
    ("/api/feeds/token", "POST"),
    ("/api/feeds/token", "DELETE"),
    ("/api/feeds/settings", "GET"),
    ("/api/feeds/settings", "PATCH"),
}


def api_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_is_covered_by_the_access_matrix(app: Flask) -> None:
    world = build_world(app)
    covered = set(foreign_requests(world)) | NOT_ADDRESSING_A_CHILD
    assert api_routes(app) - covered == set(), "add the new route to the access matrix"


@pytest.mark.parametrize("role", ["social_worker", "personal_adviser", "team_manager"])
def test_no_role_reaches_a_foreign_childs_data_and_the_answer_is_that_of_a_made_up_id(app: Flask, role: str) -> None:
    world = build_world(app)
    api = signed_in(app, world.callers[role])
    for (rule, method), attempts in foreign_requests(world).items():
        for path, body in attempts:
            response = api.request(method, path, json=body)
            twin = api.request(method, made_up_twin(path, world), json=body)
            assert response.status_code == 404, (role, method, rule, response.json)
            assert response.json == twin.json, (role, method, rule)
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count()).select_from(EpisodeRow).where(EpisodeRow.child_id == world.foreign_child)
            )
            == 1
        )


@pytest.mark.parametrize("role", ["social_worker", "personal_adviser", "team_manager"])
def test_listings_leave_out_foreign_children(app: Flask, role: str) -> None:
    world = build_world(app)
    api = signed_in(app, world.callers[role])
    listed = {child["id"] for child in api.get("/api/children").json["children"]}
    in_caseload = {row["child_id"] for row in api.get("/api/caseload").json["obligations"]}
    assert world.foreign_child not in listed | in_caseload
    assert listed  # the caller does see their own child


def test_an_admin_reaches_every_child_and_team(app: Flask) -> None:
    world = build_world(app)
    admin = signed_in(app, add_worker(app, "admin"))
    for (rule, method), attempts in foreign_requests(world).items():
        if method == "GET":
            for path, _ in attempts:
                assert admin.get(path).status_code == 200, rule


def test_a_team_manager_sees_children_allocated_to_their_team_and_unallocated_ones_the_team_holds(app: Flask) -> None:
    team = add_team(app)
    manager, worker = add_worker(app, "team_manager", team), add_worker(app, "social_worker", team)
    allocated = add_child(app, allocations=[(worker, "social_worker")])
    held = add_child(app, team_id=team)
    add_child(app)
    listed = {child["id"] for child in signed_in(app, manager).get("/api/children").json["children"]}
    assert listed == {allocated, held}
