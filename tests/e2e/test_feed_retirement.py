"""A deactivated worker's calendar-feed links, by either door (SCIM or ``disable-user``), answer
an empty, valid calendar for ``FEED_RETIRED_DAYS`` (so subscribed calendar apps drop the
children's events they hold; a 404 would leave them showing for ever), then 404."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select, update

from backend.clock import utc_now
from backend.extensions import db
from backend.persistence.feeds import FeedToken
from backend.persistence.people import Worker
from tests.icaljs import parse_with_icaljs
from tests.support.database import app_for
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in

TOKEN = "scim-token-for-tests-only-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CASE = {
    "name": "Jo Smith",
    "episodes": [{"type": "child_protection", "start": "2026-09-01", "end": None}],
    "visits": [{"date": "2026-11-09", "role": "social_worker", "child_seen": True}],
}


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    yield from app_for(database_url, SCIM_TOKEN=TOKEN, OIDC_ROLES="Visits.SocialWorker.North=social_worker/North")


def scim_patch(app: Flask, worker: str) -> None:
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": "False"}]}
    assert app.test_client().patch(f"/scim/v2/Users/{worker}", json=body, headers=AUTH).status_code == 200


def scim_delete(app: Flask, worker: str) -> None:
    assert app.test_client().delete(f"/scim/v2/Users/{worker}", headers=AUTH).status_code == 204


def cli_disable(app: Flask, worker: str) -> None:
    assert app.test_cli_runner().invoke(args=["disable-user", "leaver@example.org"]).exit_code == 0


DOORS = pytest.mark.parametrize("deactivate", [scim_patch, scim_delete, cli_disable])


def leaver_with_feed(app: Flask) -> tuple[str, ApiClient, str]:
    team = add_team(app, "North")
    worker = add_worker(app, "social_worker", team, email="leaver@example.org")
    add_child(app, allocations=[(worker, "social_worker")], team_id=team, **CASE)
    api = signed_in(app, worker)
    url = api.post("/api/feeds/token", json={"kind": "worker"}).json["url"]
    return worker, api, url.removeprefix("http://localhost")


def events(body: bytes) -> list[object]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def age_retirement(app: Flask, days: int) -> None:
    with app.app_context():
        db.session.execute(update(FeedToken).values(retired_at=utc_now() - timedelta(days=days)))
        db.session.commit()


@DOORS
def test_a_deactivated_workers_feed_answers_an_empty_valid_calendar(
    app: Flask, client: FlaskClient, deactivate: Callable[[Flask, str], None]
) -> None:
    worker, _, feed = leaver_with_feed(app)
    assert len(events(client.get(feed).data)) == 1
    deactivate(app, worker)
    answered = client.get(feed)
    assert answered.status_code == 200 and answered.mimetype == "text/calendar"
    assert events(answered.data) == []
    Calendar.from_ical(answered.data).validate()
    parsed = parse_with_icaljs(answered.data)
    assert parsed["events"] == [] and parsed["calendar"]["version"] == "2.0"
    assert parsed["calendar"]["timezones"]  # the one component RFC 5545 requires


@DOORS
def test_past_the_period_a_retired_link_answers_404_and_its_row_goes_at_the_next_deactivation(
    app: Flask, client: FlaskClient, deactivate: Callable[[Flask, str], None]
) -> None:
    worker, _, feed = leaver_with_feed(app)
    deactivate(app, worker)
    age_retirement(app, app.config["FEED_RETIRED_DAYS"] - 1)
    assert client.get(feed).status_code == 200
    age_retirement(app, app.config["FEED_RETIRED_DAYS"])
    assert client.get(feed).status_code == 404
    other = add_worker(app, "social_worker", email="other@example.org")
    with app.app_context():
        from backend.auth.accounts import deactivate as deactivate_worker

        deactivate_worker(db.session.get(Worker, other))
        db.session.commit()
        assert db.session.scalars(select(FeedToken)).all() == []


def test_re_enabling_the_worker_does_not_revive_a_retired_link(app: Flask, client: FlaskClient) -> None:
    worker, _, feed = leaver_with_feed(app)
    cli_disable(app, worker)
    assert app.test_cli_runner().invoke(args=["disable-user", "leaver@example.org", "--enable"]).exit_code == 0
    assert events(client.get(feed).data) == []
    api = signed_in(app, worker)
    assert api.get("/api/feeds/settings").json["active_feeds"] == []
    fresh = api.post("/api/feeds/token", json={"kind": "worker"}).json["url"].removeprefix("http://localhost")
    assert len(events(client.get(fresh).data)) == 1
    assert client.get(feed).status_code == 404  # minting again replaced the retired link


def test_deactivating_again_keeps_the_first_retirement_date(app: Flask, client: FlaskClient) -> None:
    worker, _, feed = leaver_with_feed(app)
    cli_disable(app, worker)
    age_retirement(app, 10)
    scim_delete(app, worker)
    with app.app_context():
        retired_at = db.session.scalar(select(FeedToken.retired_at))
        assert retired_at is not None and utc_now() - retired_at >= timedelta(days=10)
