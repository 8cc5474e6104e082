"""GET /api/children/<id>/obligations and .../deadlines answer exactly what `flask due` prints for the same case."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from flask import Flask

from tests.builders import make_case_json
from tests.support.world import add_team, add_worker, signed_in

CASES = [
    make_case_json(reference="A-1", episodes=[{"type": "child_in_need", "start": "2026-10-01", "end": None}]),
    make_case_json(
        reference="A-2",
        episodes=[{"type": "child_protection", "start": "2026-08-03", "end": None}],
        visits=[{"date": "2026-08-18", "role": "social_worker", "child_seen": True}],
    ),
    make_case_json(
        reference="A-3",
        episodes=[{"type": "cared_for", "start": "2026-11-02", "end": None, "placement": "regulation_24"}],
        events=[{"type": "first_cared_for_review", "date": "2026-11-20"}],
        visits=[{"date": "2026-11-05", "role": "social_worker", "child_seen": True}],
    ),
    make_case_json(
        reference="A-4",
        date_of_birth="2007-06-01",
        episodes=[
            {"type": "cared_for", "start": "2024-01-08", "end": "2025-06-01", "placement": "foster_care"},
            {"type": "care_leaver", "start": "2025-06-01", "end": None},
        ],
        visits=[{"date": "2026-10-20", "role": "personal_adviser", "child_seen": False}],
    ),
    make_case_json(reference="A-5", episodes=[{"type": "private_fostering", "start": "2025-03-03", "end": None}]),
    # The case file's newer fields: legal status, event times and roles, contact kinds, overrides.
    make_case_json(
        reference="A-7",
        episodes=[
            {
                "type": "cared_for",
                "start": "2026-06-01",
                "placement": "placed_with_parents",
                "legal_status": "care_order",
            }
        ],
        events=[
            {"type": "first_cared_for_review", "date": "2026-06-20"},
            {"type": "care_order_made", "date": "2026-11-16", "time": "15:30"},
            {"type": "allocated", "date": "2026-11-16", "role": "social_worker"},
        ],
        visits=[
            {"date": "2026-11-10", "role": "social_worker"},
            {"date": "2026-11-17", "role": "social_worker", "kind": "phone"},
        ],
    ),
    make_case_json(
        reference="A-8",
        episodes=[{"type": "youth_justice_custody", "start": "2026-11-02", "legal_status": "remand"}],
        overrides=[
            {"role": "social_worker", "every": "2 weeks", "from": "2026-11-02", "until": None, "reason": "risk plan"}
        ],
    ),
    # Deadlines that are not visits: a conference's clocks, write-ups, a period of care's reviews.
    make_case_json(
        reference="A-10",
        date_of_birth="2022-12-01",
        episodes=[
            {"type": "section_47", "start": "2026-09-01", "end": "2026-09-21"},
            {"type": "child_protection", "start": "2026-09-21", "end": "2026-11-02"},
            {"type": "cared_for", "start": "2026-11-02", "placement": "foster_care"},
        ],
        events=[
            {"type": "referral", "date": "2026-08-28"},
            {"type": "strategy_discussion", "date": "2026-09-01"},
            {"type": "initial_child_protection_conference", "date": "2026-09-21"},
            {"type": "core_group", "date": "2026-10-01"},
            {"type": "health_assessment", "date": "2026-11-20"},
            {"type": "cared_for_review", "date": "2027-03-01"},
        ],
        visits=[
            {"date": "2026-11-05", "role": "social_worker", "written_up": "2026-11-06"},
            {"date": "2026-11-19", "role": "social_worker", "written_up": None},
        ],
    ),
    # A plan no visiting rule of England covers: listed under unscheduled by both.
    make_case_json(reference="A-9", episodes=[{"type": "early_help", "start": "2026-09-01", "end": None}]),
    make_case_json(
        reference="A-6",
        episodes=[
            {"type": "child_in_need", "start": "2026-09-01", "end": None},
            {"type": "child_protection", "start": "2026-09-01", "end": None},
        ],
    ),
]


@pytest.mark.parametrize("as_of", ["2026-11-23", "2026-12-24", "2027-04-01"])
def test_the_api_and_the_due_command_agree_on_every_case(app: Flask, runner, tmp_path: Path, as_of: str) -> None:  # noqa: ANN001
    case_file = tmp_path / "cases.json"
    case_file.write_text(json.dumps(CASES))
    with app.app_context():  # `due` relies on the flask command's app context
        result = runner.invoke(args=["due", str(case_file), "--today", as_of])
    assert result.exit_code == 0, result.output
    from_cli = {item.pop("reference"): item for item in json.loads(result.output)}

    manager = signed_in(app, add_worker(app, "team_manager", add_team(app)))
    from_api = {}
    for case in CASES:
        child_id = manager.post("/api/children", json=case).json["id"]
        answer = manager.get(f"/api/children/{child_id}/obligations?as_of={as_of}").json
        answer |= manager.get(f"/api/children/{child_id}/deadlines?as_of={as_of}").json
        from_api[case["reference"]] = answer
    assert from_api == from_cli
    assert from_cli["A-10"]["deadlines"] and all(
        list(deadline) == ["kind", "due", "due_at", "status", "rule", "explanation"]
        for deadline in from_cli["A-10"]["deadlines"]
    )
    assert any(result["obligations"] for result in from_cli.values())
    assert from_cli["A-9"]["unscheduled"] and from_cli["A-9"]["unscheduled"][0]["plan_type"] == "early_help"
    rules = {obligation["rule"] for obligation in from_cli["A-8"]["obligations"]}
    assert rules & {"override", "england.youth_justice_custody.remand"}


ONE_FACT_CASES = [case for case in CASES if case["reference"] in ("A-7", "A-8", "A-10")]


@pytest.mark.parametrize("as_of", ["2026-11-23", "2026-12-24"])
def test_a_case_recorded_one_fact_at_a_time_is_scheduled_as_its_case_file_is(
    app: Flask,
    runner,
    tmp_path: Path,
    as_of: str,  # noqa: ANN001
) -> None:
    """Legal status, event times and roles, contact kinds and overrides sent through the
    one-fact routes reach the engine exactly as the same case file's do: nothing is dropped."""
    case_file = tmp_path / "cases.json"
    case_file.write_text(json.dumps(ONE_FACT_CASES))
    with app.app_context():
        result = runner.invoke(args=["due", str(case_file), "--today", as_of])
    assert result.exit_code == 0, result.output
    from_cli = {item.pop("reference"): item for item in json.loads(result.output)}

    manager = signed_in(app, add_worker(app, "team_manager", add_team(app)))
    for case in ONE_FACT_CASES:
        # The date of birth with the child: deadlines such as the needs assessment count from a birthday.
        child = {"reference": case["reference"], "date_of_birth": case["date_of_birth"]}
        child_id = manager.post("/api/children", json=child).json["id"]
        for episode in case["episodes"]:
            assert manager.post(f"/api/children/{child_id}/episodes", json=episode).status_code == 201
        for event in case["events"]:
            assert manager.post(f"/api/children/{child_id}/events", json=event).status_code == 201
        for visit in case["visits"]:
            fields = {key: value for key, value in visit.items() if key != "written_up"}
            body = {"child_id": child_id, "child_seen": True, "seen_alone": False, **fields}
            visit_id = uuid.uuid4()
            assert manager.put(f"/api/visits/{visit_id}", json=body).status_code == 201
            if visit.get("written_up"):
                marked = manager.put(f"/api/visits/{visit_id}/written-up", json={"written_up": visit["written_up"]})
                assert marked.status_code == 200, marked.json
        for override in case.get("overrides", []):
            made = manager.post(f"/api/children/{child_id}/overrides", json=override)
            assert made.status_code == 201, made.json
        answer = manager.get(f"/api/children/{child_id}/obligations?as_of={as_of}").json
        answer |= manager.get(f"/api/children/{child_id}/deadlines?as_of={as_of}").json
        assert answer == from_cli[case["reference"]], case["reference"]
