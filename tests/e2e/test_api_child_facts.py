"""The one-fact routes say what a case file says: an episode's legal status, an event's time and
role, and per-child overrides (who may set them, what they change), stored and read back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from flask import Flask

from backend.core.cases import parse_case
from backend.core.errors import InvalidCase
from backend.extensions import db
from backend.persistence.children import Allocation, OverrideRow
from tests.builders import make_case_json
from tests.e2e.test_api_bad_input import assert_refused, stored_rows
from tests.support.database import app_for
from tests.support.plans import freeze_now
from tests.support.world import ApiClient, add_child, add_team, add_worker, signed_in

TODAY = datetime(2026, 11, 23, 9, 0)


@dataclass
class World:
    team: str
    manager: ApiClient
    manager_id: str
    social_worker: ApiClient
    child: str


@pytest.fixture
def world(app: Flask, monkeypatch: pytest.MonkeyPatch) -> World:
    freeze_now(monkeypatch, TODAY)
    team = add_team(app)
    manager, social_worker = (
        add_worker(app, "team_manager", team, name="Mo Manager"),
        add_worker(app, "social_worker", team),
    )
    child = add_child(
        app,
        team_id=team,
        allocations=[(social_worker, "social_worker")],
        episodes=[{"type": "child_protection", "start": "2026-11-02", "end": None}],
        visits=[{"date": "2026-11-16", "role": "social_worker"}],
    )
    return World(team, signed_in(app, manager), manager, signed_in(app, social_worker), child)


def social_work_due(api: ApiClient, child: str, as_of: str = "2026-11-23") -> dict[str, Any]:
    obligations = api.get(f"/api/children/{child}/obligations?as_of={as_of}").json["obligations"]
    return next(item for item in obligations if item["role"] == "social_worker" and item["duty"] == "visit")


# Legal status


def test_an_episode_keeps_its_legal_status_and_a_patch_records_a_new_one(world: World) -> None:
    api = world.manager
    made = api.post(
        f"/api/children/{world.child}/episodes",
        json={
            "type": "cared_for",
            "start": "2026-11-02",
            "placement": "placed_with_parents",
            "legal_status": "interim_care_order",
        },
    )
    assert made.status_code == 201, made.json
    assert made.json["legal_status"] == "interim_care_order"
    episode = made.json["id"]
    changed = api.patch(f"/api/children/{world.child}/episodes/{episode}", json={"legal_status": "care_order"})
    assert changed.status_code == 200, changed.json
    assert changed.json["legal_status"] == "care_order" and changed.json["end"] is None
    ended = api.patch(f"/api/children/{world.child}/episodes/{episode}", json={"end": "2026-11-20"})
    assert ended.json["legal_status"] == "care_order" and ended.json["end"] == "2026-11-20"
    [stored] = [item for item in api.get(f"/api/children/{world.child}").json["episodes"] if item["id"] == episode]
    assert stored["legal_status"] == "care_order"


@pytest.mark.parametrize(
    ("body", "field"), [({}, "end"), ({"legal_status": "wardship"}, "legal_status"), ({"type": "cared_for"}, "type")]
)
def test_an_episode_patch_that_changes_nothing_known_is_a_422_naming_the_field(
    app: Flask, world: World, body: dict[str, Any], field: str
) -> None:
    episode = world.manager.get(f"/api/children/{world.child}").json["episodes"][0]["id"]
    before = stored_rows(app)
    response = world.manager.patch(f"/api/children/{world.child}/episodes/{episode}", json=body)
    assert response.status_code == 422
    assert_refused(app, response, field, before)


def test_a_care_order_made_while_the_child_lives_with_a_parent_brings_a_visit_within_a_week(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_now(monkeypatch, TODAY)
    team = add_team(app)
    manager = add_worker(app, "team_manager", team)
    child = add_child(
        app,
        team_id=team,
        episodes=[{"type": "cared_for", "start": "2026-06-01", "placement": "placed_with_parents"}],
        events=[{"type": "first_cared_for_review", "date": "2026-06-20"}],
        visits=[{"date": "2026-11-10", "role": "social_worker"}],
    )
    api = signed_in(app, manager)
    assert social_work_due(api, child, "2026-11-17")["due"] == "2026-12-08"  # 4-weekly after the first review
    order = api.post(
        f"/api/children/{child}/events", json={"type": "care_order_made", "date": "2026-11-16", "time": "15:30"}
    )
    assert order.status_code == 201, order.json
    due = social_work_due(api, child, "2026-11-17")
    assert (due["due"], due["rule"]) == ("2026-11-23", "england.cared_for.care_order_at_home")


# Event times and roles


def test_an_event_keeps_its_time_and_role_and_an_hour_counted_duty_runs_from_the_time(world: World) -> None:
    api = world.manager
    made = api.post(
        f"/api/children/{world.child}/events",
        json={"type": "returned_from_missing", "date": "2026-11-20", "time": "21:15"},
    )
    assert made.status_code == 201, made.json
    assert (made.json["time"], made.json["role"]) == ("21:15", None)
    allocated = api.post(
        f"/api/children/{world.child}/events", json={"type": "allocated", "date": "2026-11-20", "role": "social_worker"}
    )
    assert (allocated.json["time"], allocated.json["role"]) == (None, "social_worker")
    events = {event["type"]: event for event in api.get(f"/api/children/{world.child}").json["events"]}
    assert events["returned_from_missing"]["time"] == "21:15"
    assert events["allocated"]["role"] == "social_worker"
    obligations = api.get(f"/api/children/{world.child}/obligations?as_of=2026-11-21").json["obligations"]
    assert "2026-11-23T21:15:00+00:00" in {item["due_at"] for item in obligations}


TIMES = ["25:00", "9:30", "09:30:00", "0930", "09-30", "24:00", "12:60", "", " 9:30", "٠٩:٣٠", 930, True, [], {}]


@pytest.mark.parametrize("text", TIMES, ids=repr)
def test_a_time_the_case_file_refuses_is_a_422_naming_time_on_the_event_route_and_in_a_case(
    app: Flask, world: World, text: Any
) -> None:
    before = stored_rows(app)
    event = world.manager.post(
        f"/api/children/{world.child}/events",
        json={"type": "returned_from_missing", "date": "2026-11-20", "time": text},
    )
    assert event.status_code == 422
    assert_refused(app, event, "time", before)
    case = {"reference": "C-TIME", "events": [{"type": "returned_from_missing", "date": "2026-11-20", "time": text}]}
    created = world.manager.post("/api/children", json=case)
    assert created.status_code == 422
    assert_refused(app, created, "events.0.time", before)
    if isinstance(text, str) and text.isascii():
        # The engine's own reading of a case file (the `due` command) refuses it too.
        with pytest.raises(InvalidCase, match="time"):
            parse_case(make_case_json(events=case["events"]))


@pytest.mark.parametrize("text", ["00:00", "09:30", "23:59"])
def test_a_time_the_case_file_takes_is_taken(world: World, text: str) -> None:
    made = world.manager.post(
        f"/api/children/{world.child}/events",
        json={"type": "returned_from_missing", "date": "2026-11-20", "time": text},
    )
    assert made.status_code == 201 and made.json["time"] == text
    assert parse_case(make_case_json(events=[{"type": "birth", "date": "2026-11-20", "time": text}])).events


@pytest.mark.parametrize("role", [None, "admin"])
def test_an_allocation_event_names_a_visiting_role(app: Flask, world: World, role: str | None) -> None:
    before = stored_rows(app)
    body = {"type": "allocated", "date": "2026-11-20"} | ({"role": role} if role else {})
    response = world.manager.post(f"/api/children/{world.child}/events", json=body)
    assert response.status_code == 422
    assert_refused(app, response, "role", before)


@pytest.fixture
def sefton_app(database_url: str) -> Iterator[Flask]:
    yield from app_for(database_url, RULES_PROFILE="sefton")


def test_an_allocation_event_moves_only_the_allocated_roles_duty_so_only_that_role_records_it(
    sefton_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_now(monkeypatch, TODAY)
    team = add_team(sefton_app)
    adviser = add_worker(sefton_app, "personal_adviser", team)
    child = add_child(
        sefton_app,
        team_id=team,
        allocations=[(adviser, "personal_adviser")],
        date_of_birth="2007-03-02",
        episodes=[{"type": "care_leaver", "start": "2026-10-01"}],
    )
    api = signed_in(sefton_app, adviser)
    before = stored_rows(sefton_app)
    theirs = {"type": "allocated", "date": "2026-11-20", "role": "social_worker"}
    refused = api.post(f"/api/children/{child}/events", json=theirs)
    assert refused.status_code == 403 and "social_worker" in refused.json["detail"]
    assert stored_rows(sefton_app) == before
    mine = api.post(f"/api/children/{child}/events", json=theirs | {"role": "personal_adviser"})
    assert mine.status_code == 201, mine.json


# Overrides


def override(**fields: Any) -> dict[str, Any]:
    return {
        "role": "social_worker",
        "every": "5 working days",
        "from": "2026-11-16",
        "reason": "strategy meeting",
    } | fields


def test_a_team_manager_sets_an_override_which_is_listed_named_and_tightens_the_due_date(world: World) -> None:
    before = social_work_due(world.manager, world.child)
    made = world.manager.post(f"/api/children/{world.child}/overrides", json=override())
    assert made.status_code == 201, made.json
    assert made.json == {
        "id": made.json["id"],
        "role": "social_worker",
        "every": made.json["every"],
        "from": "2026-11-16",
        "until": None,
        "reason": "strategy meeting",
        "agreed_by": world.manager_id,
        "agreed_by_name": "Mo Manager",
    }
    assert "5 working days" in made.json["every"]
    assert world.social_worker.get(f"/api/children/{world.child}").json["overrides"] == [made.json]
    due = social_work_due(world.social_worker, world.child)
    assert due["rule"] == "override" and due["due"] < before["due"]
    assert due["due"] == "2026-11-23"


def test_ending_an_override_restores_the_rules_due_date_after_its_last_day(world: World) -> None:
    made = world.manager.post(f"/api/children/{world.child}/overrides", json=override()).json
    ended = world.manager.patch(f"/api/children/{world.child}/overrides/{made['id']}", json={"until": "2026-11-20"})
    assert ended.status_code == 200, ended.json
    assert ended.json["until"] == "2026-11-20" and ended.json["agreed_by"] == world.manager_id
    assert social_work_due(world.manager, world.child, "2026-11-20")["rule"] == "override"
    assert social_work_due(world.manager, world.child, "2026-11-23")["rule"] != "override"
    reopened = world.manager.patch(f"/api/children/{world.child}/overrides/{made['id']}", json={"until": None})
    assert reopened.json["until"] is None


def test_a_looser_override_is_kept_and_changes_nothing(world: World) -> None:
    before = world.manager.get(f"/api/children/{world.child}/obligations?as_of=2026-11-23").json
    made = world.manager.post(f"/api/children/{world.child}/overrides", json=override(every="26 weeks"))
    assert made.status_code == 201, made.json
    assert world.manager.get(f"/api/children/{world.child}/obligations?as_of=2026-11-23").json == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (override(every="fortnightly"), "every"),
        (override(every="0 days"), "every"),
        (override(every=5), "every"),
        (override(every="5 working days" + " " * 40), "every"),
        (override(until="2026-11-15"), "until"),
        (override(reason=""), "reason"),
        (override(reason="agreed\x1b[31m"), "reason"),
        (override(role="admin"), "role"),
        ({key: value for key, value in override().items() if key != "reason"}, "reason"),
        ({key: value for key, value in override().items() if key != "from"}, "from"),
        (override(agreed_by="0" * 32), "agreed_by"),
    ],
)
def test_a_bad_override_is_a_422_naming_the_field_and_stores_nothing(
    app: Flask, world: World, body: dict[str, Any], field: str
) -> None:
    before = stored_rows(app)
    response = world.manager.post(f"/api/children/{world.child}/overrides", json=body)
    assert response.status_code == 422
    assert_refused(app, response, field, before)


def test_ending_an_override_before_it_starts_is_a_422_naming_until(app: Flask, world: World) -> None:
    made = world.manager.post(f"/api/children/{world.child}/overrides", json=override()).json
    before = stored_rows(app)
    response = world.manager.patch(f"/api/children/{world.child}/overrides/{made['id']}", json={"until": "2026-11-15"})
    assert response.status_code == 422
    assert_refused(app, response, "until", before)
    with app.app_context():
        assert db.session.get(OverrideRow, made["id"]).until is None


def test_only_the_team_manager_of_the_childs_team_or_an_admin_sets_or_ends_an_override(
    app: Flask, world: World
) -> None:
    made = world.manager.post(f"/api/children/{world.child}/overrides", json=override()).json
    # Another team's manager sees the child because one of their workers is allocated to it.
    other_team = add_team(app)
    other_manager, adviser = (
        add_worker(app, "team_manager", other_team),
        add_worker(app, "personal_adviser", other_team),
    )
    with app.app_context():
        db.session.add(
            Allocation(child_id=world.child, worker_id=adviser, role="personal_adviser", starts_on=TODAY.date())
        )
        db.session.commit()
    before = stored_rows(app)
    for caller in (world.social_worker, signed_in(app, other_manager), signed_in(app, adviser)):
        assert caller.get(f"/api/children/{world.child}").status_code == 200
        added = caller.post(f"/api/children/{world.child}/overrides", json=override(role="personal_adviser"))
        assert added.status_code == 403, added.json
        ended = caller.patch(f"/api/children/{world.child}/overrides/{made['id']}", json={"until": "2026-11-20"})
        assert ended.status_code == 403, ended.json
    assert stored_rows(app) == before
    admin = signed_in(app, add_worker(app, "admin"))
    assert (
        admin.patch(f"/api/children/{world.child}/overrides/{made['id']}", json={"until": "2026-11-20"}).status_code
        == 200
    )


def test_an_override_of_another_child_is_not_found(app: Flask, world: World) -> None:
    other = add_child(
        app,
        team_id=world.team,
        overrides=[{"role": "social_worker", "every": "1 week", "from": "2026-11-02", "reason": "risk plan"}],
    )
    with app.app_context():
        foreign = db.session.scalar(db.select(OverrideRow.id).where(OverrideRow.child_id == other))
    response = world.manager.patch(f"/api/children/{world.child}/overrides/{foreign}", json={"until": "2026-11-20"})
    assert response.status_code == 404
    made_up = world.manager.patch(f"/api/children/{world.child}/overrides/{'f' * 32}", json={"until": "2026-11-20"})
    assert made_up.json == response.json


def test_an_imported_override_is_listed_with_nobody_as_its_agreer(app: Flask, world: World) -> None:
    created = world.manager.post(
        "/api/children",
        json={"reference": "C-IMPORTED", "overrides": [override(reason="agreed at the strategy meeting by J. Doe")]},
    )
    assert created.status_code == 201, created.json
    [listed] = world.manager.get(f"/api/children/{created.json['id']}").json["overrides"]
    assert (listed["agreed_by"], listed["agreed_by_name"]) == (None, None)
