"""Acting in a visiting role: a worker only in a role allocated to them for the child, on every
write route that names a role (in its body, or through an episode's plan type); team managers
and admins in any role, as cover. A refusal names the role and stores nothing.

The role-bearing routes come from the OpenAPI document, so a new write route taking a role
without a row here fails the first test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask

from backend.core.vocabulary import VISIT_ROLES
from backend.extensions import db
from backend.persistence.children import Allocation, EpisodeRow, VisitRow
from tests.e2e.test_api_mass_assignment import everything_stored
from tests.support.carers import add_carer, carer_visit_body
from tests.support.plans import freeze_now, new_plan_id, plan_body
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


@dataclass(frozen=True)
class World:
    team: str
    child: str
    protection_episode: str  # visited by the social worker (rules/england.toml)
    leaving_care_episode: str  # visited by the personal adviser
    workers: dict[str, str]  # caller name -> worker id
    spare: str  # a worker of the team, free to be allocated


# The plan type of an episode visited only in that role by the default (England) rules, and
# an event type only that role's rules react to.
EPISODE_FOR_ROLE = {"social_worker": "child_protection", "personal_adviser": "care_leaver"}
EVENT_FOR_ROLE = {"social_worker": "permanence_ratified"}
# Caller -> the roles allocated to them for the child.
HOLDS = {"social_worker": {"social_worker"}, "personal_adviser": {"personal_adviser"}}


@pytest.fixture
def world(app: Flask, monkeypatch: pytest.MonkeyPatch) -> World:
    freeze_now(monkeypatch)
    team = add_team(app)
    workers = {
        "social_worker": add_worker(app, "social_worker", team),
        "personal_adviser": add_worker(app, "personal_adviser", team),
        "manager_of_the_team": add_worker(app, "team_manager", team),
        "admin": add_worker(app, "admin"),
    }
    child = add_child(
        app,
        team_id=team,
        allocations=[(workers["social_worker"], "social_worker"), (workers["personal_adviser"], "personal_adviser")],
        episodes=[
            {"type": "child_protection", "start": "2026-10-01", "end": None},
            {"type": "care_leaver", "start": "2026-10-01", "end": None},
        ],
    )
    with app.app_context():
        rows = db.session.execute(db.select(EpisodeRow.type, EpisodeRow.id).where(EpisodeRow.child_id == child))
        episodes = {plan_type: episode_id for plan_type, episode_id in rows}
    return World(
        team,
        child,
        episodes["child_protection"],
        episodes["care_leaver"],
        workers,
        add_worker(app, "social_worker", team),
    )


def episode_for(world: World, role: str) -> str:
    return {"social_worker": world.protection_episode, "personal_adviser": world.leaving_care_episode}[role]


# (OpenAPI path, method) -> a request acting for the child in ``role``, or None when the route
# cannot name that role (no plan type is visited in it alone).
ROLE_WRITES: dict[tuple[str, str], Callable[[World, str], tuple[str, Any] | None]] = {
    ("/api/visits/{visit_id}", "put"): lambda w, role: (
        f"/api/visits/{new_visit_id()}",
        visit_body(w.child, role=role),
    ),
    ("/api/household-visits/{household_visit_id}", "put"): lambda w, role: (
        f"/api/household-visits/{new_visit_id()}",
        household_visit_body([w.child], role=role),
    ),
    ("/api/plans/{plan_id}", "put"): lambda w, role: (f"/api/plans/{new_plan_id()}", plan_body(w.child, role=role)),
    ("/api/children", "post"): lambda w, role: (
        "/api/children",
        {
            "reference": f"C-ROLE-{role}",
            "visits": [{"date": "2026-11-02", "role": role}],
            "allocations": [{"worker_email": f"{w.spare}@nowhere.example", "role": role}],
        },
    ),
    ("/api/children/{child_id}/allocations", "post"): lambda w, role: (
        f"/api/children/{w.child}/allocations",
        {"worker_id": w.spare, "role": role},
    ),
    ("/api/children/{child_id}/reallocation", "post"): lambda w, role: (
        f"/api/children/{w.child}/reallocation",
        {"worker_id": w.spare, "role": role},
    ),
    ("/api/children/{child_id}/overrides", "post"): lambda w, role: (
        f"/api/children/{w.child}/overrides",
        {"role": role, "every": "5 working days", "from": "2026-11-02", "reason": "strategy meeting"},
    ),
    # No role in the body: the plan type (the event type) says whose visits it sets.
    ("/api/children/{child_id}/episodes", "post"): lambda w, role: (
        (f"/api/children/{w.child}/episodes", {"type": EPISODE_FOR_ROLE[role], "start": "2026-11-02"})
        if role in EPISODE_FOR_ROLE
        else None
    ),
    ("/api/children/{child_id}/episodes/{episode_id}", "patch"): lambda w, role: (
        (f"/api/children/{w.child}/episodes/{episode_for(w, role)}", {"end": "2026-11-20"})
        if role in EPISODE_FOR_ROLE
        else None
    ),
    ("/api/children/{child_id}/events", "post"): lambda w, role: (
        (f"/api/children/{w.child}/events", {"type": EVENT_FOR_ROLE[role], "date": "2026-11-02"})
        if role in EVENT_FOR_ROLE
        else None
    ),
}
# What the caller's account may never do whatever role it holds: 403 before any role is weighed.
MANAGERS_ONLY = {
    ("/api/children", "post"),
    ("/api/children/{child_id}/allocations", "post"),
    ("/api/children/{child_id}/overrides", "post"),
}
# What only whoever manages the child may do, and no one else learns the child exists through: 404.
MANAGERS_ONLY_UNSEEN = {("/api/children/{child_id}/reallocation", "post")}


def write_operations_naming_a_role(spec: dict[str, Any]) -> Iterator[tuple[str, str]]:
    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def names_role(schema: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
        schema = resolve(schema)
        if schema.get("type") == "array":
            return names_role(schema["items"], seen)
        properties = schema.get("properties", {})
        return "role" in properties or any(names_role(item, seen) for item in properties.values())

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if method in ("post", "put", "patch") and body is not None and names_role(body):
                yield path, method


def test_every_write_route_naming_a_role_is_tried(app: Flask, world: World) -> None:
    api = signed_in(app, world.workers["admin"])
    spec = api.get("/api/openapi.json").json
    by_type = {key for key in ROLE_WRITES if "episodes" in key[0] or "events" in key[0]}
    assert set(write_operations_naming_a_role(spec)) | by_type == set(ROLE_WRITES)


def request(api: ApiClient, method: str, path: str, body: Any) -> Any:
    return api.request(method.upper(), path, json=body)


@pytest.mark.parametrize("caller", sorted(HOLDS))
def test_a_worker_acting_in_a_role_not_allocated_to_them_is_refused_naming_role_and_nothing_is_stored(
    app: Flask, world: World, caller: str
) -> None:
    api = signed_in(app, world.workers[caller])
    tried = 0
    for role in sorted(set(VISIT_ROLES) - HOLDS[caller]):
        for (path_rule, method), build in ROLE_WRITES.items():
            built = build(world, role)
            if built is None:
                continue
            before = everything_stored(app)
            response = request(api, method, *built)
            if (path_rule, method) in MANAGERS_ONLY:
                assert response.status_code == 403, (caller, role, path_rule, response.json)
            elif (path_rule, method) in MANAGERS_ONLY_UNSEEN:
                assert response.status_code == 404, (caller, role, path_rule, response.json)
            elif response.status_code == 422:
                assert set(response.json["errors"]) == {"role"}, (caller, role, path_rule, response.json)
            else:
                assert response.status_code == 403, (caller, role, path_rule, response.json)
                assert "role" in response.json["detail"], response.json
            assert everything_stored(app) == before, (caller, role, path_rule)
            tried += 1
    # Each role not held on each route naming it; by type, the roles with a type of their own.
    assert tried == (len(VISIT_ROLES) - 1) * 7 + {"social_worker": 2, "personal_adviser": 3}[caller]


@pytest.mark.parametrize("caller", sorted(HOLDS))
def test_a_worker_acts_in_the_role_allocated_to_them(app: Flask, world: World, caller: str) -> None:
    api = signed_in(app, world.workers[caller])
    (role,) = HOLDS[caller]
    for key, build in ROLE_WRITES.items():
        built = build(world, role)
        if key not in MANAGERS_ONLY | MANAGERS_ONLY_UNSEEN and built is not None:
            response = request(api, key[1], *built)
            assert response.status_code in (200, 201), (caller, key, response.json)


@pytest.mark.parametrize("caller", ["manager_of_the_team", "admin"])
def test_a_team_manager_or_an_admin_may_act_in_any_role_as_cover_and_is_named_as_the_visitor(
    app: Flask, world: World, caller: str
) -> None:
    api = signed_in(app, world.workers[caller])
    for role in sorted(VISIT_ROLES):
        visit_id = new_visit_id()
        response = api.put(f"/api/visits/{visit_id}", json=visit_body(world.child, role=role))
        assert response.status_code == 201, response.json
        assert response.json["visitor_id"] == world.workers[caller]
        plan = api.put(f"/api/plans/{new_plan_id()}", json=plan_body(world.child, role=role))
        assert plan.status_code == 201, plan.json
    for role in EPISODE_FOR_ROLE:
        path, body = ROLE_WRITES[("/api/children/{child_id}/episodes/{episode_id}", "patch")](world, role)
        assert api.patch(path, json=body).status_code == 200
    path, body = ROLE_WRITES[("/api/children/{child_id}/events", "post")](world, "social_worker")
    assert api.post(path, json=body).status_code == 201


def test_a_type_no_rule_reacts_to_moves_no_duty_and_anyone_who_sees_the_child_records_it(
    app: Flask, world: World
) -> None:
    adviser = signed_in(app, world.workers["personal_adviser"])
    episode = adviser.post(f"/api/children/{world.child}/episodes", json={"type": "early_help", "start": "2026-11-02"})
    assert episode.status_code == 201
    event = adviser.post(f"/api/children/{world.child}/events", json={"type": "birth", "date": "2026-11-02"})
    assert event.status_code == 201


def test_a_personal_adviser_can_neither_meet_the_social_workers_visit_nor_end_the_protection_plan(
    app: Flask, world: World
) -> None:
    adviser = signed_in(app, world.workers["personal_adviser"])
    social_worker = signed_in(app, world.workers["social_worker"])
    due_before = social_worker.get(f"/api/children/{world.child}/obligations").json
    visit = adviser.put(f"/api/visits/{new_visit_id()}", json=visit_body(world.child, role="social_worker"))
    assert visit.status_code == 422
    assert visit.json["errors"] == {"role": ["You do not hold this visiting role for the child."]}
    ended = adviser.patch(
        f"/api/children/{world.child}/episodes/{world.protection_episode}", json={"end": "2026-11-20"}
    )
    assert ended.status_code == 403
    assert social_worker.get(f"/api/children/{world.child}/obligations").json == due_before
    with app.app_context():
        assert db.session.get(EpisodeRow, world.protection_episode).end is None
        assert db.session.scalar(db.select(db.func.count()).select_from(VisitRow)) == 0
    # The adviser's own contacts and the care-leaver episode are theirs.
    mine = adviser.put(f"/api/visits/{new_visit_id()}", json=visit_body(world.child, role="personal_adviser"))
    assert mine.status_code == 201
    own_episode = f"/api/children/{world.child}/episodes/{world.leaving_care_episode}"
    assert adviser.patch(own_episode, json={"end": "2026-11-20"}).status_code == 200


def test_a_manager_covers_a_child_another_team_holds_only_in_their_own_teams_roles(app: Flask, world: World) -> None:
    # The child is held by the world's team; another team's personal adviser is allocated too.
    other_team = add_team(app)
    other_manager = add_worker(app, "team_manager", other_team)
    adviser = add_worker(app, "personal_adviser", other_team)
    with app.app_context():
        db.session.execute(
            db.update(Allocation)
            .where(Allocation.child_id == world.child, Allocation.role == "personal_adviser")
            .values(worker_id=adviser)
        )
        db.session.commit()
    api = signed_in(app, other_manager)
    before = everything_stored(app)
    social_work = api.put(f"/api/visits/{new_visit_id()}", json=visit_body(world.child, role="social_worker"))
    assert social_work.status_code == 422 and set(social_work.json["errors"]) == {"role"}
    ended = api.patch(f"/api/children/{world.child}/episodes/{world.protection_episode}", json={"end": "2026-11-20"})
    assert ended.status_code == 403
    assert everything_stored(app) == before
    covered = api.put(f"/api/visits/{new_visit_id()}", json=visit_body(world.child, role="personal_adviser"))
    assert covered.status_code == 201, covered.json


def test_a_visit_to_a_carer_names_no_role_and_a_childs_supervising_role_grants_nothing_on_carers(
    app: Flask, world: World
) -> None:
    """Carer routes are outside ROLE_WRITES on purpose: a carer is visited by whoever supervises
    them (services/carer_access.py), not by a role allocated for a child. A worker allocated as
    a child's supervising social worker sees no carer they do not supervise."""
    spec = signed_in(app, world.workers["admin"]).get("/api/openapi.json").json
    assert not {path for path, _ in write_operations_naming_a_role(spec)} & {
        "/api/carers",
        "/api/carer-visits/{visit_id}",
    }
    carer = add_carer(app, supervising_worker_id=world.spare, team_id=world.team)
    with app.app_context():
        db.session.add(
            Allocation(
                child_id=world.child,
                worker_id=world.workers["social_worker"],
                role="supervising_social_worker",
                starts_on=date(2020, 1, 1),
            )
        )
        db.session.commit()
    api = signed_in(app, world.workers["social_worker"])
    before = everything_stored(app)
    response = api.put(f"/api/carer-visits/{new_visit_id()}", json=carer_visit_body(carer))
    assert response.status_code == 404
    assert everything_stored(app) == before
    supervisor = signed_in(app, world.spare)
    assert supervisor.put(f"/api/carer-visits/{new_visit_id()}", json=carer_visit_body(carer)).status_code == 201
