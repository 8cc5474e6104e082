"""GET /api/teams/<id>/overview: visits in timescale per plan type, per worker and month by month,
and what each overdue item says (days overdue, plan type, last visit, last no-access attempt).

The trend is worked out by hand below over a year that crosses Christmas 2026 (25 and 28 December,
1 January), Easter 2027 (26 and 29 March) and the May and August bank holidays of 2027."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from backend.extensions import db
from backend.persistence.supervision import EscalationRow
from tests.support.world import add_child, add_team, add_worker, signed_in

AS_OF = "2027-08-31"


def seen(*days: str) -> list[dict[str, Any]]:
    return [{"date": day, "role": "social_worker"} for day in days]


def no_access(day: str) -> dict[str, Any]:
    return {"date": day, "role": "social_worker", "child_seen": False}


# Child protection, every 10 working days from 1 Sep 2026: each visit is on its due date except
# 8 Dec (made 11 Dec, late: next due 29 Dec, over 25 and 28 Dec), 10 May (made 11 May, late, after
# a no-access attempt on the day; 10 May itself is the 24 Apr visit plus ten working days over
# the 3 May bank holiday) and 7 Jul (made 5 Jul, early). 24 Mar + 10 working days is 9 Apr
# (26 and 29 Mar are Good Friday and Easter Monday); 25 May + 10 is 9 Jun (31 May). The last,
# 31 Aug (16 Aug + 10 over 30 Aug), falls on as_of itself and is not yet missed.
CP_VISITS = [
    *seen("2026-09-15", "2026-09-29", "2026-10-13", "2026-10-27", "2026-11-10", "2026-11-24", "2026-12-11"),
    *seen("2026-12-29", "2027-01-13", "2027-01-27", "2027-02-10", "2027-02-24", "2027-03-10", "2027-03-24"),
    *seen("2027-04-09", "2027-04-23", "2027-05-11", "2027-05-25", "2027-06-09", "2027-06-23", "2027-07-05"),
    *seen("2027-07-19", "2027-08-02", "2027-08-16"),
    no_access("2027-05-10"),
]
# Child in need, every 20 working days: 22 Dec is missed (no access that day, seen on Sunday
# 27 Dec), so the next is due 26 Jan (20 working days over 28 Dec and 1 Jan); all others on the day.
CIN_VISITS = [
    *seen("2026-09-29", "2026-10-27", "2026-11-24", "2026-12-27", "2027-01-26", "2027-02-23", "2027-03-23"),
    *seen("2027-04-22", "2027-05-21", "2027-06-21", "2027-07-19", "2027-08-16"),
    no_access("2026-12-22"),
]
MONTHS = ["2026-09", "2026-10", "2026-11", "2026-12"] + [f"2027-{month:02d}" for month in range(1, 9)]
# (due, in_time) per month, worked out from the dates above.
CP_BY_MONTH = {month: (2, 2) for month in MONTHS} | {"2026-12": (2, 1), "2027-05": (2, 1)}
CIN_BY_MONTH = {month: (1, 1) for month in MONTHS} | {"2026-12": (1, 0)}


def team_of_two_children(app: Flask) -> tuple[str, str, str, str]:
    team = add_team(app, "Year team")
    manager = add_worker(app, "team_manager", team, name="Mo Manager")
    worker = add_worker(app, "social_worker", team, name="Sam Worker")
    start = [{"start": "2026-09-01"}]
    add_child(
        app,
        reference="C-CP",
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_protection", **start[0]}],
        visits=CP_VISITS,
    )
    add_child(
        app,
        reference="C-CIN",
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_in_need", **start[0]}],
        visits=CIN_VISITS,
    )
    return team, manager, worker, start[0]["start"]


def test_the_trend_gives_each_month_of_the_year_per_plan_type_as_worked_out_by_hand(app: Flask) -> None:
    team, manager, _, _ = team_of_two_children(app)
    trend = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of={AS_OF}").json["trend"]
    expected = [
        {"month": month, "plan_type": plan_type, "due": due, "in_time": in_time}
        for month in MONTHS
        for plan_type, (due, in_time) in (
            ("child_in_need", CIN_BY_MONTH[month]),
            ("child_protection", CP_BY_MONTH[month]),
        )
    ]
    assert trend == expected


def test_visits_in_timescale_per_plan_type_count_attempts_beside_them(app: Flask) -> None:
    team, manager, worker, _ = team_of_two_children(app)
    query = f"as_of={AS_OF}&from=2026-12-01&to=2027-05-31"
    body = signed_in(app, manager).get(f"/api/teams/{team}/overview?{query}").json
    assert body["by_plan_type"] == [
        {"plan_type": "child_in_need", "due": 6, "in_time": 5, "no_access": 1},
        {"plan_type": "child_protection", "due": 12, "in_time": 10, "no_access": 1},
    ]
    assert (body["timeliness"]["fell_due"], body["timeliness"]["in_time"]) == (18, 15)
    assert {row["worker_id"]: row for row in body["by_worker"]}[worker] == {
        "worker_id": worker,
        "due": 18,
        "in_time": 15,
        "no_access": 2,
    }


def test_a_due_date_counts_for_the_worker_who_held_the_role_that_day(app: Flask) -> None:
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    before, after = add_worker(app, "social_worker", team), add_worker(app, "social_worker", team)
    child = add_child(
        app, team_id=team, episodes=[{"type": "child_protection", "start": "2026-09-01"}], visits=seen("2026-09-15")
    )
    api = signed_in(app, manager)
    api.post(
        f"/api/children/{child}/allocations", json={"worker_id": before, "role": "social_worker", "from": "2026-09-01"}
    )
    api.post(
        f"/api/children/{child}/allocations", json={"worker_id": after, "role": "social_worker", "from": "2026-09-20"}
    )
    body = api.get(f"/api/teams/{team}/overview?as_of=2026-10-31&from=2026-09-01&to=2026-10-31").json
    by_worker = {row["worker_id"]: (row["due"], row["in_time"]) for row in body["by_worker"]}
    # 15 Sep met by the first worker; 29 Sep missed under the second (and still overdue).
    assert (by_worker[before], by_worker[after], by_worker[manager]) == ((1, 1), (1, 0), (0, 0))


def test_an_overdue_item_says_how_late_it_is_its_plan_type_and_the_last_visit_and_attempt(app: Flask) -> None:
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    worker = add_worker(app, "social_worker", team)
    add_child(
        app,
        allocations=[(worker, "social_worker")],
        episodes=[{"type": "child_protection", "start": "2026-09-01"}],
        visits=[*seen("2026-09-14"), no_access("2026-09-28"), no_access("2026-10-05")],
    )
    [overdue] = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-10-31").json["overdue"]
    assert (overdue["due"], overdue["days_overdue"], overdue["plan_type"]) == ("2026-09-28", 33, "child_protection")
    assert (overdue["last_visit"], overdue["last_no_access"]) == ("2026-09-14", "2026-10-05")


def test_child_protection_comes_first_among_visits_overdue_since_the_same_day(app: Flask) -> None:
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    worker = add_worker(app, "social_worker", team)
    for reference, plan_type, every_start in (
        ("A-1", "child_in_need", "2026-09-01"),
        ("Z-9", "child_protection", "2026-09-15"),
    ):
        add_child(
            app,
            reference=reference,
            allocations=[(worker, "social_worker")],
            episodes=[{"type": plan_type, "start": every_start}],
        )
    overdue = signed_in(app, manager).get(f"/api/teams/{team}/overview?as_of=2026-10-31").json["overdue"]
    assert [(item["due"], item["reference"]) for item in overdue] == [("2026-09-29", "Z-9"), ("2026-09-29", "A-1")]


def test_the_overview_marks_an_overdue_visit_the_manager_was_told_of(app: Flask) -> None:
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    worker = add_worker(app, "social_worker", team)
    child = add_child(
        app, allocations=[(worker, "social_worker")], episodes=[{"type": "child_protection", "start": "2026-09-01"}]
    )
    api = signed_in(app, manager)
    [before] = api.get(f"/api/teams/{team}/overview?as_of=2026-10-31").json["overdue"]
    with app.app_context():
        db.session.add(EscalationRow(child_id=child, role="social_worker", due=date(2026, 9, 15), team_id=team))
        db.session.commit()
    [after] = api.get(f"/api/teams/{team}/overview?as_of=2026-10-31").json["overdue"]
    assert (before["due"], before["escalated"], after["escalated"]) == ("2026-09-15", False, True)
