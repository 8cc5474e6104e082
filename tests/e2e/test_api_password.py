"""``POST /api/session/password``: a worker changes their own password."""

from __future__ import annotations

import pytest
from flask import Flask

from backend.extensions import db
from backend.persistence.security import SessionRow
from tests.support.world import PASSWORD, ApiClient, add_worker, signed_in

NEW_PASSWORD = "a brand new passphrase"
ROUTE = "/api/session/password"


def sign_in(app: Flask, email: str, password: str, address: str = "192.0.2.1") -> int:
    response = app.test_client().post(
        "/api/session", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )
    return response.status_code


def change(api: ApiClient, current: str, new: str) -> object:
    return api.post(ROUTE, json={"current_password": current, "new_password": new})


def test_a_worker_changes_their_password_and_their_other_sessions_end(app: Flask) -> None:
    worker = add_worker(app, email="sam@example.org")
    this_phone, other_phone = signed_in(app, worker), signed_in(app, worker)
    response = change(this_phone, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 204, response.json
    assert this_phone.get("/api/session").status_code == 200
    assert other_phone.get("/api/caseload").status_code == 401
    assert sign_in(app, "sam@example.org", PASSWORD) == 401
    assert sign_in(app, "sam@example.org", NEW_PASSWORD) == 200


def test_a_wrong_current_password_changes_nothing_and_names_the_field(app: Flask) -> None:
    worker = add_worker(app, email="sam@example.org")
    api, other = signed_in(app, worker), signed_in(app, worker)
    response = change(api, "not the password", NEW_PASSWORD)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["current_password"]
    assert other.get("/api/caseload").status_code == 200
    assert sign_in(app, "sam@example.org", PASSWORD) == 200


def test_wrong_current_passwords_are_throttled_like_sign_in(app: Flask) -> None:
    worker = add_worker(app, email="sam@example.org")
    api = signed_in(app, worker)
    answers = [change(api, f"guess number {number}", NEW_PASSWORD).status_code for number in range(11)]
    assert answers == [422] * 10 + [429]
    assert change(api, PASSWORD, NEW_PASSWORD).status_code == 429
    assert sign_in(app, "sam@example.org", PASSWORD, address="192.0.2.9") == 429  # the account is throttled


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (" " * 12, "only spaces"),
        ("short", "12 characters"),
        ("x" * 1025, "1024"),
        ("aaaaaaaaaaaaaaaa", "repetitive"),
        ("PASSWORD 1234", "common"),
        ("sam@example.org", "email"),
        ("Samantha Patel", "name"),
        (PASSWORD, "different"),
    ],
)
def test_a_new_password_outside_the_policy_is_refused_naming_the_field(app: Flask, new: str, message: str) -> None:
    worker = add_worker(app, email="sam@example.org", name="Samantha Patel")
    api = signed_in(app, worker)
    response = change(api, PASSWORD, new)
    assert response.status_code == 422
    assert "new_password" in response.json["errors"], response.json
    assert message in " ".join(response.json["errors"]["new_password"])
    assert sign_in(app, "sam@example.org", PASSWORD) == 200


def test_changing_needs_a_session_and_the_csrf_token(app: Flask) -> None:
    worker = add_worker(app, email="sam@example.org")
    api = signed_in(app, worker)
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert app.test_client().post(ROUTE, json=body).status_code == 401
    assert api.client.post(ROUTE, json=body).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SessionRow)) == 1
    assert sign_in(app, "sam@example.org", PASSWORD) == 200
