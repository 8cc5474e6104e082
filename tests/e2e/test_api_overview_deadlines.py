"""The team overview's ``deadlines``: per kind, the deadlines that fell due in the period,
met in time and still overdue, against counts worked out by hand."""

from __future__ import annotations

from flask import Flask

from tests.support.world import add_child, add_team, add_worker, signed_in


def add_conference_child(app: Flask, team: str, worker: str, reference: str, conference: str, core_group: str | None):
    events = [{"type": "initial_child_protection_conference", "date": conference}]
    if core_group:
        events.append({"type": "core_group", "date": core_group})
    add_child(
        app,
        reference=reference,
        team_id=team,
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_protection", "start": conference}],
        events=events,
    )


def test_the_overview_counts_core_groups_met_in_time_late_and_overdue(app: Flask) -> None:
    team = add_team(app, "Central")
    manager = add_worker(app, "team_manager", team)
    worker = add_worker(app, "social_worker", team)
    # England: the first core group within 10 working days of the initial conference.
    # Conference Tue 1 Sep: due Tue 15 Sep, met Mon 14 Sep (in time).
    add_conference_child(app, team, worker, "C-1", "2026-09-01", "2026-09-14")
    # Conference Thu 1 Oct: due Thu 15 Oct, met Tue 20 Oct (late: neither in time nor overdue).
    add_conference_child(app, team, worker, "C-2", "2026-10-01", "2026-10-20")
    # Conference Mon 2 Nov: due Mon 16 Nov, never met (overdue on 30 Nov).
    add_conference_child(app, team, worker, "C-3", "2026-11-02", None)
    # The review conferences (3 months on: 1 Dec, 1 Jan, 2 Feb) fall after the period.
    query = "as_of=2026-11-30&from=2026-09-01&to=2026-11-30"
    body = signed_in(app, manager).get(f"/api/teams/{team}/overview?{query}").json
    assert body["deadlines"] == [{"kind": "core_group", "due": 3, "met_in_time": 1, "overdue": 1}]


def test_a_team_with_no_deadlines_in_the_period_has_an_empty_list(app: Flask) -> None:
    team = add_team(app, "Quiet")
    manager = add_worker(app, "team_manager", team)
    body = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-11-30").json
    assert body["deadlines"] == []
