"""Beginning a sign-in at the organisation's provider is open to anyone and writes a row: a
flood of starts is throttled per address, the sign-ins under way have a ceiling, and neither
grows the tables without bound nor locks out others' sign-ins (or the flooder's own callback)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from backend.clock import utc_now
from backend.extensions import db
from backend.persistence.security import LoginFailure, OrganisationSignInRow
from tests.support.database import app_for
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, authorize, running_provider
from tests.support.world import add_team, add_worker

START = "/api/session/organisation"
ACCOUNTS: dict[str, dict[str, Any]] = {
    "known": {"email": "known@example.org", "name": "Known Worker", "roles": ["Visits.SocialWorker.North"]},
}


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_provider(ACCOUNTS) as running:
        yield running


def app_with(database_url: str, issuer: str, **overrides: Any) -> Iterator[Flask]:
    return app_for(
        database_url,
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_ROLES="Visits.SocialWorker.North=social_worker/North",
        **overrides,
    )


def client_at(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def rows(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def finish(client: FlaskClient, authorization_url: str) -> int:
    callback = authorize(authorization_url, "known")
    return client.get(callback.removeprefix("http://localhost")).status_code


def test_a_flood_of_starts_from_one_address_is_throttled_and_stops_writing_rows(database_url: str, issuer: str) -> None:
    for app in app_with(database_url, issuer, OIDC_STARTS_PER_ADDRESS=5):
        add_worker(app, "social_worker", add_team(app, "North"), email="known@example.org")
        flooder = client_at(app, "192.0.2.66")
        answers = [flooder.get(START) for _ in range(40)]
        assert [answer.status_code for answer in answers] == [302] * 5 + [429] * 35
        assert answers[-1].headers["Retry-After"] == "300"
        assert rows(app, OrganisationSignInRow) == 5
        assert rows(app, LoginFailure) == 5
        someone_else = client_at(app, "192.0.2.10")
        assert finish(someone_else, someone_else.get(START).headers["Location"]) == 303


def test_starts_do_not_use_up_the_attempts_the_same_addresss_callback_needs(database_url: str, issuer: str) -> None:
    """A worker behind the same address as the flood (a council's shared office address)."""
    for app in app_with(database_url, issuer, OIDC_STARTS_PER_ADDRESS=3, LOGIN_MAX_FAILURES=2):
        add_worker(app, "social_worker", add_team(app, "North"), email="known@example.org")
        worker = client_at(app, "192.0.2.66")
        begun = worker.get(START).headers["Location"]
        flooder = client_at(app, "192.0.2.66")
        assert [flooder.get(START).status_code for _ in range(4)] == [302, 302, 429, 429]
        assert finish(worker, begun) == 303


def test_past_the_ceiling_of_sign_ins_under_way_starts_are_refused_until_some_expire(
    database_url: str, issuer: str
) -> None:
    for app in app_with(database_url, issuer, OIDC_PENDING_MAX=3):
        statuses = [client_at(app, f"198.51.100.{n}").get(START).status_code for n in range(6)]
        assert statuses == [302, 302, 302, 429, 429, 429]
        assert rows(app, OrganisationSignInRow) == 3
        assert rows(app, LoginFailure) == 3  # a refused start is not counted against its address either
        refused = client_at(app, "198.51.100.9").get(START)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
        with app.app_context():
            long_ago = utc_now() - timedelta(seconds=app.config["OIDC_SIGN_IN_SECONDS"] + 1)
            db.session.execute(update(OrganisationSignInRow).values(created_at=long_ago))
            db.session.commit()
        assert client_at(app, "198.51.100.9").get(START).status_code == 302
        assert rows(app, OrganisationSignInRow) == 1


def test_a_browser_refused_at_the_start_is_sent_back_to_the_sign_in_page(database_url: str, issuer: str) -> None:
    for app in app_with(database_url, issuer, OIDC_STARTS_PER_ADDRESS=1):
        browser = client_at(app, "192.0.2.5")
        assert browser.get(START, headers={"Accept": "text/html"}).status_code == 302
        refused = browser.get(START, headers={"Accept": "text/html"})
        assert refused.status_code == 303
        assert refused.headers["Location"] == "/sign-in?problem=429"
