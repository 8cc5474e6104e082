"""GET /api/teams/<id>/overview: counts per worker, the overdue list, and timeliness."""

from __future__ import annotations

from flask import Flask

from tests.support.world import add_child, add_team, add_worker, signed_in

CP_FROM_SEPTEMBER = [{"type": "child_protection", "start": "2026-09-01"}]
# Due 15 Sep (met 14 Sep, in time), then 28 Sep (met 30 Sep, late), then 14 Oct (never met).
VISITS = [{"date": "2026-09-14", "role": "social_worker"}, {"date": "2026-09-30", "role": "social_worker"}]


def team_with_one_child(app: Flask) -> tuple[str, str, str, str]:
    team = add_team(app, "Central")
    manager = add_worker(app, "team_manager", team, name="Mo Manager")
    worker = add_worker(app, "social_worker", team, name="Sam Worker")
    child = add_child(
        app,
        reference="C-9",
        name="Ivy Lane",
        allocations=[(worker, "social_worker")],
        episodes=CP_FROM_SEPTEMBER,
        visits=VISITS,
    )
    return team, manager, worker, child


def test_the_overview_counts_each_workers_obligations_and_lists_the_overdue(app: Flask) -> None:
    team, manager, worker, child = team_with_one_child(app)
    body = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-10-31").json
    assert body["team"] == {"id": team, "name": "Central"} and body["as_of"] == "2026-10-31"
    assert body["workers"] == [
        {"id": manager, "name": "Mo Manager", "role": "team_manager", "overdue": 0, "due_today": 0, "due_soon": 0},
        {"id": worker, "name": "Sam Worker", "role": "social_worker", "overdue": 1, "due_today": 0, "due_soon": 0},
    ]
    [overdue] = body["overdue"]
    assert (overdue["child_id"], overdue["reference"], overdue["initials"], overdue["due"]) == (
        child,
        "C-9",
        "IL",
        "2026-10-14",
    )
    assert (overdue["worker_id"], overdue["worker_name"]) == (worker, "Sam Worker")


def test_timeliness_counts_due_dates_in_the_period_and_those_met_on_or_before_the_day(app: Flask) -> None:
    team, manager, _, _ = team_with_one_child(app)
    body = (
        signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-10-31&from=2026-09-01&to=2026-10-31").json
    )
    assert body["timeliness"] == {
        "from": "2026-09-01",
        "to": "2026-10-31",
        "fell_due": 3,
        "in_time": 1,
        "percent": 33.3,
    }


def test_a_due_date_on_the_last_day_of_the_period_is_not_missed_while_that_day_lasts(app: Flask) -> None:
    team, manager, _, _ = team_with_one_child(app)
    api = signed_in(app, manager)
    today = api.get(f"/api/teams/{team}/overview?as_of=2026-10-14&from=2026-09-01&to=2026-10-14").json["timeliness"]
    over = api.get(f"/api/teams/{team}/overview?as_of=2026-10-15&from=2026-09-01&to=2026-10-14").json["timeliness"]
    assert (today["fell_due"], over["fell_due"]) == (2, 3)


def test_the_default_period_is_the_three_months_to_as_of(app: Flask) -> None:
    team, manager, _, _ = team_with_one_child(app)
    timeliness = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-11-30").json["timeliness"]
    assert (timeliness["from"], timeliness["to"]) == ("2026-08-30", "2026-11-30")


def test_a_period_that_ends_before_it_starts_is_refused(app: Flask) -> None:
    team, manager, _, _ = team_with_one_child(app)
    response = signed_in(app, manager).get(f"/api/teams/{team}/overview?from=2026-10-01&to=2026-09-01")
    assert response.status_code == 422 and list(response.json["errors"]) == ["from"]


def test_with_no_due_dates_the_percentage_is_null(app: Flask) -> None:
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    timeliness = signed_in(app, manager).get(f"/api/teams/{team}/overview").json["timeliness"]
    assert (timeliness["fell_due"], timeliness["percent"]) == (0, None)


def test_a_social_worker_cannot_see_their_own_teams_overview(app: Flask) -> None:
    team, _, worker, _ = team_with_one_child(app)
    assert signed_in(app, worker).get(f"/api/teams/{team}/overview").status_code == 404


def test_a_visit_made_before_the_period_can_meet_a_due_date_inside_it(app: Flask) -> None:
    team, manager, _, _ = team_with_one_child(app)
    query = "as_of=2026-10-31&from=2026-09-15&to=2026-10-31"
    timeliness = signed_in(app, manager).get(f"/api/teams/{team}/overview?{query}").json["timeliness"]
    assert (timeliness["fell_due"], timeliness["in_time"]) == (3, 1)


def test_a_child_no_rule_covers_is_listed_on_the_overview_and_the_caseload(app: Flask) -> None:
    """No silent gaps: a section 47 enquiry has no rule in the england profile (the default), so the
    child gets no due date, but stays on the worker's caseload and the team overview, with the reason."""
    team = add_team(app, "Central")
    manager = add_worker(app, "team_manager", team, name="Mo Manager")
    worker = add_worker(app, "social_worker", team, name="Sam Worker")
    child = add_child(
        app,
        reference="C-10",
        name="Ivy Lane",
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "section_47", "start": "2026-10-01"}],
    )
    overview = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-10-31").json
    [entry] = overview["unscheduled"]
    assert (entry["child_id"], entry["reference"], entry["plan_type"], entry["worker_id"]) == (
        child,
        "C-10",
        "section_47",
        worker,
    )
    assert entry["reason"].startswith("no visiting rule: check this child")
    caseload = signed_in(app, worker).get("/api/caseload?as_of=2026-10-31").json
    assert caseload["obligations"] == []
    assert [item["child_id"] for item in caseload["unscheduled"]] == [child]


def test_an_admin_lists_every_team_a_manager_their_own_and_a_worker_none(app: Flask) -> None:
    team, manager, worker, _ = team_with_one_child(app)
    other = add_team(app, "West")
    admin = add_worker(app, "admin")
    assert signed_in(app, admin).get("/api/teams").json == {
        "teams": [{"id": team, "name": "Central"}, {"id": other, "name": "West"}]
    }
    assert signed_in(app, manager).get("/api/teams").json == {"teams": [{"id": team, "name": "Central"}]}
    assert signed_in(app, worker).get("/api/teams").json == {"teams": []}
    assert signed_in(app, admin).get(f"/api/teams/{other}/overview").status_code == 200
