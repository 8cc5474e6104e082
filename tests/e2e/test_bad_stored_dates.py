"""Rows with dates the engine cannot use, stored before the API refused them (or written around
it): one child's bad dates never stop another child's entry, the team overview, the plan list or
the feed. The bad child is listed as unscheduled, never dropped silently, and the logs carry no
personal data.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask

from backend.extensions import db
from backend.persistence.plans import PlanRow
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in

SEEN = [{"date": "2026-11-02", "role": "social_worker", "child_seen": True}]
IN_NEED = [{"type": "child_in_need", "start": "2026-10-01", "end": None}]
# A plausible typo and an imported episode from the year 1: the engine cannot schedule from them.
BAD_CASES = {
    "C-TYPO": {"visits": [{"date": "1926-11-02", "role": "social_worker", "child_seen": True}]},
    "C-YEAR1": {"episodes": [{"type": "child_in_need", "start": "0001-01-01", "end": None}]},
}
NAME = "Quentin Zabriskie-Holloway"


@dataclass
class Team:
    id: str
    api: ApiClient
    good: str
    bad: dict[str, str]
    plan: str


@pytest.fixture
def team(app: Flask) -> Team:
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    held = [(manager, "social_worker")]
    good = add_child(app, team_id=team, allocations=held, reference="C-GOOD", visits=SEEN, episodes=IN_NEED)
    bad = {
        reference: add_child(
            app, team_id=team, allocations=held, reference=reference, name=NAME, **{"episodes": IN_NEED, **case}
        )
        for reference, case in BAD_CASES.items()
    }
    # Born at the end of time: scheduled as usual (a date of birth only shapes some rules),
    # but judging a plan for this child (school hours) counts years past what a date holds.
    bad["C-FUTURE"] = add_child(
        app, team_id=team, allocations=held, reference="C-FUTURE", date_of_birth="9999-12-31", episodes=IN_NEED
    )
    plan = str(uuid.uuid4())
    with app.app_context():
        # The last hour of 9999, an hour long: its end is past what a datetime holds.
        starts_at = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
        db.session.add(
            PlanRow(
                id=plan,
                child_id=bad["C-FUTURE"],
                role="social_worker",
                planner_id=manager,
                starts_at=starts_at,
                duration_minutes=60,
                kind="home_visit",
            )
        )
        db.session.commit()
    return Team(team, signed_in(app, manager), good, bad, plan)


def test_the_caseload_keeps_the_good_child_and_lists_the_bad_ones_as_unscheduled(team: Team) -> None:
    response = team.api.get("/api/caseload")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert {entry["reference"] for entry in response.json["obligations"]} == {"C-GOOD", "C-FUTURE"}
    unscheduled = {entry["reference"]: entry for entry in response.json["unscheduled"]}
    assert set(unscheduled) == set(BAD_CASES)
    for reference, entry in unscheduled.items():
        assert entry["child_id"] == team.bad[reference] and entry["plan_type"] == "child_in_need"
        assert entry["reason"].startswith("dates out of range: check this child's record")


def test_the_team_overview_answers_and_names_the_unscheduled_children(team: Team) -> None:
    response = team.api.get(f"/api/teams/{team.id}/overview?as_of=2026-12-01")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert {entry["reference"] for entry in response.json["unscheduled"]} == set(BAD_CASES)
    assert "C-GOOD" in {entry["reference"] for entry in response.json["overdue"]}
    assert response.json["timeliness"]["fell_due"] >= 1


def test_the_plan_list_answers_with_the_bad_plan_marked_before_and_after_cancelling(team: Team) -> None:
    for _ in range(2):
        for path in ("/api/plans", f"/api/plans?child_id={team.bad['C-FUTURE']}", f"/api/plans/{team.plan}"):
            response = team.api.get(path)
            assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        [plan] = team.api.get("/api/plans").json["plans"]
        assert plan["ends_at"] is None
        assert "dates_out_of_range" in [warning["code"] for warning in plan["warnings"]]
        assert team.api.delete(f"/api/plans/{team.plan}").status_code == 204


def test_the_feed_answers_with_the_good_childs_visit(team: Team) -> None:
    token = team.api.post("/api/feeds/token", json={"kind": "worker"})
    for show_projected in (False, True):
        assert team.api.patch("/api/feeds/settings", json={"show_projected": show_projected}).status_code == 200
        feed = team.api.get(token.json["url"].removeprefix("http://localhost"))
        assert feed.status_code == 200, feed.get_data(as_text=True)[:300]
        assert b"C-GOOD" in feed.data


def test_the_logs_name_the_child_by_id_only(team: Team, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert team.api.get("/api/caseload").status_code == 200
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert team.bad["C-TYPO"] in logged
    for personal in (NAME, "1926", "9999", "0001-01-01", "C-TYPO"):
        assert personal not in logged
