"""Attacks on signing in and on sessions, beyond the basics in test_api_session.py.

"Every app server" is two app instances built from the same configuration over one
database, as two gunicorn processes would be.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from backend.app import create_app
from backend.clock import utc_now
from backend.extensions import db, dispose_engines
from backend.persistence.children import VisitRow
from backend.persistence.security import LoginFailure, SessionRow
from tests.support.routes import UNSAFE_METHODS, every_route, fill_path
from tests.support.world import (
    PASSWORD,
    ApiClient,
    add_child,
    add_team,
    add_worker,
    new_visit_id,
    signed_in,
    visit_body,
)

# Signing in is the one write that has no session (and so no CSRF token) yet.
CSRF_EXEMPT = {("/api/session", "POST")}
# SCIM takes a bearer token only: a browser's cookies are no credential there, so a forged
# cross-site request carries nothing that opens it (tests/e2e/test_scim.py).
BEARER_ONLY_PREFIX = "/scim/"


def attempt(app: Flask, email: str, password: str, address: str = "192.0.2.1"):  # noqa: ANN201
    client = app.test_client()
    response = client.post(
        "/api/session", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )
    return client, response


def comparable(response) -> tuple[int, object, list[tuple[str, str]]]:  # noqa: ANN001
    headers = sorted((name, value) for name, value in response.headers.items() if name != "Date")
    return response.status_code, response.json, headers


def test_unknown_email_wrong_password_and_disabled_account_answer_byte_for_byte_alike(app: Flask) -> None:
    add_worker(app, email="sam@example.org")
    add_worker(app, email="gone@example.org", active=False)
    _, wrong_password = attempt(app, "sam@example.org", "not the password", "192.0.2.1")
    _, unknown = attempt(app, "nobody@example.org", "not the password", "192.0.2.2")
    _, disabled = attempt(app, "gone@example.org", PASSWORD, "192.0.2.3")
    assert comparable(wrong_password) == comparable(unknown) == comparable(disabled)


def test_failures_older_than_five_minutes_no_longer_count(app: Flask) -> None:
    add_worker(app, email="sam@example.org")
    for _ in range(10):
        attempt(app, "sam@example.org", "wrong")
    assert attempt(app, "sam@example.org", PASSWORD)[1].status_code == 429
    with app.app_context():
        db.session.execute(update(LoginFailure).values(failed_at=utc_now() - timedelta(seconds=301)))
        db.session.commit()
    assert attempt(app, "sam@example.org", PASSWORD)[1].status_code == 200


def test_nine_failures_do_not_throttle_and_the_tenth_does(app: Flask) -> None:
    add_worker(app, email="sam@example.org")
    for _ in range(9):
        attempt(app, "sam@example.org", "wrong")
    assert attempt(app, "sam@example.org", PASSWORD)[1].status_code == 200
    for _ in range(10):
        attempt(app, "sam@example.org", "wrong")
    assert attempt(app, "sam@example.org", PASSWORD)[1].status_code == 429


@pytest.fixture
def second_app(app: Flask) -> Iterator[Flask]:
    """Another app server over the same database (not emptied again)."""
    other = create_app(dict(app.config))
    yield other
    with other.app_context():
        db.session.remove()
        dispose_engines()


def on(app: Flask, api: ApiClient) -> ApiClient:
    """The same browser (cookie and CSRF token) talking to another app server."""
    client = app.test_client()
    cookie = api.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value)
    return ApiClient(client, api.csrf_token)


def test_signing_out_on_one_app_server_ends_the_session_on_the_other_at_once(app: Flask, second_app: Flask) -> None:
    api = signed_in(app, add_worker(app))
    elsewhere = on(second_app, api)
    assert elsewhere.get("/api/caseload").status_code == 200
    assert api.delete("/api/session").status_code == 204
    assert elsewhere.get("/api/caseload").status_code == 401
    assert elsewhere.get("/api/session").status_code == 401


def test_disabling_a_worker_on_one_app_server_ends_every_session_on_the_other(app: Flask, second_app: Flask) -> None:
    worker = add_worker(app, email="leaving@example.org")
    phone, laptop = on(second_app, signed_in(app, worker)), on(second_app, signed_in(app, worker))
    assert phone.get("/api/caseload").status_code == laptop.get("/api/caseload").status_code == 200
    result = app.test_cli_runner().invoke(args=["disable-user", "leaving@example.org"])
    assert result.exit_code == 0, result.output
    assert phone.get("/api/caseload").status_code == laptop.get("/api/caseload").status_code == 401
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SessionRow)) == 0


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name not in ("audit_log",)
        }


def test_every_unsafe_method_of_every_route_refuses_a_missing_or_wrong_csrf_token_and_changes_nothing(
    app: Flask,
) -> None:
    team = add_team(app)
    admin = add_worker(app, "admin", team)
    child = add_child(app, team_id=team, allocations=[(admin, "social_worker")])
    api = signed_in(app, admin)
    values = {"child_id": child, "team_id": team, "worker_id": admin}
    unsafe = [(rule, method) for rule, method in every_route(app) if method in UNSAFE_METHODS]
    assert ("/api/visits/<uuid:visit_id>", "PUT") in unsafe
    before = counts(app)
    for rule, method in unsafe:
        if (rule, method) in CSRF_EXEMPT:
            continue
        path = fill_path(rule, values)
        body = visit_body(child) if "visits" in rule else {"name": "Changed"}
        missing = api.client.open(path, method=method, json=body)
        wrong = api.client.open(path, method=method, json=body, headers={"X-CSRF-Token": "0" * 64})
        refused = 401 if rule.startswith(BEARER_ONLY_PREFIX) else 403
        assert missing.status_code == wrong.status_code == refused, (method, rule, missing.status_code)
    assert counts(app) == before
    assert api.get("/api/session").status_code == 200  # DELETE /api/session without a token signed nobody out


def test_a_visit_queued_offline_for_weeks_replays_with_its_old_csrf_token(app: Flask) -> None:
    worker = add_worker(app)
    child = add_child(app, allocations=[(worker, "social_worker")])
    api = signed_in(app, worker)
    queued_id, queued = new_visit_id(), visit_body(child, date="2026-11-02")
    with app.app_context():  # 29 days without a request: within the 30-day idle limit
        db.session.execute(update(SessionRow).values(last_seen_at=utc_now() - timedelta(days=29)))
        db.session.commit()
    assert api.put(f"/api/visits/{queued_id}", json=queued).status_code == 201
    assert api.put(f"/api/visits/{queued_id}", json=queued).status_code == 200


def test_a_visit_queued_past_the_sessions_end_replays_after_signing_in_again_without_loss(app: Flask) -> None:
    add_worker(app, email="sam@example.org")
    client, response = attempt(app, "sam@example.org", PASSWORD)
    api = ApiClient(client, response.json["csrf_token"])
    worker = response.json["worker"]["id"]
    child = add_child(app, allocations=[(worker, "social_worker")])
    queued_id, queued = new_visit_id(), visit_body(child, date="2026-11-02")
    with app.app_context():
        db.session.execute(update(SessionRow).values(last_seen_at=utc_now() - timedelta(days=31)))
        db.session.commit()
    assert api.put(f"/api/visits/{queued_id}", json=queued).status_code == 401  # kept in the outbox
    _, again = attempt(app, "sam@example.org", PASSWORD)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], again.headers["Set-Cookie"].split(";")[0].split("=", 1)[1])
    api = ApiClient(client, again.json["csrf_token"])
    assert api.put(f"/api/visits/{queued_id}", json=queued).status_code == 201
    assert api.put(f"/api/visits/{queued_id}", json=queued).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(VisitRow).where(VisitRow.id == queued_id)) == 1
