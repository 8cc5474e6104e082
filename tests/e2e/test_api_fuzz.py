"""Fuzzing every operation of the generated OpenAPI document with schemathesis, in-process.

Signed in as an admin (who may reach every operation), with a fixed seed and 100 examples
per operation: half with made-up ids, half aimed at a real child, episode, team and worker so
that the handlers behind the 404 get fuzzed too. No response may be a 5xx, and every
documented response must match its documented schema.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from backend.config import DEFAULTS
from backend.core.date_ranges import STORED, date_range
from backend.extensions import db
from backend.persistence.children import EpisodeRow, OverrideRow
from tests.support.database import app_for, prepared_database
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in

EXAMPLES_PER_OPERATION = 100
SEED = 20261123
CHECKS = [not_a_server_error, response_schema_conformance]
# Dates mostly inside the years the service accepts (core/date_ranges.py), so that requests get
# past validation to the handlers; any date at all otherwise, so that the refusals are fuzzed too.
ACCEPTED = date_range(STORED, DEFAULTS["CALENDAR_FIRST_YEAR"], DEFAULTS["CALENDAR_LAST_YEAR"])
schemathesis.openapi.format(
    "date",
    st.one_of(
        st.dates(ACCEPTED.earliest, ACCEPTED.latest), st.dates(ACCEPTED.earliest, ACCEPTED.latest), st.dates()
    ).map(date.isoformat),
)


@pytest.fixture
def fuzzed_app(tmp_path: Path) -> Iterator[Flask]:
    # SQLite only: the point is the HTTP boundary, and the run time stays bounded.
    yield from app_for(prepared_database("sqlite", tmp_path), PROPAGATE_UNHANDLED=False)


def real_ids(app: Flask) -> dict[str, str]:
    team = add_team(app)
    admin = add_worker(app, "admin", team)
    worker = add_worker(app, "social_worker", team)
    child = add_child(
        app,
        team_id=team,
        allocations=[(worker, "social_worker")],
        overrides=[{"role": "social_worker", "every": "1 week", "from": "2026-11-02", "reason": "risk plan"}],
    )
    with app.app_context():
        episode = db.session.scalar(db.select(EpisodeRow.id).where(EpisodeRow.child_id == child))
        override = db.session.scalar(db.select(OverrideRow.id).where(OverrideRow.child_id == child))
    return {
        "admin": admin,
        "worker_id": worker,
        "child_id": child,
        "episode_id": episode,
        "override_id": override,
        "team_id": team,
    }


def aimed_at_real_records(ids: dict[str, str]) -> Any:
    def aim(case: Any) -> Any:
        if isinstance(case.body, dict):
            for name in ("child_id", "worker_id"):
                if name in case.body:
                    case.body[name] = ids[name]
        return case

    return aim


def cases_for(operation: Any, ids: dict[str, str]) -> st.SearchStrategy[Any]:
    path_ids = {name: value for name, value in ids.items() if f"{{{name}}}" in operation.path}
    aimed = operation.as_strategy(path_parameters=path_ids or None).map(aimed_at_real_records(ids))
    return st.one_of(operation.as_strategy(), aimed)


def fuzz(app: Flask, operation: Any, ids: dict[str, str], statuses: Counter[int]) -> list[str]:
    failures: list[str] = []
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    shared = signed_in(app, ids["admin"])

    def session_for_case() -> ApiClient:
        # Signing out ends the session: each sign-out case gets a session of its own.
        return signed_in(app, ids["admin"]) if operation.method.upper() == "DELETE" else shared

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(SEED)
    @given(case=cases_for(operation, ids))
    def run(case: Any) -> None:
        api = session_for_case()
        cookie = api.client.get_cookie(cookie_name)
        assert cookie is not None and api.csrf_token is not None
        response = case.call(app=app, headers={"X-CSRF-Token": api.csrf_token}, cookies={cookie_name: cookie.value})
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as failure:  # schemathesis raises a group of check failures
            failures.append(f"{operation.label} -> {response.status_code}: {str(failure)[:400]}")

    run()
    return failures


def test_no_operation_answers_a_server_error_or_breaks_its_documented_schema(fuzzed_app: Flask) -> None:
    ids = real_ids(fuzzed_app)
    document = fuzzed_app.test_client().get("/api/openapi.json").json
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    for operation in operations:
        failures.extend(fuzz(fuzzed_app, operation, ids, statuses))
    assert len(operations) >= len(document["paths"])
    assert failures == []
    assert not [status for status in statuses if status >= 500]
    # Not vacuous: the fuzzer got past validation and the 404 often enough to reach the handlers.
    assert statuses[200] + statuses[201] > 300, statuses
    print(f"fuzzing: {len(operations)} operations, {sum(statuses.values())} requests, statuses {dict(statuses)}")
