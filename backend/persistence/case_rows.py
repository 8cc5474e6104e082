"""A case file's facts as table rows: one mapping for every writer (the API and the imports), so
no field a case file can carry is stored by one and silently dropped by the other."""

from __future__ import annotations

import uuid
from typing import Any

from ..core.cases import Case, Visit
from .types import new_id


def child_fields(case: Case) -> dict[str, Any]:
    """The child's own row fields a case file sets (its reference and team are the writer's)."""
    return {"name": case.name, "date_of_birth": case.date_of_birth, "household": case.household}


def episode_rows(child_id: str, case: Case) -> list[dict[str, Any]]:
    return [
        {
            "child_id": child_id,
            "type": episode.type,
            "start": episode.start,
            "end": episode.end,
            "placement": episode.placement,
            "legal_status": episode.legal_status,
            "carer_household": episode.carer_household,
            "position": position,
        }
        for position, episode in enumerate(case.episodes)
    ]


def event_rows(child_id: str, case: Case) -> list[dict[str, Any]]:
    return [
        {"child_id": child_id, "type": event.type, "date": event.date, "time": event.time, "role": event.role}
        for event in case.events
    ]


def override_rows(child_id: str, case: Case) -> list[dict[str, Any]]:
    return [
        {
            "id": new_id(),
            "child_id": child_id,
            "role": override.role,
            "every": override.every.describe(),
            "starts_on": override.start,
            "until": override.until,
            "reason": override.reason,
        }
        for override in case.overrides
    ]


def visit_row(
    child_id: str,
    visit: Visit,
    visit_id: str | None = None,
    seen_alone: bool | None = None,
    bedroom_seen: bool | None = None,
) -> dict[str, Any]:
    return {
        "id": visit_id or str(uuid.uuid4()),
        "child_id": child_id,
        "date": visit.date,
        "role": visit.role,
        "child_seen": visit.child_seen,
        "seen_alone": seen_alone,
        "bedroom_seen": bedroom_seen,
        "visitor_id": None,
        # A case file's visit without a kind was in person; stored as before kinds existed.
        "kind": None if visit.kind == "home_visit" else visit.kind,
        "written_up": visit.written_up,
    }
