"""Dates at and beyond the ends of the calendar's years, on every write route, then every read
that depends on them: each write answers 2xx or a 422 naming the field (never a 5xx), nothing
out of range is stored, and the caseload, the team overview, the plan list, the feed and the
reminders job all still answer.

With the default calendar years (2000-2045) stored dates lie in 2001-2044 and dates of birth
in 1975-2044 (core/date_ranges.py says why).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from backend.extensions import db
from backend.persistence.children import EpisodeRow, OverrideRow, VisitRow
from tests.e2e.test_api_bad_input import stored_rows
from tests.support.carers import add_carer, carer_visit_body
from tests.support.routes import UNSAFE_METHODS, every_route
from tests.support.world import ApiClient, add_child, add_team, add_worker, household_visit_body, signed_in, visit_body

FIRST_STORED, LAST_STORED = "2001-01-01", "2044-12-31"
FIRST_BIRTH, LAST_BIRTH = "1975-01-01", "2044-12-31"
# A plausible typo (1926), an imported Victorian date, the year 0001, and the ends of date itself.
BEYOND_STORED = ["0001-01-01", "1899-12-31", "1926-05-01", "2000-12-31", "2045-01-01", "9999-12-31"]
BEYOND_BIRTH = ["0001-01-01", "1926-05-01", "1974-12-31", "2045-01-01", "9999-12-31"]
BEYOND_TIMES = [
    "0001-01-01T00:00",
    "0001-01-01T00:30+05:00",
    "2000-12-31T23:59",
    "2045-01-01T00:00",
    "9999-12-31T23:00",
    "9999-12-31T23:00-05:00",
]
AT_END_TIMES = ["2001-01-01T00:00", "2044-12-31T12:00"]


@dataclass
class World:
    team: str
    manager: str
    api: ApiClient
    child: str
    episode: str
    plan: str
    override: str
    visit: str
    spare: str  # a worker of the team, free to be allocated
    carer: str = ""


@pytest.fixture
def world(app: Flask) -> World:
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    spare = add_worker(app, "social_worker", team, email="other@example.org")
    child = add_child(
        app,
        team_id=team,
        allocations=[(manager, "social_worker")],
        visits=[{"date": "2026-11-02", "role": "social_worker", "child_seen": True}],
        overrides=[{"role": "social_worker", "every": "2 weeks", "from": "2026-11-02", "reason": "risk plan"}],
    )
    with app.app_context():
        episode = db.session.scalar(db.select(EpisodeRow.id).where(EpisodeRow.child_id == child))
        override = db.session.scalar(db.select(OverrideRow.id).where(OverrideRow.child_id == child))
        visit = db.session.scalar(db.select(VisitRow.id).where(VisitRow.child_id == child))
    api = signed_in(app, manager)
    plan = str(uuid.uuid4())
    made = api.put(
        f"/api/plans/{plan}", json={"child_id": child, "starts_at": "2026-12-01T10:00", "kind": "home_visit"}
    )
    assert made.status_code == 201, made.json
    carer = add_carer(app, supervising_worker_id=manager, team_id=team, household="H-1")
    return World(team, manager, api, child, episode, plan, override, visit, spare, carer)


@dataclass(frozen=True)
class DateWrite:
    """One date-bearing field of one write route: the route, and a body carrying ``text`` in the field."""

    method: str
    rule: str
    field: str
    body: Callable[[World, str], dict[str, Any]]
    path: Callable[[World], str]
    kind: str = "stored"


def new_child(**fields: Any) -> dict[str, Any]:
    return {"reference": f"C-{uuid.uuid4().hex[:8]}", **fields}


def children(_: World) -> str:
    return "/api/children"


def of_child(tail: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/children/{w.child}{tail}"


def override_body(start: str = FIRST_STORED, until: str | None = None) -> dict[str, Any]:
    return {"role": "social_worker", "every": "5 working days", "from": start, "until": until, "reason": "agreed"}


DATE_WRITES = [
    DateWrite(
        "PUT",
        "/api/visits/<uuid:visit_id>",
        "date",
        lambda w, d: visit_body(w.child, date=d),
        lambda w: f"/api/visits/{uuid.uuid4()}",
    ),
    DateWrite(
        "PUT",
        "/api/household-visits/<uuid:household_visit_id>",
        "date",
        lambda w, d: household_visit_body([w.child], date=d),
        lambda w: f"/api/household-visits/{uuid.uuid4()}",
    ),
    DateWrite(
        "PUT",
        "/api/visits/<uuid:visit_id>/written-up",
        "written_up",
        lambda w, d: {"written_up": d},
        lambda w: f"/api/visits/{w.visit}/written-up",
    ),
    DateWrite("POST", "/api/children", "date_of_birth", lambda w, d: new_child(date_of_birth=d), children, "birth"),
    DateWrite(
        "POST",
        "/api/children",
        "episodes.0.start",
        lambda w, d: new_child(episodes=[{"type": "child_in_need", "start": d}]),
        children,
    ),
    DateWrite(
        "POST",
        "/api/children",
        "episodes.0.end",
        lambda w, d: new_child(episodes=[{"type": "child_in_need", "start": FIRST_STORED, "end": d}]),
        children,
    ),
    DateWrite(
        "POST",
        "/api/children",
        "events.0.date",
        lambda w, d: new_child(events=[{"type": "birth", "date": d}]),
        children,
    ),
    DateWrite(
        "POST",
        "/api/children",
        "visits.0.date",
        lambda w, d: new_child(visits=[{"date": d, "role": "social_worker"}]),
        children,
    ),
    DateWrite(
        "POST",
        "/api/children",
        "overrides.0.from",
        lambda w, d: new_child(overrides=[override_body(start=d)]),
        children,
    ),
    DateWrite(
        "POST",
        "/api/children",
        "overrides.0.until",
        lambda w, d: new_child(overrides=[override_body(until=d)]),
        children,
    ),
    DateWrite(
        "PATCH", "/api/children/<child_id>", "date_of_birth", lambda w, d: {"date_of_birth": d}, of_child(), "birth"
    ),
    DateWrite(
        "POST",
        "/api/children/<child_id>/allocations",
        "from",
        lambda w, d: {"worker_email": "other@example.org", "role": "social_worker", "from": d},
        of_child("/allocations"),
    ),
    DateWrite(
        "POST",
        "/api/workers/<worker_id>/cover",
        "from",
        lambda w, d: {"worker_id": w.manager, "from": d, "until": LAST_STORED},
        lambda w: f"/api/workers/{w.spare}/cover",
    ),
    DateWrite(
        "POST",
        "/api/workers/<worker_id>/cover",
        "until",
        lambda w, d: {"worker_id": w.manager, "from": FIRST_STORED, "until": d},
        lambda w: f"/api/workers/{w.spare}/cover",
    ),
    DateWrite(
        "POST",
        "/api/children/<child_id>/reallocation",
        "from",
        lambda w, d: {"worker_id": w.spare, "role": "social_worker", "from": d},
        of_child("/reallocation"),
    ),
    DateWrite(
        "POST",
        "/api/children/<child_id>/episodes",
        "start",
        lambda w, d: {"type": "child_protection", "start": d},
        of_child("/episodes"),
    ),
    DateWrite(
        "POST",
        "/api/children/<child_id>/episodes",
        "end",
        lambda w, d: {"type": "child_protection", "start": FIRST_STORED, "end": d},
        of_child("/episodes"),
    ),
    DateWrite(
        "PATCH",
        "/api/children/<child_id>/episodes/<episode_id>",
        "end",
        lambda w, d: {"end": d},
        lambda w: f"/api/children/{w.child}/episodes/{w.episode}",
    ),
    DateWrite(
        "POST",
        "/api/children/<child_id>/events",
        "date",
        lambda w, d: {"type": "birth", "date": d},
        of_child("/events"),
    ),
    DateWrite(
        "POST",
        "/api/children/<child_id>/overrides",
        "from",
        lambda w, d: override_body(start=d),
        of_child("/overrides"),
    ),
    DateWrite(
        "POST",
        "/api/children/<child_id>/overrides",
        "until",
        lambda w, d: override_body(until=d),
        of_child("/overrides"),
    ),
    DateWrite(
        "PATCH",
        "/api/children/<child_id>/overrides/<override_id>",
        "until",
        lambda w, d: {"until": d},
        lambda w: f"/api/children/{w.child}/overrides/{w.override}",
    ),
    DateWrite(
        "PUT",
        "/api/plans/<uuid:plan_id>",
        "starts_at",
        lambda w, d: {"child_id": w.child, "starts_at": d, "kind": "home_visit", "duration_minutes": 720},
        lambda w: f"/api/plans/{uuid.uuid4()}",
        "time",
    ),
    DateWrite(
        "POST",
        "/api/plans/<uuid:plan_id>/complete",
        "date",
        lambda w, d: {"date": d},
        lambda w: f"/api/plans/{w.plan}/complete",
    ),
]


def new_carer(**fields: Any) -> dict[str, Any]:
    return {"reference": f"FC-{uuid.uuid4().hex[:8]}", "type": "short_term_foster_carer", **fields}


def carers(_: World) -> str:
    return "/api/carers"


def of_carer(w: World) -> str:
    return f"/api/carers/{w.carer}"


DATE_WRITES += [
    DateWrite("POST", "/api/carers", "approved", lambda w, d: new_carer(approved=d), carers),
    DateWrite(
        "POST", "/api/carers", "transferred", lambda w, d: new_carer(approved=FIRST_STORED, transferred=d), carers
    ),
    DateWrite("POST", "/api/carers", "ended", lambda w, d: new_carer(approved=FIRST_STORED, ended=d), carers),
    DateWrite("PATCH", "/api/carers/<carer_id>", "approved", lambda w, d: {"approved": d}, of_carer),
    DateWrite("PATCH", "/api/carers/<carer_id>", "ended", lambda w, d: {"ended": d}, of_carer),
    DateWrite(
        "PUT",
        "/api/carer-visits/<uuid:visit_id>",
        "date",
        lambda w, d: carer_visit_body(w.carer, date=d),
        lambda w: f"/api/carer-visits/{uuid.uuid4()}",
    ),
    DateWrite(
        "POST",
        "/api/children/<child_id>/episodes",
        "start",
        lambda w, d: {"type": "cared_for", "placement": "foster_care", "carer_household": "H-1", "start": d},
        of_child("/episodes"),
    ),
]

# Write routes that take no date: listed so that a new route must be placed in one list or the other.
DATELESS_WRITES = {
    ("DELETE", "/api/plans/<uuid:plan_id>"),
    ("DELETE", "/api/visits/<uuid:visit_id>"),
    ("DELETE", "/api/workers/<worker_id>/cover/<cover_id>"),
    ("PATCH", "/api/feeds/settings"),
    ("POST", "/api/feeds/token"),
    ("DELETE", "/api/feeds/token"),
    ("PUT", "/api/push/preferences"),
    ("POST", "/api/push/subscriptions"),
    ("DELETE", "/api/push/subscriptions"),
    ("POST", "/api/push/test"),
    ("POST", "/api/session"),
    ("DELETE", "/api/session"),
    ("POST", "/api/session/password"),
    ("POST", "/scim/v2/Users"),
    ("PUT", "/scim/v2/Users/<worker_id>"),
    ("PATCH", "/scim/v2/Users/<worker_id>"),
    ("DELETE", "/scim/v2/Users/<worker_id>"),
}


def beyond(write: DateWrite) -> list[str]:
    return {"stored": BEYOND_STORED, "birth": BEYOND_BIRTH, "time": BEYOND_TIMES}[write.kind]


def at_ends(write: DateWrite) -> list[str]:
    return {"stored": [FIRST_STORED, LAST_STORED], "birth": [FIRST_BIRTH, LAST_BIRTH], "time": AT_END_TIMES}[write.kind]


def test_every_write_route_is_attacked_or_takes_no_date(app: Flask) -> None:
    writes = {(method, rule) for rule, method in every_route(app) if method in UNSAFE_METHODS}
    attacked = {(write.method, write.rule) for write in DATE_WRITES}
    assert writes == attacked | DATELESS_WRITES


@pytest.mark.parametrize("write", DATE_WRITES, ids=lambda write: f"{write.method} {write.rule} {write.field}")
def test_a_date_beyond_the_calendars_years_is_a_422_naming_the_field_and_stores_nothing(
    app: Flask, world: World, write: DateWrite
) -> None:
    before = stored_rows(app)
    for text in beyond(write):
        response = world.api.request(write.method, write.path(world), json=write.body(world, text))
        assert response.status_code == 422, (text, response.status_code, response.get_data(as_text=True)[:300])
        assert response.mimetype == "application/problem+json"
        assert write.field in response.json["errors"], (text, response.json)
        assert stored_rows(app) == before, text
    assert_every_read_answers(app, world)


@pytest.mark.parametrize("write", DATE_WRITES, ids=lambda write: f"{write.method} {write.rule} {write.field}")
def test_dates_at_the_ends_of_the_range_are_no_5xx_and_every_read_still_answers(
    app: Flask, world: World, write: DateWrite
) -> None:
    for text in at_ends(write):
        response = world.api.request(write.method, write.path(world), json=write.body(world, text))
        # Accepted, or refused for another reason (a visit in the future, an end before a start).
        assert response.status_code < 500, (text, response.get_data(as_text=True)[:300])
        if response.status_code == 422:
            assert "Must be between" not in str(response.json.get("errors")), (text, response.json)
        assert_every_read_answers(app, world)


@pytest.mark.parametrize("as_of", ["0001-01-01", "1926-05-01", "2000-12-31", "2045-01-01", "9999-12-31"])
def test_query_dates_beyond_the_range_are_a_422_naming_the_argument(app: Flask, world: World, as_of: str) -> None:
    for path, name in [
        (f"/api/teams/{world.team}/overview?as_of={as_of}", "as_of"),
        (f"/api/teams/{world.team}/overview?from={as_of}", "from"),
        (f"/api/teams/{world.team}/overview?to={as_of}", "to"),
        (f"/api/teams/{world.team}/overview.csv?as_of={as_of}", "as_of"),
        (f"/api/workers/{world.spare}/caseload?as_of={as_of}", "as_of"),
        (f"/api/caseload?as_of={as_of}", "as_of"),
        (f"/api/children/{world.child}/obligations?as_of={as_of}", "as_of"),
        (f"/api/children/{world.child}/projections?as_of={as_of}", "as_of"),
        (f"/api/children/{world.child}/deadlines?as_of={as_of}", "as_of"),
    ]:
        response = world.api.get(path)
        assert response.status_code == 422, (path, response.status_code)
        assert name in response.json["errors"], (path, response.json)


@pytest.mark.parametrize("as_of", [FIRST_STORED, LAST_STORED])
def test_query_dates_at_the_ends_of_the_range_answer(app: Flask, world: World, as_of: str) -> None:
    for path in [
        f"/api/teams/{world.team}/overview?as_of={as_of}",
        f"/api/teams/{world.team}/overview?as_of={as_of}&from={FIRST_STORED}&to={as_of}",
        f"/api/teams/{world.team}/overview.csv?as_of={as_of}&from={FIRST_STORED}&to={as_of}",
        f"/api/workers/{world.spare}/caseload?as_of={as_of}",
        f"/api/caseload?as_of={as_of}",
        f"/api/children/{world.child}/obligations?as_of={as_of}",
        f"/api/children/{world.child}/projections?as_of={as_of}&count=12",
        f"/api/children/{world.child}/deadlines?as_of={as_of}",
    ]:
        response = world.api.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])


def test_projections_stop_at_the_calendars_last_year(app: Flask, world: World) -> None:
    late = add_child(
        app,
        team_id=world.team,
        allocations=[(world.manager, "social_worker")],
        # Six-weekly, then three-monthly: twelve visits run well past 2045.
        episodes=[{"type": "cared_for", "start": "2044-12-01", "end": None, "placement": "foster_care"}],
    )
    response = world.api.get(f"/api/children/{late}/projections?as_of={LAST_STORED}&count=12")
    assert response.status_code == 200, response.json
    [projection] = response.json["projections"]
    assert 1 <= len(projection["dates"]) < 12
    assert projection["dates"][-1] <= "2045-12-31"


def assert_every_read_answers(app: Flask, world: World) -> None:
    api = world.api
    for path in (
        "/api/caseload",
        f"/api/teams/{world.team}/overview",
        f"/api/teams/{world.team}/overview.csv",
        f"/api/workers/{world.spare}/caseload",
        f"/api/workers/{world.spare}/cover",
        "/api/plans",
        f"/api/plans?child_id={world.child}",
        f"/api/children/{world.child}",
        f"/api/children/{world.child}/obligations",
        f"/api/children/{world.child}/projections",
        f"/api/children/{world.child}/deadlines",
        "/api/carers",
        f"/api/carers/{world.carer}",
    ):
        response = api.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    token = api.post("/api/feeds/token", json={"kind": "worker"})
    assert token.status_code == 201, token.json
    feed = api.get(token.json["url"].removeprefix("http://localhost"))
    assert feed.status_code == 200 and feed.data.startswith(b"BEGIN:VCALENDAR")
    for job in ("send-reminders", "send-escalations"):
        with app.app_context():
            result = app.test_cli_runner().invoke(args=[job, "--now", "2026-12-01T08:05"])
        assert result.exit_code == 0, (job, result.output)
