"""PUT/GET/DELETE /api/plans: planning, replaying, moving, cancelling, access and bad input.

The API's clock is fixed at Monday 23 November 2026, 10:00 in London. The child's last
visit was on Monday 2 November, so the child-in-need visit is due (and must be planned) by
Monday 30 November.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from flask import Flask

from tests.support.plans import freeze_now, new_plan_id, plan_body, plan_codes, stored_plans
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in


@dataclass
class Team:
    worker: str
    manager: str
    child: str
    api: ApiClient


@pytest.fixture
def team(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Team:
    freeze_now(monkeypatch)
    team_id = add_team(app)
    worker = add_worker(app, "social_worker", team_id)
    manager = add_worker(app, "team_manager", team_id)
    child = add_child(
        app,
        team_id=team_id,
        allocations=[(worker, "social_worker")],
        date_of_birth="2020-01-10",
        visits=[{"date": "2026-11-02", "role": "social_worker"}],
    )
    return Team(worker, manager, child, signed_in(app, worker))


def test_a_new_plan_is_created_and_says_it_is_on_time_for_the_due_date(team: Team) -> None:
    plan_id = new_plan_id()
    response = team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child))
    assert response.status_code == 201
    plan = response.json
    assert plan["id"] == plan_id and plan["child_id"] == team.child and plan["planner_id"] == team.worker
    assert plan["starts_at"] == "2026-11-26T16:00:00+00:00" and plan["ends_at"] == "2026-11-26T17:00:00+00:00"
    assert (plan["date"], plan["role"], plan["kind"], plan["status"]) == (
        "2026-11-26",
        "social_worker",
        "home_visit",
        "planned",
    )
    assert (plan["on_time"], plan["due"], plan["plan_by"], plan["warnings"]) == (True, "2026-11-30", "2026-11-30", [])
    assert plan["note"] == "Bring the consent form" and plan["in_person"] is True


def test_a_replayed_plan_is_stored_once_and_changes_nothing(app: Flask, team: Team) -> None:
    plan_id = new_plan_id()
    first = team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child))
    again = team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert stored_plans(app) == 1


def test_moving_a_plan_past_the_due_date_makes_it_late_and_says_why(app: Flask, team: Team) -> None:
    plan_id = new_plan_id()
    team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child))
    moved = team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child, starts_at="2026-12-01T16:00"))
    assert moved.status_code == 200
    assert moved.json["on_time"] is False and plan_codes(moved.json) == ["after_due"]
    assert "Mon 30 Nov 2026" in moved.json["warnings"][0]["message"]
    fetched = team.api.get(f"/api/plans/{plan_id}").json
    assert fetched["starts_at"] == "2026-12-01T16:00:00+00:00" and fetched["updated_at"] > fetched["created_at"]
    assert stored_plans(app) == 1


def test_cancelling_is_idempotent_and_a_late_replay_never_revives_the_plan(team: Team) -> None:
    plan_id = new_plan_id()
    team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child))
    assert team.api.delete(f"/api/plans/{plan_id}").status_code == 204
    assert team.api.delete(f"/api/plans/{plan_id}").status_code == 204
    replay = team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child))
    assert replay.status_code == 200 and replay.json["status"] == "cancelled"
    moved = team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child, starts_at="2026-11-27T16:00"))
    assert moved.status_code == 409
    assert team.api.get(f"/api/plans/{plan_id}").json["starts_at"] == "2026-11-26T16:00:00+00:00"
    assert team.api.delete(f"/api/plans/{new_plan_id()}").status_code == 404


def test_a_plan_for_a_child_the_worker_cannot_see_answers_404_like_a_missing_child(app: Flask, team: Team) -> None:
    stranger = add_child(app)
    foreign = team.api.put(f"/api/plans/{new_plan_id()}", json=plan_body(stranger))
    missing = team.api.put(f"/api/plans/{new_plan_id()}", json=plan_body("0" * 32))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json == missing.json
    assert stored_plans(app) == 0


def test_another_worker_who_sees_the_child_sees_the_plan_without_its_note_and_cannot_change_it(
    app: Flask, team: Team
) -> None:
    plan_id = new_plan_id()
    team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child))
    manager = signed_in(app, team.manager)
    seen = manager.get(f"/api/plans/{plan_id}")
    assert seen.status_code == 200 and seen.json["note"] is None
    assert manager.get(f"/api/plans?child_id={team.child}").json["plans"][0]["note"] is None
    body = plan_body(team.child, starts_at="2026-11-27T16:00", role="social_worker")
    assert manager.put(f"/api/plans/{plan_id}", json=body).status_code == 403
    assert manager.delete(f"/api/plans/{plan_id}").status_code == 403
    assert manager.post(f"/api/plans/{plan_id}/complete", json={}).status_code == 403
    assert team.api.get(f"/api/plans/{plan_id}").json["status"] == "planned"


def test_an_id_already_used_for_another_childs_plan_is_a_conflict(app: Flask, team: Team) -> None:
    other = add_child(app, allocations=[(team.worker, "social_worker")])
    plan_id = new_plan_id()
    team.api.put(f"/api/plans/{plan_id}", json=plan_body(team.child))
    assert team.api.put(f"/api/plans/{plan_id}", json=plan_body(other)).status_code == 409


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": "2027-03-28T01:30"}, "starts_at"),  # the clocks skip 01:00-01:59
        ({"starts_at": "2026-11-26"}, "starts_at"),
        ({"starts_at": "2026-11-31T10:00"}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"kind": "carrier_pigeon"}, "kind"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": "60"}, "duration_minutes"),
        ({"duration_minutes": 721}, "duration_minutes"),
        ({"note": "x" * 501}, "note"),
        ({"note": "right\u202eleft"}, "note"),  # a bidirectional override
        ({"role": "wizard"}, "role"),
        ({"role": "personal_adviser"}, "role"),  # a role the worker does not hold for the child
    ],
)
def test_bad_input_answers_422_naming_the_field(app: Flask, team: Team, overrides: dict, field: str) -> None:
    response = team.api.put(f"/api/plans/{new_plan_id()}", json=plan_body(team.child, **overrides))
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert stored_plans(app) == 0


def test_a_missing_kind_or_start_is_named_and_a_bad_plan_id_is_not_found(team: Team) -> None:
    response = team.api.put(f"/api/plans/{new_plan_id()}", json={"child_id": team.child})
    assert response.status_code == 422 and set(response.json["errors"]) == {"starts_at", "kind"}
    assert team.api.put("/api/plans/not-a-uuid", json=plan_body(team.child)).status_code == 404


def test_the_gap_is_refused_with_a_reason_and_the_repeated_hour_is_its_first_occurrence(team: Team) -> None:
    gap = team.api.put(f"/api/plans/{new_plan_id()}", json=plan_body(team.child, starts_at="2027-03-28T01:30"))
    assert "clocks go forward" in gap.json["errors"]["starts_at"][0]
    first = team.api.put(f"/api/plans/{new_plan_id()}", json=plan_body(team.child, starts_at="2027-10-31T01:30"))
    second = team.api.put(f"/api/plans/{new_plan_id()}", json=plan_body(team.child, starts_at="2027-10-31T01:30+00:00"))
    assert first.json["starts_at"] == "2027-10-31T01:30:00+01:00"
    assert second.json["starts_at"] == "2027-10-31T01:30:00+00:00"


def test_a_plan_in_the_repeated_hour_replays_as_unchanged(app: Flask, team: Team) -> None:
    plan_id, body = new_plan_id(), plan_body(team.child, starts_at="2027-10-31T01:30")
    first = team.api.put(f"/api/plans/{plan_id}", json=body)
    again = team.api.put(f"/api/plans/{plan_id}", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["updated_at"] == first.json["updated_at"]


@pytest.mark.parametrize(
    ("starts_at", "shown"),
    [
        ("2027-03-27T14:00", "2027-03-27T14:00:00+00:00"),  # Saturday, GMT
        ("2027-03-28T14:00", "2027-03-28T14:00:00+01:00"),  # the Sunday the clocks go forward
        ("2027-03-29T14:00", "2027-03-29T14:00:00+01:00"),  # the day after
        ("2026-11-26T17:00+01:00", "2026-11-26T16:00:00+00:00"),  # sent with an offset from abroad
    ],
)
def test_a_planned_time_is_kept_on_londons_clocks_across_the_clock_change(
    team: Team, starts_at: str, shown: str
) -> None:
    response = team.api.put(f"/api/plans/{new_plan_id()}", json=plan_body(team.child, starts_at=starts_at))
    assert response.status_code == 201 and response.json["starts_at"] == shown


def test_weekends_bank_holidays_and_school_hours_are_warned_about(app: Flask, team: Team) -> None:
    pupil = add_child(
        app,
        allocations=[(team.worker, "social_worker")],
        date_of_birth="2015-03-02",
        visits=[{"date": "2026-11-20", "role": "social_worker"}],
    )

    def codes(starts_at: str, child: str = pupil) -> list[str]:
        body = plan_body(child, starts_at=starts_at)
        return plan_codes(team.api.put(f"/api/plans/{new_plan_id()}", json=body).json)

    assert codes("2026-11-24T10:00") == ["school_hours"]
    assert codes("2026-11-24T10:00", team.child) == ["school_hours"]  # six years old: at school too
    assert codes("2026-11-24T15:30") == []
    assert codes("2026-11-28T10:00") == ["weekend"]
    assert codes("2026-12-25T10:00") == ["after_due", "bank_holiday"]  # due by Fri 18 Dec


def test_a_school_age_check_uses_the_childs_date_of_birth(app: Flask, team: Team) -> None:
    toddler = add_child(
        app,
        allocations=[(team.worker, "social_worker")],
        date_of_birth="2024-01-10",
        visits=[{"date": "2026-11-20", "role": "social_worker"}],
    )
    body = plan_body(toddler, starts_at="2026-11-24T10:00")
    assert plan_codes(team.api.put(f"/api/plans/{new_plan_id()}", json=body).json) == []


def test_a_personal_advisers_phone_call_is_planned_but_said_not_to_count_as_a_visit(app: Flask, team: Team) -> None:
    adviser = add_worker(app, "personal_adviser")
    leaver = add_child(
        app,
        allocations=[(adviser, "personal_adviser")],
        date_of_birth="2008-05-01",
        episodes=[{"type": "care_leaver", "start": "2026-10-01"}],
    )
    body = plan_body(leaver, kind="phone", duration_minutes=None)
    plan = signed_in(app, adviser).put(f"/api/plans/{new_plan_id()}", json=body).json
    assert plan["role"] == "personal_adviser" and plan["in_person"] is False and plan["ends_at"] is None
    assert plan_codes(plan) == ["not_in_person"]


def test_a_manager_says_which_role_a_plan_is_for(team: Team, app: Flask) -> None:
    manager = signed_in(app, team.manager)
    unsaid = manager.put(f"/api/plans/{new_plan_id()}", json=plan_body(team.child))
    assert unsaid.status_code == 422 and list(unsaid.json["errors"]) == ["role"]
    said = manager.put(f"/api/plans/{new_plan_id()}", json=plan_body(team.child, role="social_worker"))
    assert said.status_code == 201 and said.json["on_time"] is True


def test_listing_gives_a_childs_plans_or_the_callers_own_soonest_first(app: Flask, team: Team) -> None:
    later, sooner, cancelled = new_plan_id(), new_plan_id(), new_plan_id()
    team.api.put(f"/api/plans/{later}", json=plan_body(team.child, starts_at="2026-11-27T16:00"))
    team.api.put(f"/api/plans/{sooner}", json=plan_body(team.child, starts_at="2026-11-25T16:00"))
    team.api.put(f"/api/plans/{cancelled}", json=plan_body(team.child))
    team.api.delete(f"/api/plans/{cancelled}")
    signed_in(app, team.manager).put(f"/api/plans/{new_plan_id()}", json=plan_body(team.child, role="social_worker"))
    listed = team.api.get(f"/api/plans?child_id={team.child}").json["plans"]
    assert len(listed) == 4
    own = team.api.get("/api/plans?status=planned").json["plans"]
    assert [plan["id"] for plan in own] == [sooner, later]
    assert team.api.get("/api/plans?status=sometimes").status_code == 422


def test_two_phones_racing_with_one_plan_id_store_it_once(app: Flask, team: Team) -> None:
    plan_id = new_plan_id()
    clients = [signed_in(app, team.worker) for _ in range(4)]
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def send(api: ApiClient) -> None:
        start.wait()
        statuses.append(api.put(f"/api/plans/{plan_id}", json=plan_body(team.child)).status_code)

    threads = [threading.Thread(target=send, args=(api,)) for api in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert stored_plans(app) == 1


def test_plans_are_read_on_the_london_day_even_when_the_clock_hands_over_a_utc_instant(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """23:30 UTC on 14 June is 00:30 BST on 15 June: a child allocated from 15 June is the worker's."""
    freeze_now(monkeypatch, datetime(2026, 6, 14, 23, 30, tzinfo=UTC))
    team_id = add_team(app)
    worker = add_worker(app, "social_worker", team_id)
    child = add_child(app, team_id=team_id, allocations=[(worker, "social_worker")], starts_on=date(2026, 6, 15))
    api = signed_in(app, worker)
    plan_id = new_plan_id()
    assert api.put(f"/api/plans/{plan_id}", json=plan_body(child, starts_at="2026-06-16T10:00")).status_code == 201
    assert [plan["id"] for plan in api.get(f"/api/plans?child_id={child}").json["plans"]] == [plan_id]
    assert api.get(f"/api/plans/{plan_id}").status_code == 200
    assert api.delete(f"/api/plans/{plan_id}").status_code == 204
