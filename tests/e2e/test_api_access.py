"""Every route x every role x an object the caller may see, a foreign one and a made-up one.

The routes come from the app's url_map, so a new route without a row here fails the test.
A foreign object must answer exactly as a made-up id does (same status, same body), so ids
reveal nothing about children the caller may not see.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask

from backend.extensions import db
from backend.persistence.carers import CarerRow, CarerVisitRow
from backend.persistence.children import Child, EpisodeRow, OverrideRow, VisitRow
from backend.persistence.supervision import CoverRow
from tests.support.carers import add_carer, carer_visit_body
from tests.support.plans import add_plan, plan_body
from tests.support.routes import every_route
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

MADE_UP_ID = "f" * 32
MADE_UP_VISIT = "00000000-0000-4000-8000-000000000000"
MADE_UP_PLAN = "00000000-0000-4000-8000-000000000001"


@dataclass(frozen=True)
class Target:
    """One child's objects, as a request addresses them."""

    child: str
    episode: str
    visit: str
    team: str
    spare_worker: str  # a worker of the child's team, free to be allocated to it
    plan: str  # the social worker's plan, to move, cancel or read
    plan_to_complete: str  # another of theirs, to record the visit from
    override: str  # a more frequent cadence its team manager agreed
    worker: str  # the child's social worker, whose caseload their manager reads
    mover: str  # another worker of the child's team, to move the child to
    cover: str  # the spare worker's cover for the social worker, which their manager ends
    carer: str = ""  # a carer the team's social worker supervises
    carer_visit: str = ""  # a visit to that carer


@dataclass
class World:
    team_a: Target
    team_b: Target
    callers: dict[str, str]


ROLES = (
    "social_worker",
    "personal_adviser",
    "manager_of_the_team",
    "manager_of_another_team",
    "admin",
    "signed_out",
    "disabled",
)
MANAGERS = ("manager_of_the_team", "manager_of_another_team", "admin")
NO_SESSION = ("signed_out", "disabled")
WITH_FOREIGN_CHILDREN = ("social_worker", "personal_adviser", "manager_of_the_team", "manager_of_another_team")


def add_target(app: Flask, team: str, social_worker: str, adviser: str) -> Target:
    child = add_child(
        app,
        team_id=team,
        allocations=[(social_worker, "social_worker"), (adviser, "personal_adviser")],
        visits=[{"date": "2026-11-02", "role": "social_worker"}],
        overrides=[{"role": "social_worker", "every": "2 weeks", "from": "2026-11-02", "reason": "risk plan"}],
    )
    with app.app_context():
        episode = db.session.scalar(db.select(EpisodeRow.id).where(EpisodeRow.child_id == child))
        visit = db.session.scalar(db.select(VisitRow.id).where(VisitRow.child_id == child))
        override = db.session.scalar(db.select(OverrideRow.id).where(OverrideRow.child_id == child))
    plans = [add_plan(app, child, social_worker) for _ in range(2)]
    carer = add_carer(app, supervising_worker_id=social_worker, team_id=team, visits=(("2026-11-02", False),))
    with app.app_context():
        carer_visit = db.session.scalar(db.select(CarerVisitRow.id).where(CarerVisitRow.carer_id == carer))
    spare, mover = add_worker(app, "social_worker", team), add_worker(app, "social_worker", team)
    with app.app_context():
        cover = CoverRow(
            absent_id=social_worker,
            covering_id=spare,
            starts_on=date(2027, 1, 4),
            until=date(2027, 1, 8),
            granted_by=social_worker,
        )
        db.session.add(cover)
        db.session.commit()
        cover_id = cover.id
    return Target(
        child, episode, visit, team, spare, *plans, override, social_worker, mover, cover_id, carer, carer_visit
    )


def build_world(app: Flask) -> World:
    team_a, team_b = add_team(app, "A"), add_team(app, "B")
    callers = {
        "social_worker": add_worker(app, "social_worker", team_a),
        "personal_adviser": add_worker(app, "personal_adviser", team_a),
        "manager_of_the_team": add_worker(app, "team_manager", team_a),
        "manager_of_another_team": add_worker(app, "team_manager", team_b),
        "admin": add_worker(app, "admin"),
        "disabled": add_worker(app, "social_worker", team_a, active=False),
    }
    target_a = add_target(app, team_a, callers["social_worker"], callers["personal_adviser"])
    target_b = add_target(
        app, team_b, add_worker(app, "social_worker", team_b), add_worker(app, "personal_adviser", team_b)
    )
    return World(target_a, target_b, callers)


def own_and_foreign(world: World, role: str) -> tuple[Target, Target | None]:
    """The target the role may see, and one it may not (admins see everything)."""
    if role == "manager_of_another_team":
        return world.team_b, world.team_a
    if role == "admin":
        return world.team_a, None
    return world.team_a, world.team_b


def made_up(target: Target) -> Target:
    return Target(
        MADE_UP_ID,
        MADE_UP_ID,
        MADE_UP_VISIT,
        MADE_UP_ID,
        target.spare_worker,
        MADE_UP_PLAN,
        MADE_UP_PLAN,
        MADE_UP_ID,
        MADE_UP_ID,
        target.mover,
        MADE_UP_ID,
        MADE_UP_ID,
        MADE_UP_VISIT,
    )


# (rule, method) -> the request (path, json) aimed at a target. Ordered: writes that change who
# sees what (reallocation) come last.
ADDRESSING: dict[tuple[str, str], Callable[[Target], tuple[str, Any]]] = {
    ("/api/children/<child_id>", "GET"): lambda t: (f"/api/children/{t.child}", None),
    ("/api/children/<child_id>/obligations", "GET"): lambda t: (f"/api/children/{t.child}/obligations", None),
    ("/api/children/<child_id>/projections", "GET"): lambda t: (f"/api/children/{t.child}/projections", None),
    ("/api/children/<child_id>/deadlines", "GET"): lambda t: (f"/api/children/{t.child}/deadlines", None),
    ("/api/visits/<uuid:visit_id>", "GET"): lambda t: (f"/api/visits/{t.visit}", None),
    ("/api/teams/<team_id>/overview", "GET"): lambda t: (f"/api/teams/{t.team}/overview", None),
    ("/api/teams/<team_id>/overview.csv", "GET"): lambda t: (f"/api/teams/{t.team}/overview.csv", None),
    ("/api/workers/<worker_id>/caseload", "GET"): lambda t: (f"/api/workers/{t.worker}/caseload", None),
    ("/api/workers/<worker_id>/cover", "GET"): lambda t: (f"/api/workers/{t.worker}/cover", None),
    ("/api/workers/<worker_id>/cover", "POST"): lambda t: (
        f"/api/workers/{t.worker}/cover",
        {"worker_id": t.mover, "from": "2027-02-01", "until": "2027-02-05"},
    ),
    ("/api/workers/<worker_id>/cover/<cover_id>", "DELETE"): lambda t: (
        f"/api/workers/{t.worker}/cover/{t.cover}",
        None,
    ),
    ("/api/children/<child_id>", "PATCH"): lambda t: (f"/api/children/{t.child}", {"name": "Changed Name"}),
    ("/api/children/<child_id>/episodes", "POST"): lambda t: (
        f"/api/children/{t.child}/episodes",
        {"type": "child_in_need", "start": "2026-11-02"},
    ),
    ("/api/children/<child_id>/episodes/<episode_id>", "PATCH"): lambda t: (
        f"/api/children/{t.child}/episodes/{t.episode}",
        {"end": "2026-11-20"},
    ),
    ("/api/children/<child_id>/events", "POST"): lambda t: (
        f"/api/children/{t.child}/events",
        {"type": "birth", "date": "2026-11-02", "time": "09:30"},
    ),
    ("/api/children/<child_id>/overrides", "POST"): lambda t: (
        f"/api/children/{t.child}/overrides",
        {"role": "social_worker", "every": "5 working days", "from": "2026-11-02", "reason": "strategy meeting"},
    ),
    ("/api/children/<child_id>/overrides/<override_id>", "PATCH"): lambda t: (
        f"/api/children/{t.child}/overrides/{t.override}",
        {"until": "2026-11-30"},
    ),
    ("/api/visits/<uuid:visit_id>", "PUT"): lambda t: (f"/api/visits/{new_visit_id()}", visit_body(t.child)),
    ("/api/household-visits/<uuid:household_visit_id>", "PUT"): lambda t: (
        f"/api/household-visits/{new_visit_id()}",
        household_visit_body([t.child]),
    ),
    # Before the withdrawal below: a withdrawn visit has nothing to write up.
    ("/api/visits/<uuid:visit_id>/written-up", "PUT"): lambda t: (
        f"/api/visits/{t.visit}/written-up",
        {"written_up": "2026-11-03"},
    ),
    # The target's visit was imported (no recorder): only its team's manager or an admin withdraws it.
    ("/api/visits/<uuid:visit_id>", "DELETE"): lambda t: (f"/api/visits/{t.visit}", None),
    ("/api/plans", "GET"): lambda t: (f"/api/plans?child_id={t.child}", None),
    ("/api/plans/<uuid:plan_id>", "GET"): lambda t: (f"/api/plans/{t.plan}", None),
    ("/api/plans/<uuid:plan_id>", "PUT"): lambda t: (f"/api/plans/{new_visit_id()}", plan_body(t.child)),
    ("/api/plans/<uuid:plan_id>/complete", "POST"): lambda t: (
        f"/api/plans/{t.plan_to_complete}/complete",
        {"date": "2026-11-20"},
    ),
    ("/api/plans/<uuid:plan_id>", "DELETE"): lambda t: (f"/api/plans/{t.plan}", None),
    ("/api/carers/<carer_id>", "GET"): lambda t: (f"/api/carers/{t.carer}", None),
    ("/api/carers/<carer_id>", "PATCH"): lambda t: (f"/api/carers/{t.carer}", {"name": "Changed Carer"}),
    ("/api/carer-visits/<uuid:visit_id>", "GET"): lambda t: (f"/api/carer-visits/{t.carer_visit}", None),
    ("/api/carer-visits/<uuid:visit_id>", "PUT"): lambda t: (
        f"/api/carer-visits/{new_visit_id()}",
        carer_visit_body(t.carer),
    ),
    ("/api/children/<child_id>/reallocation", "POST"): lambda t: (
        f"/api/children/{t.child}/reallocation",
        {"worker_id": t.mover, "role": "social_worker"},
    ),
    ("/api/children/<child_id>/allocations", "POST"): lambda t: (
        f"/api/children/{t.child}/allocations",
        {"worker_id": t.spare_worker, "role": "social_worker"},
    ),
}


SOCIAL_WORKERS_ONLY = {
    ("/api/visits/<uuid:visit_id>", "PUT"),
    ("/api/household-visits/<uuid:household_visit_id>", "PUT"),
    ("/api/children/<child_id>/episodes", "POST"),
    ("/api/children/<child_id>/episodes/<episode_id>", "PATCH"),
}


def expected_for_own(rule: str, method: str, role: str) -> int:
    """The status a role gets on an object it may see."""
    manager_only = {
        ("/api/children/<child_id>", "PATCH"),
        ("/api/children/<child_id>/allocations", "POST"),
        # Overrides: the team manager of the child's team (each manager's own target is their team's).
        ("/api/children/<child_id>/overrides", "POST"),
        ("/api/children/<child_id>/overrides/<override_id>", "PATCH"),
    }
    if rule.startswith(("/api/carers/", "/api/carer-visits/")):
        return expected_for_carer(method, role)
    if (rule, method) in manager_only:
        return {"PATCH": 200, "POST": 201}[method] if role in MANAGERS else 403
    if rule in ("/api/teams/<team_id>/overview", "/api/teams/<team_id>/overview.csv"):
        return 200 if role in MANAGERS else 404
    if (rule, method) == ("/api/visits/<uuid:visit_id>/written-up", "PUT"):
        # The imported visit has no recorder: whoever may act for the child in its role marks it.
        return 403 if role == "personal_adviser" else 200
    if rule.startswith("/api/workers/<worker_id>/cover"):
        # Cover for the child's social worker: granted, listed and ended by their manager or an admin.
        return {"GET": 200, "POST": 201, "DELETE": 204}[method] if role in MANAGERS else 404
    if rule == "/api/workers/<worker_id>/caseload":
        # The child's social worker: their manager and admins read it; they themselves use /api/caseload.
        return 200 if role in MANAGERS else 404
    if rule == "/api/children/<child_id>/reallocation":
        # Only whoever manages the child learns it exists through this route.
        return 201 if role in MANAGERS else 404
    if (rule, method) == ("/api/visits/<uuid:visit_id>", "DELETE"):
        return 204 if role in MANAGERS else 403
    if rule.startswith("/api/plans/") and method in ("DELETE", "POST"):
        # Only the worker who made a plan may cancel it or record its visit.
        return {"DELETE": 204, "POST": 201}[method] if role == "social_worker" else 403
    if role == "personal_adviser" and (rule, method) in SOCIAL_WORKERS_ONLY:
        # The request acts in the social worker's role (a visit as one, a child-in-need episode,
        # which only social workers visit): a worker acts only in roles allocated to them.
        return 422 if method == "PUT" else 403
    if rule.startswith("/api/plans/") and method == "PUT":
        # A plan is for a role the planner holds; managers and admins must name one (422 "role").
        return 422 if role in MANAGERS else 201
    return {"GET": 200, "PATCH": 200, "POST": 201, "PUT": 201, "DELETE": 204}[method]


def expected_for_carer(method: str, role: str) -> int:
    """The carer is supervised by the team's social worker: the personal adviser, a child's
    worker in the same team who does not supervise them, sees nothing of them; only managers
    and admins change a carer's record; the supervisor and their managers record visits."""
    if role == "personal_adviser":
        return 404
    if method == "PATCH":
        return 200 if role in MANAGERS else 403
    return {"GET": 200, "PUT": 201}[method]


# Routes that address no child, visit, episode or team: (rule, method) -> (request, status by role).
def unaddressed_requests(world: World) -> dict[tuple[str, str], tuple[tuple[str, Any], Callable[[str], int]]]:
    new_child = {"reference": "C-NEW-1", "name": "New Child", "episodes": []}
    device = push_subscription(f"https://push.example.org/send/{new_visit_id()}")
    return {
        ("/api/health", "GET"): (("/api/health", None), lambda role: 200),
        ("/api/openapi.json", "GET"): (("/api/openapi.json", None), lambda role: 200),
        ("/api/session", "GET"): (("/api/session", None), lambda role: 401 if role in NO_SESSION else 200),
        ("/api/session", "POST"): (
            ("/api/session", {"email": "nobody@example.org", "password": "wrong"}),
            lambda role: 401,
        ),
        # One's own password only: a wrong current password is refused, whoever asks (test_api_password.py).
        ("/api/session/password", "POST"): (
            ("/api/session/password", {"current_password": "not it at all", "new_password": "a brand new passphrase"}),
            signed_in_gets(422),
        ),
        ("/api/children", "GET"): (("/api/children", None), lambda role: 401 if role in NO_SESSION else 200),
        ("/api/caseload", "GET"): (("/api/caseload", None), lambda role: 401 if role in NO_SESSION else 200),
        ("/api/carers", "GET"): (("/api/carers", None), signed_in_gets(200)),
        ("/api/carers", "POST"): (
            (
                "/api/carers",
                {"reference": f"FC-NEW-{new_visit_id()[:8]}", "type": "connected_person", "approved": "2026-11-02"},
            ),
            lambda role: 401 if role in NO_SESSION else 201 if role in MANAGERS else 403,
        ),
        # Only the teams the caller oversees are listed (none for a worker): tests/e2e/test_api_overview.py.
        ("/api/teams", "GET"): (("/api/teams", None), signed_in_gets(200)),
        ("/api/children", "POST"): (
            ("/api/children", new_child),
            lambda role: 401 if role in NO_SESSION else 201 if role in MANAGERS else 403,
        ),
        # The organisation's sign-in: off in this app (tests/e2e/test_organisation_sign_in.py has it on).
        ("/api/session/providers", "GET"): (("/api/session/providers", None), lambda role: 200),
        ("/api/session/organisation", "GET"): (("/api/session/organisation", None), lambda role: 404),
        ("/api/session/organisation/callback", "GET"): (
            ("/api/session/organisation/callback?code=c&state=s", None),
            lambda role: 404,
        ),
        # SCIM answers its bearer token only: no session, an admin's included, opens it (tests/e2e/test_scim.py).
        ("/scim/v2/Users", "GET"): (("/scim/v2/Users", None), lambda role: 401),
        ("/scim/v2/Users", "POST"): (("/scim/v2/Users", {"userName": "x@example.org"}), lambda role: 401),
        **{
            ("/scim/v2/Users/<worker_id>", method): (
                (f"/scim/v2/Users/{world.callers['social_worker']}", {"active": False}),
                lambda role: 401,
            )
            for method in ("GET", "PUT", "PATCH", "DELETE")
        },
        # Push: the caller's own devices and settings; another worker's device is never reached
        # (tests/e2e/test_push_api.py), and no child is named.
        ("/api/push/public-key", "GET"): (("/api/push/public-key", None), signed_in_gets(200)),
        ("/api/push/preferences", "GET"): (("/api/push/preferences", None), signed_in_gets(200)),
        ("/api/push/preferences", "PUT"): (("/api/push/preferences", {"mute_weekends": False}), signed_in_gets(200)),
        ("/api/push/subscriptions", "POST"): (("/api/push/subscriptions", device), signed_in_gets(201)),
        ("/api/push/subscriptions", "DELETE"): (
            ("/api/push/subscriptions", {"endpoint": device["endpoint"]}),
            signed_in_gets(204),
        ),
        ("/api/push/test", "POST"): (("/api/push/test", None), signed_in_gets(200)),
        # Feeds: the caller's own link and settings (what a feed shows: tests/e2e/test_feeds_http.py).
        ("/api/feeds/settings", "GET"): (("/api/feeds/settings", None), signed_in_gets(200)),
        ("/api/feeds/settings", "PATCH"): (("/api/feeds/settings", {"show_projected": True}), signed_in_gets(200)),
        ("/api/feeds/token", "POST"): (("/api/feeds/token", {"kind": "worker"}), signed_in_gets(201)),
        ("/api/feeds/token", "DELETE"): (("/api/feeds/token?kind=worker", None), signed_in_gets(204)),
        # A feed's secret URL is its only credential: a made-up one is a 404 whoever asks.
        ("/feeds/<token>.ics", "GET"): (("/feeds/" + "A" * 43 + ".ics", None), lambda role: 404),
        # The phone app's shell and files hold no child data: the same for everyone.
        ("/", "GET"): (("/", None), lambda role: 200),
        ("/sign-in", "GET"): (("/sign-in", None), lambda role: 200),
        ("/settings", "GET"): (("/settings", None), lambda role: 200),
        ("/team", "GET"): (("/team", None), lambda role: 200),
        ("/children/<child_id>", "GET"): ((f"/children/{world.team_a.child}", None), lambda role: 200),
        ("/teams/<team_id>", "GET"): ((f"/teams/{world.team_a.team}", None), lambda role: 200),
        ("/workers/<worker_id>", "GET"): ((f"/workers/{world.team_a.spare_worker}", None), lambda role: 200),
        ("/sw.js", "GET"): (("/sw.js", None), lambda role: 200),
        ("/<filename>", "GET"): (("/app.js", None), lambda role: 200),
        ("/icons/<filename>", "GET"): (("/icons/icon-192.png", None), lambda role: 200),
        ("/static/<path:filename>", "GET"): (("/static/app.js", None), lambda role: 404),
        # Last: it ends the caller's session.
        ("/api/session", "DELETE"): (("/api/session", None), lambda role: 401 if role in NO_SESSION else 204),
    }


def signed_in_gets(status: int) -> Callable[[str], int]:
    return lambda role: 401 if role in NO_SESSION else status


def push_subscription(endpoint: str) -> dict[str, Any]:
    """A browser's PushSubscription.toJSON(), with a real P-256 key (only registered, never sent to)."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    def b64url(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    return {"endpoint": endpoint, "keys": {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}}


def client_for(app: Flask, world: World, role: str) -> ApiClient:
    if role == "signed_out":
        return ApiClient(app.test_client(), None)
    return signed_in(app, world.callers[role])


def test_every_api_route_is_covered_by_the_access_matrix(app: Flask) -> None:
    world = build_world(app)
    covered = set(ADDRESSING) | set(unaddressed_requests(world))
    assert set(every_route(app)) - covered == set(), "add the new route to the access matrix"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_route_for_own_foreign_and_made_up_objects(
    app: Flask, role: str
) -> None:
    world = build_world(app)
    api = client_for(app, world, role)
    own, foreign = own_and_foreign(world, role)
    unaddressed = unaddressed_requests(world)
    for (rule, method), (request, expected) in unaddressed.items():
        if (rule, method) == ("/api/session", "DELETE"):
            continue
        path, body = request
        assert api.request(method, path, json=body).status_code == expected(role), (role, method, rule)
    for (rule, method), build in ADDRESSING.items():
        path, body = build(own)
        got = api.request(method, path, json=body)
        want = 401 if role in NO_SESSION else expected_for_own(rule, method, role)
        assert got.status_code == want, (role, "own", method, rule, got.json)
        twin_path, twin_body = build(made_up(own))
        twin = api.request(method, twin_path, json=twin_body)
        assert twin.status_code == (401 if role in NO_SESSION else 404), (role, "made up", method, rule, twin.json)
        if foreign is not None:
            path, body = build(foreign)
            response = api.request(method, path, json=body)
            assert response.status_code == twin.status_code, (role, "foreign", method, rule, response.json)
            assert response.json == twin.json, (role, method, rule)
    (path, body), expected = unaddressed[("/api/session", "DELETE")]
    assert api.request("DELETE", path, json=body).status_code == expected(role)


@pytest.mark.parametrize("role", WITH_FOREIGN_CHILDREN)
def test_nothing_a_role_may_not_see_is_changed_by_its_attempts(app: Flask, role: str) -> None:
    world = build_world(app)
    api = client_for(app, world, role)
    _, foreign = own_and_foreign(world, role)
    assert foreign is not None
    for (_rule, method), build in ADDRESSING.items():
        if method != "GET":
            path, body = build(foreign)
            api.request(method, path, json=body)
    with app.app_context():
        count = db.select(db.func.count())
        assert db.session.scalar(count.select_from(EpisodeRow).where(EpisodeRow.child_id == foreign.child)) == 1
        assert db.session.scalar(count.select_from(VisitRow).where(VisitRow.child_id == foreign.child)) == 1
        assert db.session.scalars(db.select(OverrideRow.until).where(OverrideRow.child_id == foreign.child)).all() == [
            None
        ]
        visits_to_carer = count.select_from(CarerVisitRow).where(CarerVisitRow.carer_id == foreign.carer)
        assert db.session.scalar(visits_to_carer) == 1
        assert db.session.get(CarerRow, foreign.carer).name == "Foster Carer"


@pytest.mark.parametrize("role", WITH_FOREIGN_CHILDREN)
def test_listings_caseload_and_team_overviews_leave_out_foreign_children(app: Flask, role: str) -> None:
    world = build_world(app)
    api = client_for(app, world, role)
    own, foreign = own_and_foreign(world, role)
    assert foreign is not None
    listed = {child["id"] for child in api.get("/api/children").json["children"]}
    in_caseload = {row["child_id"] for row in api.get("/api/caseload?as_of=2027-06-01").json["obligations"]}
    overview = api.get(f"/api/teams/{own.team}/overview?as_of=2027-06-01")
    overdue = overview.json["overdue"] if overview.status_code == 200 else []
    in_overview = {row["child_id"] for row in overdue}
    assert foreign.child not in listed | in_caseload | in_overview
    carers_listed = {carer["id"] for carer in api.get("/api/carers").json["carers"]}
    carers_in_caseload = {row["carer_id"] for row in api.get("/api/caseload?as_of=2027-06-01").json["carers"]}
    assert foreign.carer not in carers_listed | carers_in_caseload
    if role != "personal_adviser":
        assert own.carer in carers_listed
    if role == "social_worker":
        assert own.carer in carers_in_caseload
    feed_url = api.post("/api/feeds/token", json={"kind": "worker"}).json["url"]
    feed = api.client.get(feed_path(feed_url))
    assert feed.status_code == 200
    assert reference_of(app, foreign.child) not in feed.get_data(as_text=True)
    if role == "social_worker":  # (a child in need has no personal-adviser visits to show)
        assert reference_of(app, own.child) in feed.get_data(as_text=True)
    assert own.child in listed  # the caller does see their own child
    if role.startswith("manager"):
        assert own.child in in_overview  # overdue by mid-2027, so listed: the check above is not vacuous


def reference_of(app: Flask, child_id: str) -> str:
    with app.app_context():
        return db.session.get(Child, child_id).reference


def feed_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_revoked_or_rotated_feed_link_answers_exactly_as_a_made_up_one(app: Flask) -> None:
    world = build_world(app)
    api = signed_in(app, world.callers["social_worker"])
    first = feed_path(api.post("/api/feeds/token", json={"kind": "worker"}).json["url"])
    assert api.client.get(first).status_code == 200
    second = feed_path(api.post("/api/feeds/token", json={"kind": "worker"}).json["url"])
    rotated, live = api.client.get(first), api.client.get(second)
    assert live.status_code == 200
    assert api.delete("/api/feeds/token?kind=worker").status_code == 204
    revoked, made_up_feed = api.client.get(second), api.client.get("/feeds/" + "A" * 43 + ".ics")
    assert rotated.status_code == revoked.status_code == made_up_feed.status_code == 404
    assert rotated.get_data() == revoked.get_data() == made_up_feed.get_data()


def test_an_admin_reaches_every_child_and_team(app: Flask) -> None:
    world = build_world(app)
    admin = signed_in(app, world.callers["admin"])
    for (rule, method), build in ADDRESSING.items():
        if method == "GET":
            for target in (world.team_a, world.team_b):
                assert admin.get(build(target)[0]).status_code == 200, rule
    # A child no team holds and nobody is allocated: an admin limited to teams' children would miss it.
    lone = add_child(app)
    for path in (
        f"/api/children/{lone}",
        f"/api/children/{lone}/obligations",
        f"/api/children/{lone}/projections",
        f"/api/children/{lone}/deadlines",
    ):
        assert admin.get(path).status_code == 200, path
    assert lone in {child["id"] for child in admin.get("/api/children").json["children"]}


def test_a_team_manager_sees_children_allocated_to_their_team_and_unallocated_ones_the_team_holds(app: Flask) -> None:
    team = add_team(app)
    manager, worker = add_worker(app, "team_manager", team), add_worker(app, "social_worker", team)
    allocated = add_child(app, allocations=[(worker, "social_worker")])
    held = add_child(app, team_id=team)
    add_child(app)
    listed = {child["id"] for child in signed_in(app, manager).get("/api/children").json["children"]}
    assert listed == {allocated, held}
