"""SCIM 2.0 provisioning (``/scim/v2/Users``): the organisation's directory creates, updates and
deactivates workers with a bearer token; deactivation ends sessions and revokes push
subscriptions and feed links at once; bad input answers SCIM's error document."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.extensions import db
from backend.feeds.logscrub import scrub
from backend.persistence.audit import AuditEntry
from backend.persistence.feeds import FeedToken
from backend.persistence.people import Worker
from backend.persistence.push import PushSubscriptionRow
from tests.e2e.test_api_access import feed_path, push_subscription
from tests.support.carers import add_carer
from tests.support.database import app_for
from tests.support.world import add_child, add_team, add_worker, signed_in

TOKEN = "scim-token-for-tests-only-0123456789"
ROLES = (
    "Visits.SocialWorker.North=social_worker/North; Visits.SocialWorker.South=social_worker/South; Visits.Admin=admin"
)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    yield from app_for(database_url, SCIM_TOKEN=TOKEN, OIDC_ROLES=ROLES)


def new_user(**overrides: Any) -> dict[str, Any]:
    return {
        "schemas": [USER],
        "userName": "Leaver@Example.org",
        "displayName": "Lee Leaver",
        "externalId": "dir-0001",
        "active": True,
        "roles": [{"value": "Visits.SocialWorker.North"}],
        **overrides,
    }


def created(client: FlaskClient, **overrides: Any) -> dict[str, Any]:
    answered = client.post("/scim/v2/Users", json=new_user(**overrides), headers=AUTH)
    assert answered.status_code == 201, answered.json
    return answered.json  # type: ignore[no-any-return]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}])
def test_without_the_bearer_token_every_scim_request_is_a_401_in_scim_form(client: FlaskClient, headers: Any) -> None:
    for method, path in (("GET", "/scim/v2/Users"), ("POST", "/scim/v2/Users"), ("DELETE", "/scim/v2/Users/x")):
        answered = client.open(path, method=method, json=new_user(), headers=headers)
        assert answered.status_code == 401
        assert answered.json["schemas"] == [ERROR] and answered.json["status"] == "401"
        assert answered.headers["Content-Type"] == "application/scim+json"
    with client.application.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Worker)) == 0


def test_with_no_token_configured_scim_is_closed(database_url: str) -> None:
    for app in app_for(database_url, SCIM_TOKEN=None):
        assert app.test_client().get("/scim/v2/Users", headers={"Authorization": "Bearer "}).status_code == 401


def test_a_user_is_created_found_by_filter_and_read(client: FlaskClient) -> None:
    user = created(client)
    assert user["userName"] == "leaver@example.org" and user["active"] is True
    assert user["roles"] == [{"value": "social_worker"}]
    found = client.get('/scim/v2/Users?filter=userName eq "leaver@example.org"', headers=AUTH).json
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == user["id"]
    by_external = client.get('/scim/v2/Users?filter=externalId eq "dir-0001"', headers=AUTH).json
    assert by_external["totalResults"] == 1
    assert client.get(f"/scim/v2/Users/{user['id']}", headers=AUTH).json == user
    assert client.post("/scim/v2/Users", json=new_user(), headers=AUTH).json["scimType"] == "uniqueness"


@pytest.mark.parametrize(
    ("body", "scim_type", "attribute"),
    [
        (new_user(userName="not an email"), "invalidValue", "userName"),
        (new_user(roles=[{"value": "Unmapped"}]), "invalidValue", "roles"),
        (new_user(active="maybe"), "invalidValue", "active"),
        (new_user(displayName="x" * 201), "invalidValue", "displayName"),
        (new_user(externalId=7), "invalidValue", "externalId"),
        ([1, 2], "invalidSyntax", ""),
    ],
)
def test_bad_input_answers_a_scim_400_naming_the_attribute(
    client: FlaskClient, body: Any, scim_type: str, attribute: str
) -> None:
    answered = client.post("/scim/v2/Users", json=body, headers=AUTH)
    assert answered.status_code == 400
    assert answered.json["schemas"] == [ERROR] and answered.json["scimType"] == scim_type
    assert answered.json["detail"].startswith(attribute)


def test_bad_filters_and_patches_answer_scim_400s(client: FlaskClient) -> None:
    user = created(client)
    assert client.get('/scim/v2/Users?filter=name co "x"', headers=AUTH).json["scimType"] == "invalidFilter"
    assert client.get("/scim/v2/Users?filter=userName eq x", headers=AUTH).json["scimType"] == "invalidFilter"
    bad_op = {"schemas": [PATCH], "Operations": [{"op": "remove", "path": "active"}]}
    assert client.patch(f"/scim/v2/Users/{user['id']}", json=bad_op, headers=AUTH).status_code == 400
    assert client.patch(f"/scim/v2/Users/{user['id']}", json={"Operations": []}, headers=AUTH).status_code == 400
    assert client.get("/scim/v2/Users/" + "f" * 32, headers=AUTH).status_code == 404
    assert client.get("/scim/v2/Users/" + "f" * 300, headers=AUTH).status_code == 404


def test_taking_another_users_username_or_external_id_is_a_409(client: FlaskClient) -> None:
    first, second = created(client), created(client, userName="other@example.org", externalId="dir-0002")
    for method, body in (
        ("PUT", new_user(externalId="dir-0002")),
        (
            "PATCH",
            {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "userName", "value": "other@example.org"}]},
        ),
        ("PATCH", {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"externalId": "dir-0002"}}]}),
    ):
        answered = client.open(f"/scim/v2/Users/{first['id']}", method=method, json=body, headers=AUTH)
        assert answered.status_code == 409, (method, body, answered.json)
        assert answered.json["scimType"] == "uniqueness"
    assert client.get(f"/scim/v2/Users/{second['id']}", headers=AUTH).json == second


def test_put_replaces_name_and_role(client: FlaskClient) -> None:
    user = created(client)
    replaced = client.put(
        f"/scim/v2/Users/{user['id']}",
        json=new_user(displayName="Lee Stayer", roles=[{"value": "Visits.Admin"}]),
        headers=AUTH,
    )
    assert replaced.status_code == 200
    assert replaced.json["displayName"] == "Lee Stayer" and replaced.json["roles"] == [{"value": "admin"}]


def overview_of(app: Flask, manager: str, team: str) -> dict[str, Any]:
    return signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-11-24").json  # type: ignore[no-any-return]


def test_a_worker_moved_to_another_team_keeps_their_children_and_neither_manager_loses_sight_of_them(
    app: Flask, client: FlaskClient
) -> None:
    """The children stay the old team's: the mover keeps them (visits go on) and counts in the new
    team's overview as their workload; the old team's overview lists them to be reallocated, which
    only the old team's manager may do."""
    north, south = add_team(app, "North"), add_team(app, "South")
    north_manager, south_manager = add_worker(app, "team_manager", north), add_worker(app, "team_manager", south)
    mover = created(client)["id"]
    stayer = add_worker(app, "social_worker", north)
    child = add_child(
        app,
        team_id=north,
        allocations=[(mover, "social_worker")],
        episodes=[{"type": "child_protection", "start": "2026-11-02"}],  # a visit overdue by 24 November
    )
    before = overview_of(app, north_manager, north)
    assert [row["child_id"] for row in before["overdue"]] == [child] and before["allocated_outside"] == []
    move_to_south(client, mover)
    caseload = signed_in(app, mover).get("/api/caseload?as_of=2026-11-24").json["obligations"]
    assert [row["child_id"] for row in caseload] == [child]
    # The new team's manager sees the mover's whole workload, this child among it.
    south_view = overview_of(app, south_manager, south)
    assert mover in {worker["id"] for worker in south_view["workers"]}
    assert [(row["child_id"], row["worker_id"]) for row in south_view["overdue"]] == [(child, mover)]
    # The old team's manager no longer sees the child among their workers' lists, but flagged.
    north_view = overview_of(app, north_manager, north)
    assert mover not in {worker["id"] for worker in north_view["workers"]} and north_view["overdue"] == []
    [flagged] = north_view["allocated_outside"]
    assert (flagged["child_id"], flagged["role"], flagged["worker_id"], flagged["team_name"]) == (
        child,
        "social_worker",
        mover,
        "South",
    )
    assert flagged["status"] == "overdue"
    # Only the old team's manager reallocates it; then it is theirs again and leaves the mover's list.
    move = {"role": "social_worker", "worker_id": stayer}
    assert signed_in(app, south_manager).post(f"/api/children/{child}/reallocation", json=move).status_code == 404
    assert signed_in(app, north_manager).post(f"/api/children/{child}/reallocation", json=move).status_code == 201
    north_view = overview_of(app, north_manager, north)
    assert north_view["allocated_outside"] == []
    assert [(row["child_id"], row["worker_id"]) for row in north_view["overdue"]] == [(child, stayer)]
    assert overview_of(app, south_manager, south)["overdue"] == []


def move_to_south(client: FlaskClient, worker_id: str) -> None:
    moved = client.patch(
        f"/scim/v2/Users/{worker_id}",
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "replace", "path": "roles", "value": [{"value": "Visits.SocialWorker.South"}]}],
        },
        headers=AUTH,
    )
    assert moved.status_code == 200


def test_a_moved_supervisors_carers_stay_the_old_teams_and_are_flagged_until_its_manager_gives_them_another(
    app: Flask, client: FlaskClient
) -> None:
    """The carer stays the old team's: counted in its carers (not the new team's) and listed under
    supervised_outside. The new team's manager may, as before any move, change the supervisor
    only to a worker of their own team (the carer stays the old team's, flagged); the old team's
    manager gives them a supervisor of the team, and the flag goes."""
    north, south = add_team(app, "North"), add_team(app, "South")
    north_manager, south_manager = add_worker(app, "team_manager", north), add_worker(app, "team_manager", south)
    mover = created(client)["id"]
    stayer, south_worker = add_worker(app, "social_worker", north), add_worker(app, "social_worker", south)
    # england's carer rule: an unannounced visit a year from approval, so overdue by 24 November.
    carer = add_carer(app, supervising_worker_id=mover, team_id=north, name="Pat Carer", approved=date(2025, 11, 3))
    before = overview_of(app, north_manager, north)
    assert before["supervised_outside"] == [] and before["carers"]["overdue"] == 1
    move_to_south(client, mover)
    assert [row["carer_id"] for row in signed_in(app, mover).get("/api/caseload").json["carers"]] == [carer]
    north_view = overview_of(app, north_manager, north)
    assert north_view["carers"]["overdue"] == 1
    assert [(row["carer_id"], row["worker_id"]) for row in north_view["carers"]["overdue_list"]] == [(carer, mover)]
    [flagged] = north_view["supervised_outside"]
    assert flagged | {"reference": None} == {
        "carer_id": carer,
        "reference": None,
        "initials": "PC",
        "worker_id": mover,
        "worker_name": "Lee Leaver",
        "team_name": "South",
        "duty": "unannounced",
        "due": "2026-11-03",
        "status": "overdue",
    }
    spec = client.get("/api/openapi.json").json["components"]["schemas"]["SupervisedOutside"]
    assert set(flagged) == set(spec["properties"])
    south_view = overview_of(app, south_manager, south)
    assert south_view["carers"]["overdue"] == 0 and south_view["supervised_outside"] == []
    # The new team's manager sees the carer (supervised by their worker) and may change the
    # supervisor among their own team, never to the old team's worker: the carer stays North's.
    south_api = signed_in(app, south_manager)
    refused = south_api.patch(f"/api/carers/{carer}", json={"supervising_worker_id": stayer})
    assert refused.status_code == 422 and "supervising_worker_id" in refused.json["errors"]
    assert south_api.patch(f"/api/carers/{carer}", json={"supervising_worker_id": south_worker}).status_code == 200
    [flagged] = overview_of(app, north_manager, north)["supervised_outside"]
    assert (flagged["carer_id"], flagged["worker_id"]) == (carer, south_worker)
    # The old team's manager gives them one of their team's workers: the carer leaves the list.
    north_api = signed_in(app, north_manager)
    assert north_api.patch(f"/api/carers/{carer}", json={"supervising_worker_id": stayer}).status_code == 200
    north_view = overview_of(app, north_manager, north)
    assert north_view["supervised_outside"] == []
    assert [(row["carer_id"], row["worker_id"]) for row in north_view["carers"]["overdue_list"]] == [(carer, stayer)]
    assert south_api.get(f"/api/carers/{carer}").status_code == 404


def leaver_with_session_device_and_feed(app: Flask) -> tuple[str, Any, str]:
    worker = add_worker(app, email="leaver@example.org")
    api = signed_in(app, worker)
    assert (
        api.post("/api/push/subscriptions", json=push_subscription("https://push.example.org/send/1")).status_code
        == 201
    )
    feed = feed_path(api.post("/api/feeds/token", json={"kind": "worker"}).json["url"])
    assert api.client.get(feed).status_code == 200
    return worker, api, feed


@pytest.mark.parametrize(
    "deactivation",
    [
        ("PATCH", {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}),
        ("PATCH", {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}),
        ("PUT", new_user(userName="leaver@example.org", active=False)),
        ("DELETE", None),
    ],
)
def test_deactivation_ends_sessions_and_revokes_push_and_retires_feed_links_at_once(
    app: Flask, client: FlaskClient, deactivation: tuple[str, Any]
) -> None:
    worker, api, feed = leaver_with_session_device_and_feed(app)
    method, body = deactivation
    answered = client.open(f"/scim/v2/Users/{worker}", method=method, json=body, headers=AUTH)
    assert answered.status_code in (200, 204), answered.json
    assert api.get("/api/session").status_code == 401
    assert b"BEGIN:VEVENT" not in api.client.get(feed).data  # empty, then 404 (test_feed_retirement.py)
    with app.app_context():
        assert db.session.get(Worker, worker).active is False
        assert (
            db.session.scalars(db.select(PushSubscriptionRow).where(PushSubscriptionRow.worker_id == worker)).all()
            == []
        )
        links = db.session.scalars(db.select(FeedToken).where(FeedToken.worker_id == worker)).all()
        assert links and all(link.retired_at is not None for link in links)
        actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.worker_id == worker)).all()
        assert "worker_change" in actions
    if method == "PATCH":
        reactivate = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": True}]}
        assert client.patch(f"/scim/v2/Users/{worker}", json=reactivate, headers=AUTH).json["active"] is True


def test_the_cli_disable_user_revokes_push_and_retires_feed_links_too(app: Flask) -> None:
    worker, api, feed = leaver_with_session_device_and_feed(app)
    assert app.test_cli_runner().invoke(args=["disable-user", "leaver@example.org"]).exit_code == 0
    assert b"BEGIN:VEVENT" not in api.client.get(feed).data
    with app.app_context():
        assert (
            db.session.scalars(db.select(PushSubscriptionRow).where(PushSubscriptionRow.worker_id == worker)).all()
            == []
        )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)
ATTRIBUTES = st.sampled_from(
    ["userName", "displayName", "active", "externalId", "roles", "name", "Operations", "schemas"]
)
SCIM_BODIES = st.dictionaries(ATTRIBUTES, JSON, max_size=6) | JSON


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=SCIM_BODIES, method=st.sampled_from(["POST", "PUT", "PATCH"]))
def test_any_json_body_answers_a_scim_document_never_a_server_error(
    app: Flask, client: FlaskClient, body: Any, method: str
) -> None:
    path = "/scim/v2/Users" if method == "POST" else f"/scim/v2/Users/{existing_user(app)}"
    answered = client.open(path, method=method, json=body, headers=AUTH)
    assert answered.status_code < 500
    assert answered.headers["Content-Type"] == "application/scim+json"
    if answered.status_code >= 400:
        assert answered.json["schemas"] == [ERROR]


def existing_user(app: Flask) -> str:
    with app.app_context():
        worker = db.session.scalar(db.select(Worker.id).where(Worker.email == "fuzz@example.org"))
    return worker or add_worker(app, email="fuzz@example.org")


def test_request_lines_in_logs_hold_no_scim_filter_nor_sign_in_code() -> None:
    lines = [
        '127.0.0.1 - - "GET /scim/v2/Users?filter=userName%20eq%20%22leaver%40example.org%22 HTTP/1.1" 200 -',
        '127.0.0.1 - - "GET /api/session/organisation/callback?code=SECRETCODE&state=STATE HTTP/1.1" 303 -',
    ]
    scrubbed = [scrub(line) for line in lines]
    assert scrubbed == [
        '127.0.0.1 - - "GET /scim/v2/Users?[query] HTTP/1.1" 200 -',
        '127.0.0.1 - - "GET /api/session/organisation/callback?[query] HTTP/1.1" 303 -',
    ]
