"""Hostile and malformed input: each a 4xx naming what is wrong, never a 5xx, and nothing stored.

Complements test_api_errors.py (malformed JSON, bodies of the wrong shape, query dates).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from backend.extensions import db
from tests.support.routes import UNSAFE_METHODS, every_route, fill_path
from tests.support.world import ApiClient, add_child, add_team, add_worker, new_visit_id, signed_in, visit_body

CONTROL_CHARACTERS = ["\x00", "\x07", "\x1b[31m", "\u202e", "\r\n"]


def stored_rows(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name not in ("audit_log", "sessions")
        }


@pytest.fixture
def manager(app: Flask) -> tuple[ApiClient, str]:
    team = add_team(app)
    worker = add_worker(app, "team_manager", team)
    child = add_child(app, team_id=team, allocations=[(worker, "social_worker")])
    return signed_in(app, worker), child


def assert_refused(app: Flask, response: Any, field: str | None, before: dict[str, int]) -> None:
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    if field is not None:
        assert field in response.json.get("errors", {}), response.json
        assert all(message.strip() for message in response.json["errors"][field])
    assert stored_rows(app) == before


def test_a_body_over_the_limit_is_a_413_on_every_write(app: Flask, manager: tuple[ApiClient, str]) -> None:
    api, child = manager
    before = stored_rows(app)
    huge = {"reference": "C-HUGE", "name": "x" * (2 * 1024 * 1024)}
    for method, path in [
        ("POST", "/api/children"),
        ("PATCH", f"/api/children/{child}"),
        ("PUT", f"/api/visits/{new_visit_id()}"),
    ]:
        response = api.request(method, path, json=huge)
        assert response.status_code == 413, (method, path)
        assert_refused(app, response, None, before)


@pytest.mark.parametrize("depth", [100, 1_000, 100_000])
def test_deeply_nested_json_is_refused_with_a_4xx(app: Flask, manager: tuple[ApiClient, str], depth: int) -> None:
    api, child = manager
    before = stored_rows(app)
    nested_list = "[" * depth + "]" * depth
    nested_field = '{"child_id": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
    for text in (nested_list, nested_field):
        response = api.put(f"/api/visits/{new_visit_id()}", data=text, content_type="application/json")
        assert_refused(app, response, None, before)


WRONG_TYPES: list[tuple[str, Any]] = [
    ("child_id", 5),
    ("child_id", None),
    ("child_id", {"$ne": ""}),
    ("date", 20261120),
    ("date", ["2026-11-20"]),
    ("role", True),
    ("child_seen", "true"),
    ("child_seen", 1),
    ("seen_alone", "no"),
    ("seen_alone", None),
]


@pytest.mark.parametrize(("field", "value"), WRONG_TYPES)
def test_a_visit_field_of_the_wrong_type_is_a_422_naming_it(
    app: Flask, manager: tuple[ApiClient, str], field: str, value: Any
) -> None:
    api, child = manager
    before = stored_rows(app)
    body = visit_body(child)
    body[field] = value
    response = api.put(f"/api/visits/{new_visit_id()}", json=body)
    assert response.status_code == 422
    assert_refused(app, response, field, before)


@pytest.mark.parametrize("bad_date", ["2026-02-30", "2025-02-29", "2026-04-31", "2026-00-10", "0000-01-01", "2026-1-5"])
def test_dates_that_do_not_exist_are_a_422_naming_the_field(
    app: Flask, manager: tuple[ApiClient, str], bad_date: str
) -> None:
    api, child = manager
    before = stored_rows(app)
    attempts = [
        ("PUT", f"/api/visits/{new_visit_id()}", visit_body(child, date=bad_date), "date"),
        ("POST", f"/api/children/{child}/events", {"type": "birth", "date": bad_date}, "date"),
        ("POST", f"/api/children/{child}/episodes", {"type": "child_in_need", "start": bad_date}, "start"),
        ("PATCH", f"/api/children/{child}", {"date_of_birth": bad_date}, "date_of_birth"),
        ("POST", "/api/children", {"reference": "C-X", "date_of_birth": bad_date}, "date_of_birth"),
    ]
    for method, path, body, field in attempts:
        response = api.request(method, path, json=body)
        assert response.status_code == 422, (method, path)
        assert_refused(app, response, field, before)


@pytest.mark.parametrize(
    ("path_kind", "body", "field"),
    [
        ("visit", {"role": "wizard"}, "role"),
        ("visit", {"role": "SOCIAL_WORKER"}, "role"),
        ("episode", {"type": "child_in_need ", "start": "2026-11-02"}, "type"),
        ("episode", {"type": "cared_for", "start": "2026-11-02", "placement": "castle"}, "placement"),
        ("event", {"type": "coronation", "date": "2026-11-02"}, "type"),
        ("episode", {"type": "cared_for", "start": "2026-11-02", "legal_status": "wardship"}, "legal_status"),
        ("event", {"type": "allocated", "date": "2026-11-02", "role": "wizard"}, "role"),
        ("override", {"role": "wizard", "every": "1 week", "from": "2026-11-02", "reason": "x"}, "role"),
        ("caseload", {"status": "late"}, "status"),
    ],
)
def test_unknown_enum_values_are_a_422_naming_the_field(
    app: Flask, manager: tuple[ApiClient, str], path_kind: str, body: dict[str, Any], field: str
) -> None:
    api, child = manager
    before = stored_rows(app)
    if path_kind == "visit":
        response = api.put(f"/api/visits/{new_visit_id()}", json=visit_body(child, **body))
    elif path_kind == "caseload":
        response = api.get("/api/caseload", query_string=body)
    else:
        response = api.post(f"/api/children/{child}/{path_kind}s", json=body)
    assert response.status_code == 422
    assert_refused(app, response, field, before)


@pytest.mark.parametrize("control", CONTROL_CHARACTERS)
def test_text_with_control_characters_is_a_422_naming_the_field(
    app: Flask, manager: tuple[ApiClient, str], control: str
) -> None:
    api, child = manager
    before = stored_rows(app)
    attempts = [
        ("POST", "/api/children", {"reference": "C-1", "name": f"Jo{control}Smith"}, "name"),
        ("POST", "/api/children", {"reference": f"C-{control}1", "name": "Jo Smith"}, "reference"),
        ("PATCH", f"/api/children/{child}", {"name": f"Jo{control}Smith"}, "name"),
        ("PUT", f"/api/visits/{new_visit_id()}", visit_body(f"{child}{control}"), "child_id"),
    ]
    for method, path, body, field in attempts:
        response = api.request(method, path, json=body)
        assert response.status_code == 422, (method, path, response.status_code)
        assert_refused(app, response, field, before)


def test_a_null_byte_in_a_path_or_query_is_a_4xx(app: Flask, manager: tuple[ApiClient, str]) -> None:
    api, child = manager
    before = stored_rows(app)
    for path in (f"/api/children/{child}%00", "/api/caseload?as_of=2026-11-20%00", "/api/teams/%00/overview"):
        assert_refused(app, api.get(path), None, before)


HUGE_INTEGER = "1" * 4_301  # one digit past Python's limit on reading an int from text


@pytest.mark.parametrize("where", ["top", "field"])
def test_an_integer_too_long_to_read_is_a_400_on_every_write_route(
    app: Flask, manager: tuple[ApiClient, str], where: str
) -> None:
    api, _ = manager
    before = stored_rows(app)
    text = HUGE_INTEGER if where == "top" else '{"duration_minutes": ' + HUGE_INTEGER + ', "date": "2026-11-20"}'
    writes = [(rule, method) for rule, method in every_route(app) if method in UNSAFE_METHODS]
    assert writes
    for rule, method in writes:
        path = fill_path(rule, {})
        response = api.request(method, path, data=text, content_type="application/json")
        assert response.status_code == 400, (method, rule, response.status_code)
        assert_refused(app, response, None, before)


def test_an_integer_too_long_to_read_is_a_400_when_signing_in(app: Flask) -> None:
    body = '{"email": "a@example.org", "password": ' + HUGE_INTEGER + "}"
    response = app.test_client().post("/api/session", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
