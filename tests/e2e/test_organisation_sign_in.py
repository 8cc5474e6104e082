"""Signing in with the organisation's identity provider, against a real OpenID provider on
loopback (npm's oidc-provider): the code flow with PKCE ends in a session like a local sign-in,
and a wrong issuer, a wrong audience, an expired token, a replayed state, a missing role and a
disabled worker are each refused."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.people import Team, Worker
from backend.persistence.security import SessionRow
from backend.services.data_version import current_token
from tests.support.database import app_for
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, authorize, running_provider
from tests.support.world import PASSWORD, add_team, add_worker

ROLES = "Visits.SocialWorker.North=social_worker/North; Visits.Manager=team_manager/North; Visits.Admin=admin"
ACCOUNTS: dict[str, dict[str, Any]] = {
    "known": {"email": "known@example.org", "name": "Known Worker", "roles": ["Visits.SocialWorker.North"]},
    "newcomer": {"email": "newcomer@example.org", "name": "New Comer", "roles": ["Visits.SocialWorker.North"]},
    "new-manager": {"email": "new.manager@example.org", "name": "New Manager", "roles": ["Visits.Manager"]},
    "no-role": {"email": "norole@example.org", "name": "No Role", "roles": ["Something.Else"]},
    "disabled": {"email": "disabled@example.org", "name": "Gone", "roles": ["Visits.SocialWorker.North"]},
    "other-audience": {
        "email": "known@example.org",
        "roles": ["Visits.SocialWorker.North"],
        "tamper": {"aud": "another-app"},
    },
    "expired": {
        "email": "known@example.org",
        "roles": ["Visits.SocialWorker.North"],
        "tamper": {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
    },
}


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """One provider for the whole module: starting node costs about a second."""
    with running_provider(ACCOUNTS) as running:
        yield running


def organisation_config(issuer: str, **overrides: Any) -> dict[str, Any]:
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ROLES": ROLES,
        "OIDC_CREATE_WORKERS": "social_worker",
        **overrides,
    }


@pytest.fixture
def app(database_url: str, issuer: str) -> Iterator[Flask]:
    yield from app_for(database_url, **organisation_config(issuer))


def begin(client: FlaskClient) -> str:
    started = client.get("/api/session/organisation")
    assert started.status_code == 302
    return started.headers["Location"]


def sign_in_as(client: FlaskClient, account: str) -> Any:
    callback = authorize(begin(client), account)
    return client.get(callback.removeprefix("http://localhost"))


def sessions_of(app: Flask, email: str) -> int:
    with app.app_context():
        worker = db.session.scalar(db.select(Worker).where(Worker.email == email))
        return (
            0
            if worker is None
            else len(db.session.scalars(db.select(SessionRow).where(SessionRow.worker_id == worker.id)).all())
        )


def test_the_authorization_request_uses_pkce_s256_a_state_and_a_nonce(client: FlaskClient) -> None:
    query = parse_qs(urlsplit(begin(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost/api/session/organisation/callback"]


def test_a_known_worker_signs_in_and_gets_a_session_with_csrf_role_and_team_from_app_roles(
    app: Flask, client: FlaskClient
) -> None:
    add_worker(app, "personal_adviser", email="known@example.org")
    answered = sign_in_as(client, "known")
    assert answered.status_code == 303 and answered.headers["Location"] == "/"
    session = client.get("/api/session")
    assert session.status_code == 200
    assert session.json["worker"]["role"] == "social_worker"
    assert session.json["worker"]["team_name"] == "North"
    csrf = session.json["csrf_token"]
    assert client.put("/api/push/preferences", json={"mute_weekends": True}).status_code == 403
    assert (
        client.put("/api/push/preferences", json={"mute_weekends": True}, headers={"X-CSRF-Token": csrf}).status_code
        == 200
    )
    with app.app_context():
        worker = db.session.scalar(db.select(Worker).where(Worker.email == "known@example.org"))
        assert worker.idp_subject == "known"
        assert (
            db.session.scalar(db.select(SessionRow.provider).where(SessionRow.worker_id == worker.id)) == "organisation"
        )
        assert (
            db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.worker_id == worker.id)) == "worker_change"
        )


def test_parameters_a_provider_adds_are_ignored_and_an_error_it_sends_back_is_a_401(
    app: Flask, client: FlaskClient
) -> None:
    add_worker(app, email="known@example.org")
    callback = authorize(begin(client), "known")
    assert client.get(callback.removeprefix("http://localhost") + "&client_info=abc&error_subcode=x").status_code == 303
    denied = client.get("/api/session/organisation/callback?error=access_denied&state=s")
    assert denied.status_code == 401 and "did not complete" in denied.json["detail"]
    # A browser's navigation goes back to the sign-in page, which says why from the status.
    navigated = client.get("/api/session/organisation/callback?error=x", headers={"Accept": "text/html"})
    assert navigated.status_code == 303 and navigated.headers["Location"] == "/sign-in?problem=401"


def test_a_replayed_state_is_refused_and_makes_no_second_session(app: Flask, client: FlaskClient) -> None:
    add_worker(app, email="known@example.org")
    callback = authorize(begin(client), "known")
    path = callback.removeprefix("http://localhost")
    assert client.get(path).status_code == 303
    replayed = client.get(path)
    assert replayed.status_code == 401
    assert sessions_of(app, "known@example.org") == 1


def test_a_callback_from_another_browser_than_the_one_that_began_is_refused(app: Flask, client: FlaskClient) -> None:
    add_worker(app, email="known@example.org")
    callback = authorize(begin(client), "known")
    assert app.test_client().get(callback.removeprefix("http://localhost")).status_code == 401
    assert sessions_of(app, "known@example.org") == 0


@pytest.mark.parametrize("account", ["other-audience", "expired"])
def test_an_id_token_for_another_audience_or_expired_is_refused(app: Flask, client: FlaskClient, account: str) -> None:
    add_worker(app, email="known@example.org")
    answered = sign_in_as(client, account)
    assert answered.status_code == 401
    assert "did not complete" in answered.json["detail"]
    assert client.get("/api/session").status_code == 401
    assert sessions_of(app, "known@example.org") == 0


def test_a_provider_whose_issuer_is_another_tenants_is_refused(database_url: str, issuer: str) -> None:
    config = organisation_config(
        issuer + "/another-tenant", OIDC_DISCOVERY_URL=f"{issuer}/.well-known/openid-configuration"
    )
    for app in app_for(database_url, **config):
        assert app.test_client().get("/api/session/organisation").status_code == 401


def test_a_person_without_a_mapped_app_role_is_refused(app: Flask, client: FlaskClient) -> None:
    add_worker(app, email="norole@example.org")
    answered = sign_in_as(client, "no-role")
    assert answered.status_code == 403
    assert sessions_of(app, "norole@example.org") == 0


def test_a_disabled_worker_cannot_get_in_through_either_door(app: Flask, client: FlaskClient) -> None:
    add_worker(app, email="disabled@example.org", active=False)
    assert sign_in_as(client, "disabled").status_code == 403
    assert client.post("/api/session", json={"email": "disabled@example.org", "password": PASSWORD}).status_code == 401
    assert sessions_of(app, "disabled@example.org") == 0


def test_a_newcomer_is_created_only_from_a_permitted_role_and_the_creation_is_audited(
    app: Flask, client: FlaskClient
) -> None:
    assert sign_in_as(client, "newcomer").status_code == 303
    assert sign_in_as(app.test_client(), "new-manager").status_code == 403  # team_manager: not permitted
    with app.app_context():
        worker = db.session.scalar(db.select(Worker).where(Worker.email == "newcomer@example.org"))
        assert worker.role == "social_worker" and worker.password_hash is None
        assert db.session.get(Team, worker.team_id).name == "North"
        actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.worker_id == worker.id)).all()
        assert actions == ["worker_create"]
        assert db.session.scalar(db.select(Worker).where(Worker.email == "new.manager@example.org")) is None


def test_failed_callbacks_are_throttled_per_address(database_url: str, issuer: str) -> None:
    for app in app_for(database_url, **organisation_config(issuer), LOGIN_MAX_FAILURES=2):
        client = app.test_client()
        statuses = [client.get("/api/session/organisation/callback?code=x&state=forged").status_code for _ in range(3)]
        assert statuses == [401, 401, 429]


def test_local_passwords_can_be_turned_off(database_url: str, issuer: str) -> None:
    for app in app_for(database_url, **organisation_config(issuer), LOCAL_PASSWORDS=False):
        add_worker(app, email="known@example.org")
        client = app.test_client()
        assert client.post("/api/session", json={"email": "known@example.org", "password": PASSWORD}).status_code == 403
        assert client.get("/api/session/providers").json == {
            "passwords": False,
            "organisation": {"label": "Sign in with your organisation", "url": "/api/session/organisation"},
        }
        assert sign_in_as(client, "known").status_code == 303


def test_without_configuration_the_organisation_routes_answer_404(database_url: str) -> None:
    for app in app_for(database_url):
        client = app.test_client()
        assert client.get("/api/session/organisation").status_code == 404
        assert client.get("/api/session/organisation/callback?code=a&state=b").status_code == 404
        assert client.get("/api/session/providers").json == {"passwords": True, "organisation": None}


def test_beginning_and_repeating_a_sign_in_leave_cached_caseloads_alone(app: Flask, client: FlaskClient) -> None:
    """Only a change to the worker (the first sign-in records the provider's id) moves the data
    version that cached caseloads hang on; sign-ins under way and unchanged workers do not."""
    add_worker(app, "social_worker", add_team(app, "North"), email="known@example.org")
    assert sign_in_as(client, "known").status_code == 303
    with app.app_context():
        before = current_token()
    begin(app.test_client())
    assert sign_in_as(app.test_client(), "known").status_code == 303
    with app.app_context():
        assert current_token() == before


def test_no_database_transaction_is_open_while_the_provider_is_called(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_worker(app, email="known@example.org")
    send = requests.Session.send
    open_during_calls: list[bool] = []

    def watched(session: requests.Session, request: Any, **kwargs: Any) -> Any:
        if has_app_context():  # the app's calls (the test's own browser runs outside it)
            open_during_calls.append(db.session().in_transaction())
        return send(session, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", watched)
    assert sign_in_as(client, "known").status_code == 303
    assert len(open_during_calls) >= 3  # discovery, the token exchange, the keys
    assert not any(open_during_calls)
