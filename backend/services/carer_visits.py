"""Recording visits to carers idempotently, as visits to children are (services/visits.py):
the phone picks the id, a replay of the same report changes nothing, a different one conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..persistence.carers import CarerVisitRow
from .access import Viewer
from .audit import note_change
from .carer_access import visible_carer, visible_carer_ids
from .client_ids import commit_new_or_find_winner
from .errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class CarerVisitReport:
    carer_id: str
    date: date
    unannounced: bool


def record_carer_visit(
    viewer: Viewer, visit_id: str, report: CarerVisitReport, today: date, route: str
) -> tuple[dict[str, Any], bool]:
    """Store the visit; returns (visit, created). Raises NotFound, Conflict or InvalidInput."""
    visible_carer(viewer, report.carer_id, today)
    existing = db.session.get(CarerVisitRow, visit_id)
    if existing is not None:
        return settle_replay(viewer, existing, report), False
    if report.date > today:
        raise InvalidInput.field(
            "date", f"{report.date.isoformat()} is in the future; record a visit once it has happened."
        )
    row = CarerVisitRow(
        id=visit_id,
        carer_id=report.carer_id,
        date=report.date,
        unannounced=report.unannounced,
        visitor_id=viewer.worker_id,
    )
    note_change(viewer.worker_id, None, route, carer_id=report.carer_id)
    winner = commit_new_or_find_winner(row, CarerVisitRow, visit_id)
    if winner is not None:
        return settle_replay(viewer, winner, report), False
    return carer_visit_as_dict(row), True


def settle_replay(viewer: Viewer, stored: CarerVisitRow, report: CarerVisitReport) -> dict[str, Any]:
    # One conflict for every difference, another worker's visit included, as for children's visits.
    same = (
        stored.visitor_id == viewer.worker_id
        and stored.carer_id == report.carer_id
        and stored.date == report.date
        and stored.unannounced == report.unannounced
    )
    if not same:
        raise Conflict("A different visit was already recorded with this id.")
    return carer_visit_as_dict(stored)


def visible_carer_visit(viewer: Viewer, visit_id: str, today: date) -> dict[str, Any]:
    visible = visible_carer_ids(viewer, today)
    row = db.session.scalar(
        select(CarerVisitRow).where(CarerVisitRow.id == visit_id, CarerVisitRow.carer_id.in_(visible))
    )
    if row is None:
        raise NotFound(visit_id)
    return carer_visit_as_dict(row)


def carer_visit_as_dict(visit: CarerVisitRow) -> dict[str, Any]:
    return {
        "id": visit.id,
        "carer_id": visit.carer_id,
        "date": visit.date,
        "unannounced": visit.unannounced,
        "visitor_id": visit.visitor_id,
        "recorded_at": visit.recorded_at,
    }
