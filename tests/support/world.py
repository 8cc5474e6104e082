"""Builders for people, children and signed-in clients in API and persistence tests."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from backend.auth.passwords import hash_password
from backend.auth.sessions import csrf_token_for, hash_token, start_session
from backend.core.cases import parse_case
from backend.extensions import db
from backend.persistence.case_rows import child_fields
from backend.persistence.children import Allocation, Child
from backend.persistence.people import Team, Worker
from backend.services.children import store_case_facts
from tests.builders import make_case_json

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash() -> str:
    # Hashed once per run at the real (OWASP) cost; tests then share it.
    return hash_password(PASSWORD)


def add_team(app: Flask, name: str | None = None) -> str:
    with app.app_context():
        team = Team(name=name or f"Team {next(_numbers)}")
        db.session.add(team)
        db.session.commit()
        return team.id


def add_worker(
    app: Flask,
    role: str = "social_worker",
    team_id: str | None = None,
    *,
    email: str | None = None,
    name: str | None = None,
    active: bool = True,
) -> str:
    number = next(_numbers)
    with app.app_context():
        worker = Worker(
            email=email or f"worker{number}@example.org",
            name=name or f"Worker {number}",
            role=role,
            team_id=team_id,
            active=active,
            password_hash=password_hash(),
        )
        db.session.add(worker)
        db.session.commit()
        return worker.id


def add_child(
    app: Flask,
    *,
    allocations: Iterable[tuple[str, str]] = (),
    team_id: str | None = None,
    starts_on: date = date(2020, 1, 1),
    **case_overrides: Any,
) -> str:
    """A child from a case JSON (tests.builders.make_case_json) allocated to (worker_id, role) pairs."""
    case_overrides.setdefault("reference", f"C-{next(_numbers):05d}")
    case = parse_case(make_case_json(**case_overrides))
    with app.app_context():
        child = Child(reference=case.reference, team_id=team_id, **child_fields(case))
        db.session.add(child)
        db.session.flush()
        store_case_facts(child.id, case)
        for worker_id, role in allocations:
            db.session.add(Allocation(child_id=child.id, worker_id=worker_id, role=role, starts_on=starts_on))
        db.session.commit()
        return child.id


class ApiClient:
    """A test client signed in as one worker, sending the CSRF header on every write."""

    def __init__(self, client: FlaskClient, csrf_token: str | None) -> None:
        self.client = client
        self.csrf_token = csrf_token

    def request(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.csrf_token and method in ("POST", "PUT", "PATCH", "DELETE"):
            headers.setdefault("X-CSRF-Token", self.csrf_token)
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("DELETE", path, **kwargs)


def signed_in(app: Flask, worker_id: str) -> ApiClient:
    """A client with a live session for the worker (made directly: argon2 is paid only by sign-in tests)."""
    with app.app_context():
        token = start_session(worker_id, "local")
        db.session.commit()
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], token)
    return ApiClient(client, csrf_token_for(hash_token(token), app.config["SECRET_KEY"]))


def visit_body(child_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "child_id": child_id,
        "date": "2026-11-20",
        "role": "social_worker",
        "child_seen": True,
        "seen_alone": False,
    }
    body.update(overrides)
    return body


def household_visit_body(children: Iterable[str], **overrides: Any) -> dict[str, Any]:
    """A household visit seeing each child alone, bedroom not seen."""
    body: dict[str, Any] = {
        "date": "2026-11-20",
        "role": "social_worker",
        "children": [
            {"child_id": child, "child_seen": True, "seen_alone": True, "bedroom_seen": False} for child in children
        ],
    }
    body.update(overrides)
    return body


def new_visit_id() -> str:
    return str(uuid.uuid4())
