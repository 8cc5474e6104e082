"""PUT /api/visits/<uuid>/written-up marks the day a visit's record was completed, which meets its
write-up deadline in GET /api/children/<id>/deadlines; who may mark it, and what is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from backend.extensions import db
from backend.persistence.audit import AuditEntry
from tests.support.database import app_for
from tests.support.plans import freeze_now
from tests.support.world import add_child, add_team, add_worker, new_visit_id, signed_in, visit_body

TODAY = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def sefton_app(database_url: str) -> Iterator[Flask]:
    # Sefton writes visits up within 5 working days (S:150); England sets no write-up deadline.
    yield from app_for(database_url, RULES_PROFILE="sefton")


def setting(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    freeze_now(monkeypatch, TODAY)
    team = add_team(app)
    worker = add_worker(app, "social_worker", team)
    adviser = add_worker(app, "personal_adviser", team)
    child = add_child(app, team_id=team, allocations=[(worker, "social_worker"), (adviser, "personal_adviser")])
    return {
        "team": team,
        "worker": worker,
        "child": child,
        "adviser": adviser,
        "other_manager": add_worker(app, "team_manager", add_team(app)),
    }


def write_ups(api: object, child: str) -> list[dict[str, object]]:
    response = api.get(f"/api/children/{child}/deadlines")  # type: ignore[attr-defined]
    assert response.status_code == 200, response.json
    return [deadline for deadline in response.json["deadlines"] if deadline["kind"] == "visit_write_up"]


def test_a_visit_marked_written_up_no_longer_has_a_write_up_deadline(
    sefton_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = setting(sefton_app, monkeypatch)
    api = signed_in(sefton_app, world["worker"])
    visit_id = new_visit_id()
    assert api.put(f"/api/visits/{visit_id}", json=visit_body(world["child"], date="2026-11-20")).status_code == 201
    [owed] = write_ups(api, world["child"])
    # Fri 20 Nov + 5 working days = Fri 27 Nov, before today (1 Dec): overdue until marked.
    assert (owed["due"], owed["status"], owed["rule"]) == ("2026-11-27", "overdue", "sefton.deadline.visit_write_up")
    marked = api.put(f"/api/visits/{visit_id}/written-up", json={"written_up": "2026-11-30"})
    assert marked.status_code == 200, marked.json
    assert marked.json["written_up"] == "2026-11-30"
    assert write_ups(api, world["child"]) == []
    assert api.get(f"/api/visits/{visit_id}").json["written_up"] == "2026-11-30"
    # A replay changes nothing and is not audited twice; null clears a mark made by mistake.
    with sefton_app.app_context():
        changes = db.session.query(AuditEntry).filter(AuditEntry.action == "change").count()
    assert api.put(f"/api/visits/{visit_id}/written-up", json={"written_up": "2026-11-30"}).status_code == 200
    with sefton_app.app_context():
        assert db.session.query(AuditEntry).filter(AuditEntry.action == "change").count() == changes
    assert api.put(f"/api/visits/{visit_id}/written-up", json={"written_up": None}).json["written_up"] is None
    assert len(write_ups(api, world["child"])) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"written_up": "2026-12-02"}, "written_up"),  # the future
        ({"written_up": "2026-11-19"}, "written_up"),  # before the visit
        ({"written_up": "20261130"}, "written_up"),
        ({}, "written_up"),
        ({"written_up": "2026-11-30", "date": "2026-11-01"}, "date"),
    ],
)
def test_a_bad_mark_is_a_422_naming_the_field_and_stores_nothing(
    sefton_app: Flask, monkeypatch: pytest.MonkeyPatch, body: dict[str, object], field: str
) -> None:
    world = setting(sefton_app, monkeypatch)
    api = signed_in(sefton_app, world["worker"])
    visit_id = new_visit_id()
    assert api.put(f"/api/visits/{visit_id}", json=visit_body(world["child"], date="2026-11-20")).status_code == 201
    response = api.put(f"/api/visits/{visit_id}/written-up", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert api.get(f"/api/visits/{visit_id}").json["written_up"] is None


def test_only_the_recorder_or_a_worker_holding_the_role_marks_a_visit(
    sefton_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = setting(sefton_app, monkeypatch)
    visit_id = new_visit_id()
    recorder = signed_in(sefton_app, world["worker"])
    assert recorder.put(f"/api/visits/{visit_id}", json=visit_body(world["child"])).status_code == 201
    body = {"written_up": "2026-11-30"}
    # The adviser sees the child but holds no social work role: 403. Another team's manager: 404.
    refused = signed_in(sefton_app, world["adviser"]).put(f"/api/visits/{visit_id}/written-up", json=body)
    assert refused.status_code == 403, refused.json
    assert (
        signed_in(sefton_app, world["other_manager"]).put(f"/api/visits/{visit_id}/written-up", json=body).status_code
        == 404
    )
    assert recorder.get(f"/api/visits/{visit_id}").json["written_up"] is None
    assert recorder.delete(f"/api/visits/{visit_id}").status_code == 204
    assert recorder.put(f"/api/visits/{visit_id}/written-up", json=body).status_code == 409
