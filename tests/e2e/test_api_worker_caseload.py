"""GET /api/workers/<id>/caseload: a worker's caseload as their team manager or an admin sees it."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.world import add_child, add_team, add_worker, signed_in


def team_with_a_worker(app: Flask) -> tuple[str, str, str]:
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    worker = add_worker(app, "social_worker", team)
    add_child(
        app,
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_protection", "start": "2026-09-01"}],
        visits=[{"date": "2026-09-14", "role": "social_worker"}],
    )
    return team, manager, worker


@pytest.mark.parametrize("caller", ["manager", "admin"])
def test_the_manager_and_an_admin_see_exactly_what_the_worker_sees(app: Flask, caller: str) -> None:
    team, manager, worker = team_with_a_worker(app)
    viewer = manager if caller == "manager" else add_worker(app, "admin")
    own = signed_in(app, worker).get("/api/caseload?as_of=2026-10-31").json
    seen = signed_in(app, viewer).get(f"/api/workers/{worker}/caseload?as_of=2026-10-31")
    assert seen.status_code == 200 and seen.json == own and len(own["obligations"]) == 1


def test_the_status_filter_works_as_on_the_workers_own_caseload(app: Flask) -> None:
    _, manager, worker = team_with_a_worker(app)
    api = signed_in(app, manager)
    assert api.get(f"/api/workers/{worker}/caseload?as_of=2026-10-31&status=due_soon").json["obligations"] == []
    assert len(api.get(f"/api/workers/{worker}/caseload?as_of=2026-10-31&status=overdue").json["obligations"]) == 1


def test_anyone_else_gets_404_as_for_a_made_up_id_the_worker_themselves_included(app: Flask) -> None:
    team, _, worker = team_with_a_worker(app)
    colleague = add_worker(app, "social_worker", team)
    other_manager = add_worker(app, "team_manager", add_team(app))
    for caller in (worker, colleague, other_manager):
        api = signed_in(app, caller)
        response = api.get(f"/api/workers/{worker}/caseload")
        made_up = api.get(f"/api/workers/{'f' * 32}/caseload")
        assert (response.status_code, response.json) == (made_up.status_code, made_up.json)
        assert response.status_code == 404
