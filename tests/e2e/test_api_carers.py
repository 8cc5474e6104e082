"""Carers through the API: adding, changing, reading them with their visits due, recording
visits (replays, conflicts, races), and the supervising social worker's caseload."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from backend.extensions import db
from backend.persistence.carers import CarerVisitRow
from tests.support.carers import add_carer, carer_visit_body
from tests.support.plans import freeze_now
from tests.support.world import ApiClient, add_child, add_team, add_worker, new_visit_id, signed_in


@pytest.fixture
def team(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    freeze_now(monkeypatch)
    team = add_team(app, "Fostering")
    supervisor = add_worker(app, "social_worker", team)
    manager = add_worker(app, "team_manager", team)
    return {"team": team, "supervisor": supervisor, "manager": manager}


def carer_body(**fields: Any) -> dict[str, Any]:
    return {
        "reference": "FC-100",
        "name": "Pat Carer",
        "type": "short_term_foster_carer",
        "approved": "2026-11-02",
        **fields,
    }


def test_a_manager_adds_a_carer_who_then_has_a_visit_due_with_no_child_placed(app: Flask, team: dict[str, Any]) -> None:
    manager = signed_in(app, team["manager"])
    made = manager.post("/api/carers", json=carer_body(supervising_worker_id=team["supervisor"], household="H-7"))
    assert made.status_code == 201, made.json
    detail = manager.get(f"/api/carers/{made.json['id']}?as_of=2026-11-03")
    assert detail.status_code == 200
    assert detail.json["initials"] == "PC"
    assert detail.json["children_joined"] == 0
    # england (the default profile) gives carers one rule: an unannounced visit a year.
    assert [(row["duty"], row["due"]) for row in detail.json["obligations"]] == [("unannounced", "2027-11-02")]


def test_a_reference_in_use_is_a_conflict(app: Flask, team: dict[str, Any]) -> None:
    manager = signed_in(app, team["manager"])
    assert manager.post("/api/carers", json=carer_body()).status_code == 201
    again = manager.post("/api/carers", json=carer_body())
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (carer_body(type="aunt"), "type"),
        (carer_body(transferred="2026-11-01"), "transferred"),
        (carer_body(ended="2026-10-01"), "ended"),
        (carer_body(approved="02/11/2026"), "approved"),
        (carer_body(household=""), "household"),
    ],
)
def test_bad_carer_fields_are_a_422_naming_the_field(
    app: Flask, team: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    response = signed_in(app, team["manager"]).post("/api/carers", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_a_change_is_checked_against_the_stored_carer(app: Flask, team: dict[str, Any]) -> None:
    carer = add_carer(app, team_id=team["team"], approved=date(2026, 11, 2))
    manager = signed_in(app, team["manager"])
    refused = manager.patch(f"/api/carers/{carer}", json={"transferred": "2026-10-01"})
    assert refused.status_code == 422 and "transferred" in refused.json["errors"]
    changed = manager.patch(f"/api/carers/{carer}", json={"supervising_worker_id": team["supervisor"], "ended": None})
    assert changed.status_code == 200, changed.json
    assert changed.json["supervising_worker_id"] == team["supervisor"]


def visit(api: ApiClient, visit_id: str, carer: str, **fields: Any) -> Any:
    return api.put(f"/api/carer-visits/{visit_id}", json=carer_visit_body(carer, **fields))


def test_a_visit_is_stored_once_a_replay_changes_nothing_and_a_different_body_conflicts(
    app: Flask, team: dict[str, Any]
) -> None:
    carer = add_carer(app, supervising_worker_id=team["supervisor"], team_id=team["team"])
    api, visit_id = signed_in(app, team["supervisor"]), new_visit_id()
    first = visit(api, visit_id, carer, unannounced=True)
    assert first.status_code == 201, first.json
    assert visit(api, visit_id, carer, unannounced=True).status_code == 200
    assert visit(api, visit_id, carer, unannounced=False).status_code == 409
    # The team manager's replay of the supervisor's id is another worker's: a conflict.
    assert visit(signed_in(app, team["manager"]), visit_id, carer, unannounced=True).status_code == 409
    assert api.get(f"/api/carer-visits/{visit_id}").json["unannounced"] is True
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CarerVisitRow)) == 1


def test_a_visit_in_the_future_is_refused_naming_the_date(app: Flask, team: dict[str, Any]) -> None:
    carer = add_carer(app, supervising_worker_id=team["supervisor"])
    response = visit(signed_in(app, team["supervisor"]), new_visit_id(), carer, date="2030-01-01")
    assert response.status_code == 422 and "date" in response.json["errors"]


def test_the_supervising_social_worker_sees_their_carers_on_their_caseload_in_a_separate_array(
    app: Flask, team: dict[str, Any]
) -> None:
    carer = add_carer(app, supervising_worker_id=team["supervisor"], team_id=team["team"], household="H-9")
    child = add_child(app, team_id=team["team"], allocations=[(team["supervisor"], "social_worker")])
    api = signed_in(app, team["supervisor"])
    caseload = api.get("/api/caseload?as_of=2026-11-20").json
    assert {row["child_id"] for row in caseload["obligations"]} == {child}
    assert "carer_id" not in caseload["obligations"][0]
    [row] = caseload["carers"]
    assert (row["carer_id"], row["household"], row["duty"], row["role"]) == (
        carer,
        "H-9",
        "unannounced",
        "supervising_social_worker",
    )
    assert row["carer_label"] == "Foster carer (short-term)"
    # A worker who supervises no carer has an empty list, not a missing key.
    other = signed_in(app, team["manager"]).get("/api/caseload?as_of=2026-11-20").json
    assert other["carers"] == []


def test_siblings_placed_in_one_household_make_one_carer_visit_due(app: Flask, team: dict[str, Any]) -> None:
    """Sefton's visit within 1 working day of a child joining the household, once per placement."""
    app.extensions["scheduler"].default_profile = "sefton"
    carer = add_carer(
        app,
        supervising_worker_id=team["supervisor"],
        team_id=team["team"],
        household="H-3",
        visits=(("2026-12-01", True),),
    )
    manager = signed_in(app, team["manager"])
    for number in range(3):
        placed = manager.post(
            "/api/children",
            json={
                "reference": f"C-SIB-{number}",
                "episodes": [
                    {"type": "cared_for", "start": "2026-12-24", "placement": "foster_care", "carer_household": "H-3"}
                ],
            },
        )
        assert placed.status_code == 201, placed.json
        # The supervising social worker's visits are the carer's, not one copy per sibling.
        due = manager.get(f"/api/children/{placed.json['id']}/obligations?as_of=2026-12-24").json
        assert [row["rule"] for row in due["obligations"] if row["role"] == "supervising_social_worker"] == []
        assert due["unscheduled"] == []
    rows = signed_in(app, team["supervisor"]).get("/api/caseload?as_of=2026-12-24").json["carers"]
    visits = [row for row in rows if row["carer_id"] == carer and row["duty"] == "visit"]
    assert [(row["due"], row["rule"]) for row in visits] == [("2026-12-29", "sefton.carer.child_joining")]
    assert manager.get(f"/api/carers/{carer}").json["children_joined"] == 3
    # Carers not recorded here: the child placed with them keeps the supervising visits on their own record.
    elsewhere = manager.post(
        "/api/children",
        json={
            "reference": "C-AGENCY",
            "episodes": [{"type": "cared_for", "start": "2026-12-24", "placement": "foster_care"}],
        },
    )
    due = manager.get(f"/api/children/{elsewhere.json['id']}/obligations?as_of=2026-12-24").json["obligations"]
    assert [(row["rule"], row["due"]) for row in due if row["role"] == "supervising_social_worker"] == [
        ("sefton.supervising_social_worker", "2026-12-29")
    ]


def test_carers_are_in_their_supervisors_calendar_feed_as_two_events_one_per_duty(
    app: Flask, team: dict[str, Any]
) -> None:
    app.extensions["scheduler"].default_profile = "sefton"
    add_carer(
        app,
        supervising_worker_id=team["supervisor"],
        team_id=team["team"],
        reference="FC-FEED",
        name="Lee Feed",
        visits=(("2026-11-10", True),),
    )
    api = signed_in(app, team["supervisor"])
    url = api.post("/api/feeds/token", json={"kind": "worker"}).json["url"]
    feed = api.client.get("/" + url.split("://", 1)[1].split("/", 1)[1]).get_data(as_text=True)
    assert "FC-FEED" in feed
    assert "Lee Feed" not in feed  # initials only, as for children
    assert "LF (carer visit)" in feed and "LF (unannounced carer visit)" in feed
    assert feed.count("BEGIN:VEVENT") == 2


def test_a_placement_named_later_makes_the_carers_visit_due_and_the_childs_worker_does_not_see_the_carer(
    app: Flask, team: dict[str, Any]
) -> None:
    app.extensions["scheduler"].default_profile = "sefton"
    carer = add_carer(
        app,
        supervising_worker_id=team["supervisor"],
        team_id=team["team"],
        household="H-5",
        visits=(("2026-12-01", True),),
    )
    childs_worker = add_worker(app, "social_worker", team["team"])
    child = add_child(
        app,
        team_id=team["team"],
        allocations=[(childs_worker, "social_worker")],
        episodes=[{"type": "cared_for", "start": "2026-12-24", "placement": "foster_care"}],
    )
    worker = signed_in(app, childs_worker)
    [episode] = worker.get(f"/api/children/{child}").json["episodes"]
    assert episode["carer_household"] is None
    named = worker.patch(f"/api/children/{child}/episodes/{episode['id']}", json={"carer_household": "H-5"})
    assert named.status_code == 200, named.json
    assert named.json["carer_household"] == "H-5"
    rows = signed_in(app, team["supervisor"]).get("/api/caseload?as_of=2026-12-24").json["carers"]
    assert ("2026-12-29", "sefton.carer.child_joining") in {(row["due"], row["rule"]) for row in rows}
    # The child's social worker sees the household key on the child, never the carer's record.
    assert worker.get(f"/api/carers/{carer}").status_code == 404
    assert worker.get("/api/carers").json["carers"] == []
    assert worker.get("/api/caseload?as_of=2026-12-24").json["carers"] == []


def test_a_carer_with_a_stored_date_the_calendar_cannot_use_is_left_out_not_a_500(
    app: Flask, team: dict[str, Any]
) -> None:
    """Written around the API's date checks (an old import): the other carers' lists still answer."""
    broken = add_carer(app, supervising_worker_id=team["supervisor"], approved=date(1990, 1, 1))
    fine = add_carer(app, supervising_worker_id=team["supervisor"])
    api = signed_in(app, team["supervisor"])
    caseload = api.get("/api/caseload?as_of=2026-11-20")
    assert caseload.status_code == 200
    assert {row["carer_id"] for row in caseload.json["carers"]} == {fine}
    detail = api.get(f"/api/carers/{broken}")
    assert detail.status_code == 200 and detail.json["obligations"] == []
