"""Security headers on every response of every route (walked from the url_map), in production
and in development, signed in and signed out, for answers from 200 to 405."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.support.database import app_for
from tests.support.routes import every_route, fill_path
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in, visit_body


@pytest.fixture(params=["production", "development"])
def app_env(request: pytest.FixtureRequest, database_url: str) -> Iterator[Flask]:
    # Production serves only with its public address set (gunicorn.conf.py refuses otherwise).
    yield from app_for(database_url, APP_ENV=request.param, PUBLIC_BASE_URL="https://visits.example.gov.uk")


def every_response(app: Flask) -> Iterator[tuple[str, str, TestResponse]]:
    team = add_team(app)
    admin = add_worker(app, "admin", team)
    child = add_child(app, team_id=team, allocations=[(admin, "social_worker")])
    values = {"child_id": child, "team_id": team}
    callers = {"signed in": signed_in(app, admin), "signed out": ApiClient(app.test_client(), None)}
    for who, api in callers.items():
        for rule, method in every_route(app):
            if (rule, method) == ("/api/session", "DELETE"):
                continue
            body = visit_body(child) if "visits" in rule else {}
            yield who, f"{method} {rule}", api.request(method, fill_path(rule, values), json=body)
        yield who, "unknown path", api.get("/api/no-such-thing")
        yield who, "wrong method", api.request("PATCH", "/api/caseload")
    yield "signed in", "DELETE /api/session", callers["signed in"].delete("/api/session")


def test_every_response_carries_the_security_headers(app_env: Flask) -> None:
    production = app_env.config["APP_ENV"] == "production"
    statuses = set()
    for who, route, response in every_response(app_env):
        statuses.add(response.status_code)
        where = (who, route, response.status_code)
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", where
        # One set of headers for every answer: the API's and the phone app's files alike.
        assert headers["X-Frame-Options"] == "DENY", where
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", where
        assert headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()", where
        # The app's own pages may tell the app's own origin where a click came from; nothing else may.
        assert headers["Referrer-Policy"] in ("no-referrer", "same-origin"), where
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
        assert "script-src" not in policy or "'self'" in policy, where
        assert ("Strict-Transport-Security" in headers) == production, where
        if production:
            assert int(headers["Strict-Transport-Security"].split("max-age=")[1].split(";")[0]) >= 31536000
        path = route.split(" ", 1)[-1]
        if path.startswith("/api/") or route in ("unknown path", "wrong method"):
            assert headers["Cache-Control"] == "no-store", where
        if path.startswith("/feeds/"):
            # Calendar clients poll with If-None-Match: private caching, never a shared cache.
            assert headers["Cache-Control"] in ("no-store",) or headers["Cache-Control"].startswith("private"), where
    assert {200, 201, 204, 401, 404, 405} <= statuses  # the walk met successes and failures alike
