"""Signing in and out: server-side sessions, identical failures, throttling, CSRF, cookie flags."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from backend.clock import utc_now
from backend.extensions import db
from backend.persistence.security import SessionRow
from tests.support.database import app_for
from tests.support.world import PASSWORD, add_team, add_worker, signed_in


def sign_in(app: Flask, email: str, password: str = PASSWORD, address: str = "192.0.2.1"):  # noqa: ANN201
    client = app.test_client()
    response = client.post(
        "/api/session", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )
    return client, response


def test_signing_in_answers_the_csrf_token_and_the_worker_and_sets_a_session_cookie(app: Flask) -> None:
    team_id = add_team(app, "North")
    add_worker(app, "social_worker", team_id, email="sam@example.org", name="Sam Lee")
    client, response = sign_in(app, "Sam@Example.org")
    assert response.status_code == 200
    assert response.json["worker"] == {
        "id": response.json["worker"]["id"],
        "name": "Sam Lee",
        "email": "sam@example.org",
        "role": "social_worker",
        "team_id": team_id,
        "team_name": "North",
    }
    assert len(response.json["csrf_token"]) == 64
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=2592000" in cookie
    assert client.get("/api/session").json["csrf_token"] == response.json["csrf_token"]


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(app: Flask) -> None:
    add_worker(app, email="sam@example.org")
    _, wrong_password = sign_in(app, "sam@example.org", "not the password")
    _, unknown_email = sign_in(app, "nobody@example.org", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json == unknown_email.json
    assert wrong_password.mimetype == "application/problem+json"
    assert "Set-Cookie" not in wrong_password.headers


def test_a_disabled_worker_cannot_sign_in(app: Flask) -> None:
    add_worker(app, email="gone@example.org", active=False)
    assert sign_in(app, "gone@example.org")[1].status_code == 401


def test_ten_failures_for_one_account_block_it_even_with_the_right_password(app: Flask) -> None:
    add_worker(app, email="sam@example.org")
    for attempt in range(10):
        assert sign_in(app, "sam@example.org", "wrong", address=f"192.0.2.{attempt}")[1].status_code == 401
    _, blocked = sign_in(app, "sam@example.org", address="198.51.100.7")
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "300"


def test_ten_failures_from_one_address_block_that_address_for_every_account(app: Flask) -> None:
    add_worker(app, email="sam@example.org")
    for attempt in range(10):
        sign_in(app, f"guess{attempt}@example.org", "wrong", address="203.0.113.9")
    assert sign_in(app, "sam@example.org", address="203.0.113.9")[1].status_code == 429
    assert sign_in(app, "sam@example.org", address="203.0.113.10")[1].status_code == 200


def test_getting_the_session_without_signing_in_answers_401(client) -> None:  # noqa: ANN001
    response = client.get("/api/session")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_signing_out_ends_the_session_and_asks_the_browser_to_clear_its_cache(app: Flask) -> None:
    worker = add_worker(app)
    api = signed_in(app, worker)
    response = api.delete("/api/session")
    assert response.status_code == 204
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert api.get("/api/caseload").status_code == 401


def test_a_write_without_the_csrf_header_answers_403(app: Flask) -> None:
    api = signed_in(app, add_worker(app))
    assert api.client.delete("/api/session").status_code == 403
    assert api.client.delete("/api/session", headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert api.delete("/api/session").status_code == 204


def test_the_csrf_token_of_one_session_does_not_work_for_another(app: Flask) -> None:
    worker = add_worker(app)
    first, second = signed_in(app, worker), signed_in(app, worker)
    assert second.client.delete("/api/session", headers={"X-CSRF-Token": first.csrf_token}).status_code == 403


def test_disabling_a_worker_ends_their_sessions_at_once(app: Flask, runner) -> None:  # noqa: ANN001
    worker = add_worker(app, email="leaving@example.org")
    api = signed_in(app, worker)
    assert api.get("/api/caseload").status_code == 200
    result = runner.invoke(args=["disable-user", "leaving@example.org"])
    assert result.exit_code == 0, result.output
    assert api.get("/api/caseload").status_code == 401


def test_a_session_idle_for_longer_than_the_limit_has_ended(app: Flask) -> None:
    api = signed_in(app, add_worker(app))
    with app.app_context():
        db.session.execute(update(SessionRow).values(last_seen_at=utc_now() - timedelta(days=31)))
        db.session.commit()
    assert api.get("/api/caseload").status_code == 401


def test_a_session_used_after_a_day_slides_its_expiry_forward(app: Flask) -> None:
    api = signed_in(app, add_worker(app))
    with app.app_context():
        db.session.execute(update(SessionRow).values(last_seen_at=utc_now() - timedelta(days=20)))
        db.session.commit()
    response = api.get("/api/caseload")
    assert response.status_code == 200
    assert "Max-Age=2592000" in response.headers["Set-Cookie"]
    with app.app_context():
        assert utc_now() - db.session.scalar(db.select(SessionRow.last_seen_at)) < timedelta(minutes=1)


@pytest.fixture
def production_app(database_url: str) -> Iterator[Flask]:
    yield from app_for(database_url, APP_ENV="production")


def test_outside_development_the_cookie_is_secure_and_hsts_is_sent(production_app: Flask) -> None:
    add_worker(production_app, email="sam@example.org")
    _, response = sign_in(production_app, "sam@example.org")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.fixture
def proxied_app(database_url: str) -> Iterator[Flask]:
    yield from app_for(database_url, PROXY_HOPS=1)


def test_behind_a_trusted_proxy_throttling_counts_the_forwarded_address(proxied_app: Flask) -> None:
    add_worker(proxied_app, email="sam@example.org")
    client = proxied_app.test_client()
    for attempt in range(10):
        client.post(
            "/api/session",
            json={"email": f"g{attempt}@example.org", "password": "x"},
            headers={"X-Forwarded-For": "203.0.113.5"},
        )
    blocked = client.post(
        "/api/session",
        json={"email": "sam@example.org", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.5"},
    )
    allowed = client.post(
        "/api/session",
        json={"email": "sam@example.org", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.6"},
    )
    assert (blocked.status_code, allowed.status_code) == (429, 200)


def test_an_unknown_email_still_pays_for_one_password_check(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.auth import passwords

    checked: list[str] = []

    class CountingHasher:
        def __init__(self, real: object) -> None:
            self.real = real

        def verify(self, stored: str, password: str) -> bool:
            checked.append(stored)
            return self.real.verify(stored, password)

        def __getattr__(self, name: str) -> object:
            return getattr(self.real, name)

    monkeypatch.setattr(passwords, "HASHER", CountingHasher(passwords.HASHER))
    sign_in(app, "nobody@example.org", "whatever")
    assert len(checked) == 1 and checked[0].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
