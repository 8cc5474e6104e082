"""Plans beside due dates: the caseload's next plan, and the team overview's on-time, late and
no-plan counts for overdue and due-soon visits."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.e2e.test_api_caseload import counted_statements
from tests.support.database import empty_tables
from tests.support.plans import freeze_now, new_plan_id, plan_body
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in

CHILD_PROTECTION = [{"type": "child_protection", "start": "2026-11-02"}]  # due Mon 16 Nov: overdue on the 24th
CHILD_IN_NEED = [{"type": "child_in_need", "start": "2026-11-02"}]  # due Mon 30 Nov: due soon on the 24th


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_now(monkeypatch)


def plan(api: ApiClient, child: str, starts_at: str, **overrides: Any) -> str:
    plan_id = new_plan_id()
    response = api.put(f"/api/plans/{plan_id}", json=plan_body(child, starts_at=starts_at, **overrides))
    assert response.status_code == 201, response.json
    return plan_id


def test_the_caseload_shows_the_earliest_plan_in_person_that_answers_each_due_date(app: Flask) -> None:
    worker = add_worker(app)
    child = add_child(
        app, allocations=[(worker, "social_worker")], visits=[{"date": "2026-11-20", "role": "social_worker"}]
    )
    api = signed_in(app, worker)
    plan(api, child, "2026-11-19T10:00")  # before the last visit: overtaken by it
    plan(api, child, "2026-11-24T10:00", kind="phone")  # does not answer a visit
    answering = plan(api, child, "2026-12-01T16:00", duration_minutes=45)
    plan(api, child, "2026-12-02T16:00")
    (entry,) = api.get("/api/caseload").json["obligations"]
    assert entry["due"] == "2026-12-18"
    assert entry["next_plan"] == {
        "id": answering,
        "starts_at": "2026-12-01T16:00:00+00:00",
        "date": "2026-12-01",
        "duration_minutes": 45,
        "kind": "home_visit",
        "on_time": True,
    }


def test_a_cancelled_plan_or_another_workers_plan_is_not_the_next_plan(app: Flask) -> None:
    team = add_team(app)
    worker, manager = add_worker(app, "social_worker", team), add_worker(app, "team_manager", team)
    child = add_child(app, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
    api = signed_in(app, worker)
    cancelled = plan(api, child, "2026-11-25T16:00")
    api.delete(f"/api/plans/{cancelled}")
    plan(signed_in(app, manager), child, "2026-11-26T16:00", role="social_worker")
    assert api.get("/api/caseload").json["obligations"][0]["next_plan"] is None
    late = plan(api, child, "2026-12-01T16:00")
    next_plan = api.get("/api/caseload").json["obligations"][0]["next_plan"]
    assert next_plan["id"] == late and next_plan["on_time"] is False


def test_the_team_overview_counts_overdue_and_due_soon_visits_by_plan_on_time_late_or_none(app: Flask) -> None:
    team = add_team(app)
    first, second = add_worker(app, "social_worker", team), add_worker(app, "social_worker", team)
    manager = add_worker(app, "team_manager", team)

    def child_of(worker: str, episodes: list[dict[str, Any]]) -> str:
        return add_child(app, team_id=team, allocations=[(worker, "social_worker")], episodes=episodes)

    overdue_unplanned = child_of(first, CHILD_PROTECTION)
    overdue_late, overdue_planned_in_time = child_of(first, CHILD_PROTECTION), child_of(second, CHILD_PROTECTION)
    soon_on_time, soon_late = child_of(first, CHILD_IN_NEED), child_of(second, CHILD_IN_NEED)
    soon_by_phone, soon_by_manager = child_of(second, CHILD_IN_NEED), child_of(first, CHILD_IN_NEED)
    first_api, second_api = signed_in(app, first), signed_in(app, second)
    plan(first_api, overdue_late, "2026-11-25T16:00")
    plan(second_api, overdue_planned_in_time, "2026-11-13T16:00")  # made, but no visit recorded yet
    plan(first_api, soon_on_time, "2026-11-27T16:00")
    plan(second_api, soon_late, "2026-12-01T16:00")
    plan(second_api, soon_by_phone, "2026-11-27T16:00", kind="phone")
    plan(signed_in(app, manager), soon_by_manager, "2026-11-27T16:00", role="social_worker")
    overview = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-11-24").json
    assert overview["plans"] == {
        "overdue": {"on_time": 1, "late": 1, "none": 1},
        "due_today": {"on_time": 0, "late": 0, "none": 0},
        "due_soon": {"on_time": 1, "late": 1, "none": 2},
    }
    plans_by_child = {row["child_id"]: row["next_plan"] for row in overview["overdue"]}
    assert plans_by_child[overdue_unplanned] is None
    assert plans_by_child[overdue_late]["on_time"] is False
    assert plans_by_child[overdue_planned_in_time]["date"] == "2026-11-13"


def test_a_visit_recorded_after_the_plan_overtakes_it_in_the_overview(app: Flask) -> None:
    team = add_team(app)
    worker, manager = add_worker(app, "social_worker", team), add_worker(app, "team_manager", team)
    child = add_child(app, team_id=team, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
    api = signed_in(app, worker)
    plan(api, child, "2026-11-20T16:00")
    counts = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-11-24").json["plans"]
    assert counts["due_soon"] == {"on_time": 1, "late": 0, "none": 0}
    api.put(
        f"/api/visits/{new_plan_id()}",
        json={"child_id": child, "date": "2026-11-23", "role": "social_worker", "child_seen": True, "seen_alone": True},
    )
    counts = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-11-24").json["plans"]
    assert sum(counts["due_soon"].values()) == 0  # due again on 21 December: no longer soon


def caseload_statements_with_plans(app: Flask, children: int) -> int:
    """SQL statements of one caseload request for a worker with ``children`` children, each planned."""
    worker = add_worker(app)
    api = signed_in(app, worker)
    for _ in range(children):
        child = add_child(app, allocations=[(worker, "social_worker")], episodes=CHILD_IN_NEED)
        plan(api, child, "2026-11-27T16:00")
    api.get("/api/caseload?as_of=2026-11-24")
    with counted_statements(app) as statements:
        rows = api.get("/api/caseload?as_of=2026-11-24").json["obligations"]
    assert len(rows) == children and all(row["next_plan"] for row in rows)
    return len(statements)


def test_next_plans_cost_one_statement_whatever_the_caseload_size(app: Flask) -> None:
    few = caseload_statements_with_plans(app, 3)
    empty_tables(app)
    many = caseload_statements_with_plans(app, 40)
    assert few == many
