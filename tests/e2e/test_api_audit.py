"""The audit trail records every read and change of a child's data; the logs hold no personal data.

Both walk the url_map, so a new route must say how it is audited (or why it holds no child data).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from backend.clock import utc_now
from backend.extensions import db
from backend.persistence.audit import AuditEntry
from backend.persistence.children import EpisodeRow, OverrideRow
from tests.support.carers import add_carer, carer_visit_body
from tests.support.plans import add_plan, new_plan_id, plan_body
from tests.support.routes import every_route, fill_path
from tests.support.world import (
    PASSWORD,
    add_child,
    add_team,
    add_worker,
    household_visit_body,
    new_visit_id,
    signed_in,
    visit_body,
)

# Routes that hold no child's data: nothing to audit.
NO_CHILD_DATA = {
    ("/api/health", "GET"),
    ("/api/openapi.json", "GET"),
    ("/api/session", "GET"),
    ("/api/session", "POST"),
    ("/api/session", "DELETE"),
    ("/api/session/password", "POST"),
    # Signing in with the organisation: a worker it creates or changes is audited
    # (tests/e2e/test_organisation_sign_in.py), as SCIM's changes are (tests/e2e/test_scim.py).
    ("/api/session/providers", "GET"),
    ("/api/session/organisation", "GET"),
    ("/api/session/organisation/callback", "GET"),
    # Push: the caller's own devices and reminder settings.
    ("/api/push/public-key", "GET"),
    ("/api/push/preferences", "GET"),
    ("/api/push/preferences", "PUT"),
    ("/api/push/subscriptions", "POST"),
    ("/api/push/subscriptions", "DELETE"),
    ("/api/push/test", "POST"),
    # Feeds: the caller's own link and settings (the .ics polls are outside /api: see the README).
    ("/api/feeds/settings", "GET"),
    ("/api/teams", "GET"),  # team names only
    ("/api/workers/<worker_id>/cover", "GET"),  # who covers whom, when
    ("/api/feeds/settings", "PATCH"),
    ("/api/feeds/token", "POST"),
    ("/api/feeds/token", "DELETE"),
}
# Listings answer many children at once: audited as one read with no child id.
LISTINGS = {
    ("/api/children", "GET"),
    ("/api/caseload", "GET"),
    ("/api/teams/<team_id>/overview", "GET"),
    ("/api/teams/<team_id>/overview.csv", "GET"),
    ("/api/workers/<worker_id>/caseload", "GET"),
    # Cover granted or ended: a change that names no child.
    ("/api/workers/<worker_id>/cover", "POST"),
    ("/api/workers/<worker_id>/cover/<cover_id>", "DELETE"),
    ("/api/plans", "GET"),  # without child_id: the caller's own plans
    ("/api/carers", "GET"),
}
# A carer's record is no child's: audited with no child id, the route naming the carer's resource.
CARER_ROUTES = {
    ("/api/carers", "POST"),
    ("/api/carers/<carer_id>", "GET"),
    ("/api/carers/<carer_id>", "PATCH"),
    ("/api/carer-visits/<uuid:visit_id>", "GET"),
    ("/api/carer-visits/<uuid:visit_id>", "PUT"),
}


def bodies(child: str, spare_worker: str, adviser: str) -> dict[tuple[str, str], Any]:
    return {
        ("/api/children", "POST"): {"reference": "C-AUDIT-2", "name": "Another Child"},
        ("/api/children/<child_id>", "PATCH"): {"name": "Renamed Child"},
        ("/api/children/<child_id>/episodes", "POST"): {"type": "child_in_need", "start": "2026-11-02"},
        ("/api/children/<child_id>/episodes/<episode_id>", "PATCH"): {"end": "2026-11-20"},
        ("/api/children/<child_id>/events", "POST"): {"type": "birth", "date": "2026-11-02"},
        ("/api/children/<child_id>/allocations", "POST"): {"worker_id": spare_worker, "role": "personal_adviser"},
        ("/api/children/<child_id>/reallocation", "POST"): {"worker_id": adviser, "role": "personal_adviser"},
        ("/api/workers/<worker_id>/cover", "POST"): {"worker_id": adviser, "from": "2027-01-04", "until": "2027-01-08"},
        ("/api/workers/<worker_id>/cover/<cover_id>", "DELETE"): None,
        ("/api/children/<child_id>/overrides", "POST"): {
            "role": "social_worker",
            "every": "1 week",
            "from": "2026-11-02",
            "reason": "risk plan",
        },
        ("/api/children/<child_id>/overrides/<override_id>", "PATCH"): {"until": "2026-11-20"},
        ("/api/visits/<uuid:visit_id>", "PUT"): visit_body(child, date="2026-11-02"),
        ("/api/visits/<uuid:visit_id>", "DELETE"): None,
        # One child here: a household visit writes one entry per child it saw.
        ("/api/household-visits/<uuid:household_visit_id>", "PUT"): household_visit_body([child], date="2026-11-03"),
        ("/api/visits/<uuid:visit_id>/written-up", "PUT"): {"written_up": "2026-11-20"},
        ("/api/plans/<uuid:plan_id>", "PUT"): plan_body(child),
        ("/api/plans/<uuid:plan_id>", "DELETE"): None,
        ("/api/plans/<uuid:plan_id>/complete", "POST"): {"date": "2026-11-20"},
        ("/api/carers", "POST"): {"reference": "FC-AUDIT-2", "type": "connected_person", "approved": "2026-11-02"},
        ("/api/carers/<carer_id>", "PATCH"): {"name": "Renamed Carer"},
    }


def audit_rows(app: Flask) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        db.session.expunge_all()
        return list(rows)


def test_every_read_and_change_of_a_childs_data_is_audited_with_who_what_when_and_route(app: Flask) -> None:
    team = add_team(app)
    admin, spare = add_worker(app, "admin", team), add_worker(app, "social_worker", team)
    child = add_child(
        app,
        team_id=team,
        allocations=[(admin, "social_worker")],
        overrides=[{"role": "social_worker", "every": "2 weeks", "from": "2026-11-02", "reason": "risk plan"}],
    )
    with app.app_context():
        episode = db.session.scalar(db.select(EpisodeRow.id).where(EpisodeRow.child_id == child))
        override = db.session.scalar(db.select(OverrideRow.id).where(OverrideRow.child_id == child))
    api = signed_in(app, admin)
    visit_id = new_visit_id()
    assert api.put(f"/api/visits/{visit_id}", json=visit_body(child)).status_code == 201
    # Its own visit: the one above may be withdrawn first, and a withdrawn visit has nothing to write up.
    to_write_up = new_visit_id()
    assert api.put(f"/api/visits/{to_write_up}", json=visit_body(child)).status_code == 201
    plan_id, plan_to_complete = add_plan(app, child, admin), add_plan(app, child, admin)
    values = {
        "child_id": child,
        "team_id": team,
        "episode_id": episode,
        "visit_id": visit_id,
        "plan_id": plan_id,
        "override_id": override,
        "worker_id": spare,
    }
    carer = add_carer(app, supervising_worker_id=admin, team_id=team)
    carer_visit = new_visit_id()
    assert api.put(f"/api/carer-visits/{carer_visit}", json=carer_visit_body(carer)).status_code == 201
    values |= {"carer_id": carer}
    adviser = add_worker(app, "personal_adviser", team)
    cover = api.post(
        f"/api/workers/{spare}/cover", json={"worker_id": adviser, "from": "2027-01-04", "until": "2027-01-08"}
    )
    values["cover_id"] = cover.json["id"]
    request_bodies = bodies(child, spare, adviser) | {
        ("/api/carer-visits/<uuid:visit_id>", "PUT"): carer_visit_body(carer)
    }
    for rule, method in every_route(app):
        if not rule.startswith("/api/") or (rule, method) in NO_CHILD_DATA:
            continue
        assert method == "GET" or (rule, method) in request_bodies, f"add a body for {method} {rule}"
        seen = len(audit_rows(app))
        path = fill_path(rule, values)
        if rule == "/api/visits/<uuid:visit_id>" and method == "PUT":
            path = f"/api/visits/{new_visit_id()}"
        if rule == "/api/plans/<uuid:plan_id>" and method == "PUT":
            path = f"/api/plans/{new_plan_id()}"
        if rule == "/api/household-visits/<uuid:household_visit_id>":
            path = f"/api/household-visits/{new_visit_id()}"
        if rule == "/api/visits/<uuid:visit_id>/written-up":
            path = f"/api/visits/{to_write_up}/written-up"
        if rule == "/api/carer-visits/<uuid:visit_id>":
            path = f"/api/carer-visits/{carer_visit if method == 'GET' else new_visit_id()}"
        if rule == "/api/plans/<uuid:plan_id>/complete":
            path = f"/api/plans/{plan_to_complete}/complete"
        response = api.request(method, path, json=request_bodies.get((rule, method)))
        assert response.status_code < 300, (method, rule, response.json)
        new = audit_rows(app)[seen:]
        assert len(new) == 1, (method, rule, new)
        entry = new[0]
        assert entry.route == f"{method} {rule}"
        assert entry.worker_id == admin
        assert entry.action == ("read" if method == "GET" else "change")
        assert utc_now() - entry.at < timedelta(minutes=1)
        if (rule, method) in LISTINGS | CARER_ROUTES:
            assert entry.child_id is None
        elif (rule, method) == ("/api/children", "POST"):
            assert entry.child_id == response.json["id"]
        else:
            assert entry.child_id == child, (method, rule)


def test_a_refused_read_of_a_foreign_child_is_not_recorded_as_a_read(app: Flask) -> None:
    child = add_child(app, allocations=[(add_worker(app), "social_worker")])
    api = signed_in(app, add_worker(app))
    assert api.get(f"/api/children/{child}").status_code == 404
    assert [row for row in audit_rows(app) if row.child_id == child] == []


# Canaries: if any of these reaches a log line, personal data leaks into the logs.
CANARY_NAME = "Zephyrine Quattlebaum-Okonkwo"
CANARY_BIRTH_DATE = "2013-07-19"
CANARY_PASSWORD = PASSWORD


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The app behind werkzeug's own server on loopback, so its access log lines are produced too."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join()


def walk_everything(app: Flask, base: str) -> tuple[int, str]:
    """Sign in, then every route with real ids and a canary-laden body, then a feed poll;
    returns the requests made and the feed's token."""
    team = add_team(app, "Canary Team")
    admin = add_worker(app, "admin", team, email="canary.admin@example.org")
    child = add_child(
        app, team_id=team, allocations=[(admin, "social_worker")], name=CANARY_NAME, date_of_birth=CANARY_BIRTH_DATE
    )
    http = requests.Session()
    signed = http.post(f"{base}/api/session", json={"email": "canary.admin@example.org", "password": PASSWORD})
    assert signed.status_code == 200
    http.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
    http.post(f"{base}/api/session", json={"email": CANARY_NAME, "password": "wrong"})
    values = {"child_id": child, "team_id": team}
    canary_bodies = {
        ("/api/children", "POST"): {"reference": "C-CANARY", "name": CANARY_NAME, "date_of_birth": CANARY_BIRTH_DATE},
        ("/api/children/<child_id>", "PATCH"): {"name": CANARY_NAME, "date_of_birth": "2013-02-30"},
        ("/api/session/password", "POST"): {"current_password": CANARY_NAME, "new_password": PASSWORD},
    }
    made = 2
    for rule, method in every_route(app):
        if (rule, method) in (("/api/session", "DELETE"), ("/api/session", "POST")):
            continue
        body = canary_bodies.get((rule, method), {"name": CANARY_NAME, "date_of_birth": CANARY_BIRTH_DATE})
        http.request(method, base + fill_path(rule, values), json=body, timeout=10)
        made += 1
    # The same child added twice: the database refuses it, and the refusal must not quote it.
    for _ in range(2):
        http.post(f"{base}/api/children", json=canary_bodies[("/api/children", "POST")], timeout=10)
    http.get(f"{base}/api/children/{child}", timeout=10)
    feed_url = http.post(f"{base}/api/feeds/token", json={"kind": "worker"}, timeout=10).json()["url"]
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = requests.get(f"{base}/feeds/{token}.ics", timeout=10)
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text
    http.delete(f"{base}/api/session", timeout=10)
    return made + 6, token


def test_no_log_line_holds_a_childs_name_birth_date_a_password_or_a_feed_token(
    app: Flask, served: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    requests_made, feed_token = walk_everything(app, served)
    # urllib3 is this test's own HTTP client, not the service.
    lines = [record.getMessage() for record in caplog.records if not record.name.startswith("urllib3")]
    access_lines = [line for line in lines if " HTTP/1.1" in line]
    assert len(access_lines) >= requests_made  # werkzeug's access log was captured
    assert any("/feeds/" in line for line in lines)  # the feed poll was logged, scrubbed
    for canary in (CANARY_NAME, CANARY_BIRTH_DATE, "Quattlebaum", CANARY_PASSWORD, feed_token):
        assert [line for line in lines if canary in line] == []
