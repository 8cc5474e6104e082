"""Households over HTTP: the case file's household on children and caseloads, and the practice
checks a household visit's answers raise on the child page and in the team overview."""

from __future__ import annotations

from flask import Flask

from tests.support.world import add_child, add_team, add_worker, household_visit_body, new_visit_id, signed_in

CP = [{"type": "child_protection", "start": "2026-10-01"}]


def test_a_child_added_with_a_household_carries_it_on_its_record_and_caseload_entries(app: Flask) -> None:
    team = add_team(app)
    manager = signed_in(app, add_worker(app, "team_manager", team))
    worker = add_worker(app, "social_worker", team, email="sw@example.org")
    allocations = [{"worker_email": "sw@example.org", "role": "social_worker"}]
    with_one = manager.post(
        "/api/children", json={"reference": "C-1", "household": "F-1021", "episodes": CP, "allocations": allocations}
    ).json["id"]
    without = manager.post("/api/children", json={"reference": "C-2", "episodes": CP, "allocations": allocations}).json[
        "id"
    ]
    assert manager.get(f"/api/children/{with_one}").json["household"] == "F-1021"
    entries = signed_in(app, worker).get("/api/caseload?as_of=2026-11-02").json["obligations"]
    assert {entry["child_id"]: entry["household"] for entry in entries} == {with_one: "F-1021", without: None}


def test_a_manager_moves_a_child_into_and_out_of_a_household(app: Flask) -> None:
    team = add_team(app)
    manager = signed_in(app, add_worker(app, "team_manager", team))
    child = add_child(app, team_id=team)
    assert manager.patch(f"/api/children/{child}", json={"household": "F-7"}).json["household"] == "F-7"
    assert manager.patch(f"/api/children/{child}", json={"household": None}).json["household"] is None


def test_a_household_key_that_is_empty_too_long_or_not_text_is_a_422_naming_it(app: Flask) -> None:
    team = add_team(app)
    manager = signed_in(app, add_worker(app, "team_manager", team))
    child = add_child(app, team_id=team)
    for bad in ("", "x" * 65, "F\n1", 7, ["F-1"]):
        created = manager.post("/api/children", json={"reference": "C-BAD", "household": bad})
        changed = manager.patch(f"/api/children/{child}", json={"household": bad})
        assert (created.status_code, changed.status_code) == (422, 422), bad
        assert "household" in created.json["errors"] and "household" in changed.json["errors"]


def test_practice_checks_show_on_the_child_and_count_in_the_team_overview(app: Flask) -> None:
    team = add_team(app)
    manager = signed_in(app, add_worker(app, "team_manager", team))
    worker = add_worker(app, "social_worker", team)
    older, baby = (
        add_child(app, team_id=team, allocations=[(worker, "social_worker")], episodes=CP, household="F-1"),
        add_child(
            app,
            team_id=team,
            allocations=[(worker, "social_worker")],
            episodes=CP,
            household="F-1",
            date_of_birth="2026-06-01",
        ),
    )
    api = signed_in(app, worker)
    for day in ("2026-11-02", "2026-11-16"):
        body = household_visit_body([older, baby], date=day)
        body["children"][0].update(seen_alone=False, bedroom_seen=True)
        body["children"][1].update(seen_alone=False, bedroom_seen=True, seen_awake=day == "2026-11-02")
        assert api.put(f"/api/household-visits/{new_visit_id()}", json=body).status_code == 201
    older_checks = api.get(f"/api/children/{older}/obligations?as_of=2026-11-20").json["practice_checks"]
    baby_checks = api.get(f"/api/children/{baby}/obligations?as_of=2026-11-20").json["practice_checks"]
    assert [(check["condition"], check["visits"]) for check in older_checks] == [
        ("seen_alone", ["2026-11-16", "2026-11-02"])
    ]
    assert older_checks[0]["source"].startswith("London Child Protection Procedures")
    assert [check["condition"] for check in baby_checks] == ["seen_awake"]
    overview = manager.get(f"/api/teams/{team}/overview?as_of=2026-11-20").json
    assert overview["practice_checks"] == {"children": 2, "seen_alone": 1, "bedroom_seen": 0, "seen_awake": 1}
    # Never a due date: the older child's visit of 16 Nov met its due date all the same.
    obligation = api.get(f"/api/children/{older}/obligations?as_of=2026-11-20").json["obligations"][0]
    assert obligation["last_visit"] == "2026-11-16"


def test_a_single_visit_records_bedroom_seen_and_seen_awake_when_said(app: Flask) -> None:
    team = add_team(app)
    worker = add_worker(app, "social_worker", team)
    child = add_child(app, team_id=team, allocations=[(worker, "social_worker")], episodes=CP)
    api, visit_id = signed_in(app, worker), new_visit_id()
    body = {"child_id": child, "date": "2026-11-16", "role": "social_worker", "child_seen": True, "seen_alone": True}
    response = api.put(f"/api/visits/{visit_id}", json={**body, "bedroom_seen": True})
    assert response.status_code == 201 and response.json["bedroom_seen"] is True
    assert response.json["seen_awake"] is None
    assert api.put(f"/api/visits/{visit_id}", json=body).status_code == 409  # bedroom_seen differs
    assert api.put(f"/api/visits/{visit_id}", json={**body, "bedroom_seen": "yes"}).status_code == 422
