"""The team overview's JSON and CSV are byte for byte those of the first replay of visits in
timescale (every period on its own, full obligations: tests/support/timescale_reference.py), on
a varied seeded team: late, missed and no-access visits, calls, two roles, moves and closed
plans, a conference's deadlines, a child the calendar cannot schedule and a colleague's cover."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from backend.core.cases import Case
from backend.core.timescale import ChildTimescale, Period
from backend.services.rendered_cache import RenderedCache
from backend.services.scheduler import Scheduler
from tests.support.timescale_reference import reference_timescale
from tests.support.world import add_child, add_team, add_worker, signed_in

AS_OF = date(2027, 3, 31)
QUERIES = ("as_of=2027-03-31", "as_of=2027-03-31&from=2026-10-15&to=2027-01-20", "as_of=2026-12-31")


def seeded_visits(rng: random.Random, start: date) -> list[dict[str, Any]]:
    visits, day = [], start
    while (day := day + timedelta(days=rng.choice((5, 9, 14, 16, 25, 40)))) < AS_OF:
        role = "personal_adviser" if rng.random() < 0.15 else "social_worker"
        kind = rng.choice(("home_visit", "home_visit", "home_visit", "visit_elsewhere", "phone"))
        visits.append({"date": day.isoformat(), "role": role, "child_seen": rng.random() > 0.15, "kind": kind})
    return visits


def seeded_episodes(rng: random.Random, start: date) -> list[dict[str, Any]]:
    first = rng.choice(("child_in_need", "child_protection", "cared_for", "care_leaver", "private_fostering"))
    episodes = [{"type": first, "start": start.isoformat(), "placement": "foster_care"}]
    if rng.random() < 0.4:  # a move or a plan closed (and, for some, a new plan after a gap)
        ended = start + timedelta(days=rng.randint(40, 300))
        episodes[0]["end"] = ended.isoformat()
        if rng.random() < 0.7:
            later = ended + timedelta(days=rng.choice((0, 0, 20)))
            episodes.append({"type": "child_protection", "start": later.isoformat()})
    return episodes


def seeded_team(app: Flask) -> tuple[str, str]:
    rng = random.Random(2027)
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    workers = [add_worker(app, "social_worker", team) for _ in range(3)]
    adviser = add_worker(app, "personal_adviser", team)
    for number in range(24):
        start = AS_OF - timedelta(days=rng.randint(60, 600))
        events = [{"type": "initial_child_protection_conference", "date": start.isoformat()}] if number % 5 == 0 else []
        add_child(
            app,
            team_id=team,
            allocations=[(workers[number % 3], "social_worker"), (adviser, "personal_adviser")],
            episodes=seeded_episodes(rng, start),
            events=events,
            visits=seeded_visits(rng, start - timedelta(days=30)),
        )
    # A child whose plan starts before the calendar's first year: listed as unscheduled by both.
    add_child(
        app,
        team_id=team,
        allocations=[(workers[0], "social_worker")],
        episodes=[{"type": "child_in_need", "start": "1999-06-01"}],
    )
    cover = {"worker_id": workers[1], "from": "2026-12-01", "until": "2027-12-31"}
    assert signed_in(app, manager).post(f"/api/workers/{workers[0]}/cover", json=cover).status_code == 201
    return team, manager


def overview_bodies(app: Flask, team: str, manager: str) -> list[bytes]:
    app.extensions["rendered_cache"] = RenderedCache(64 * 1024 * 1024)  # each body built afresh
    api, bodies = signed_in(app, manager), []
    for query in QUERIES:
        for path in (f"/api/teams/{team}/overview?{query}", f"/api/teams/{team}/overview.csv?{query}"):
            response = api.get(path)
            assert response.status_code == 200
            bodies.append(response.get_data())
    return bodies


def reference(self: Scheduler, child_id: str, case: Case, periods: list[Period], as_of: date) -> ChildTimescale:
    return reference_timescale(self.obligations, child_id, case, periods, as_of)


def test_the_overview_json_and_csv_are_the_first_replays_byte_for_byte(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    team, manager = seeded_team(app)
    replayed_once = overview_bodies(app, team, manager)
    monkeypatch.setattr(Scheduler, "timescale", reference)
    assert overview_bodies(app, team, manager) == replayed_once
    overview = signed_in(app, manager).get(f"/api/teams/{team}/overview?{QUERIES[1]}").json
    # The world reaches what it is meant to: due dates met and missed, attempts, deadlines, the unscheduled child.
    counted = overview["timeliness"]
    assert counted["fell_due"] > counted["in_time"] > 0 and overview["unscheduled"] and overview["deadlines"]
    assert sum(row["no_access"] for row in overview["by_plan_type"]) > 0
