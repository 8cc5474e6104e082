"""Errors as application/problem+json, never a 500 on bad input; headers; the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.support.database import app_for
from tests.support.world import add_child, add_worker, new_visit_id, signed_in, visit_body


def test_malformed_json_is_a_400_problem(app: Flask) -> None:
    api = signed_in(app, add_worker(app))
    response = api.put(f"/api/visits/{new_visit_id()}", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 400 and response.json["title"] == "Bad Request"


@pytest.mark.parametrize("body", [[], "text", 5, None, {"child_id": ["x"], "date": 20261120}])
def test_bodies_of_the_wrong_shape_are_422_problems(app: Flask, body: object) -> None:
    api = signed_in(app, add_worker(app))
    response = api.put(f"/api/visits/{new_visit_id()}", json=body)
    assert response.status_code == 422
    assert response.json["errors"]


def test_unknown_fields_are_named(app: Flask) -> None:
    worker = add_worker(app)
    child = add_child(app, allocations=[(worker, "social_worker")])
    response = signed_in(app, worker).put(f"/api/visits/{new_visit_id()}", json=visit_body(child, mood="fine"))
    assert response.status_code == 422 and response.json["errors"] == {"mood": ["Unknown field."]}


@pytest.mark.parametrize("as_of", ["2026-02-30", "20261123", "2026-W48-1", "tomorrow", "2026-13-01"])
def test_query_dates_other_than_real_yyyy_mm_dd_are_422(app: Flask, as_of: str) -> None:
    response = signed_in(app, add_worker(app)).get(f"/api/caseload?as_of={as_of}")
    assert response.status_code == 422 and list(response.json["errors"]) == ["as_of"]


def test_a_date_outside_the_working_day_calendar_is_a_422_not_a_500(app: Flask) -> None:
    worker = add_worker(app)
    add_child(app, allocations=[(worker, "social_worker")])
    response = signed_in(app, worker).get("/api/caseload?as_of=1990-01-01")
    assert response.status_code == 422


def test_an_oversized_body_is_413(app: Flask) -> None:
    api = signed_in(app, add_worker(app, "team_manager"))
    response = api.post("/api/children", data="[" + "0," * 600_000 + "0]", content_type="application/json")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_unknown_routes_and_methods_are_problems_too(app: Flask) -> None:
    api = signed_in(app, add_worker(app))
    assert api.get("/api/nothing-here").mimetype == "application/problem+json"
    response = api.delete("/api/caseload")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


@pytest.fixture
def fragile_app(database_url: str) -> Iterator[Flask]:
    yield from app_for(database_url, PROPAGATE_UNHANDLED=False)


def test_an_unexpected_failure_is_a_bare_500_problem(fragile_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.services import caseload

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("Jo Smith, born 2015-03-02")

    monkeypatch.setattr("backend.api.caseload.workers_caseloads_in_full", broken)
    response = signed_in(fragile_app, add_worker(fragile_app)).get("/api/caseload")
    assert response.status_code == 500
    assert "Jo Smith" not in response.get_data(as_text=True)
    assert caseload.workers_caseloads_in_full is not broken


def test_every_response_carries_the_security_headers(client) -> None:  # noqa: ANN001
    response = client.get("/api/health")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # testing runs over plain HTTP


def test_child_data_is_never_cached(app: Flask) -> None:
    worker = add_worker(app)
    child = add_child(app, allocations=[(worker, "social_worker")])
    assert signed_in(app, worker).get(f"/api/children/{child}").headers["Cache-Control"] == "no-store"


def test_the_openapi_document_is_public_and_generated_from_the_schemas(client) -> None:  # noqa: ANN001
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "/api/visits/{visit_id}" in document["paths"]
    assert {"VisitReport", "ChildCreate", "Problem"} <= set(document["components"]["schemas"])


def test_endpoints_need_a_session(client) -> None:  # noqa: ANN001
    response = client.get("/api/caseload")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
