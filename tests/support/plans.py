"""Builders for plan tests: request bodies, stored plans, and a fixed "now" for the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from flask import Flask

from backend.api import context
from backend.extensions import db
from backend.persistence.plans import PlanRow
from backend.services.clock import LONDON

# A Monday in term time, before the first school-hours and clock-change cases.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def freeze_now(monkeypatch: pytest.MonkeyPatch, moment: datetime = NOW) -> datetime:
    """Make the API's clock read ``moment`` (Europe/London): dates in a test then stay put."""
    monkeypatch.setattr(context, "now_in_london", lambda: moment)
    monkeypatch.setattr(context, "today_in_london", lambda: moment.date())
    return moment


def new_plan_id() -> str:
    return str(uuid.uuid4())


def plan_body(child_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "child_id": child_id,
        "starts_at": "2026-11-26T16:00",
        "duration_minutes": 60,
        "kind": "home_visit",
        "note": "Bring the consent form",
    }
    body.update(overrides)
    return body


def add_plan(app: Flask, child_id: str, planner_id: str, **overrides: Any) -> str:
    """A plan stored directly (for access tests that need one the caller did not make)."""
    fields: dict[str, Any] = {
        "id": new_plan_id(),
        "child_id": child_id,
        "role": "social_worker",
        "planner_id": planner_id,
        "starts_at": datetime(2026, 11, 26, 16, 0, tzinfo=LONDON),
        "duration_minutes": 60,
        "kind": "home_visit",
        "note": "private",
        "status": "planned",
    }
    fields.update(overrides)
    with app.app_context():
        db.session.add(PlanRow(**fields))
        db.session.commit()
        return fields["id"]


def plan_codes(plan: dict[str, Any]) -> list[str]:
    return [warning["code"] for warning in plan["warnings"]]


def stored_plans(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(PlanRow))
