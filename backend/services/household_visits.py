"""One visit that saw several children of a household, recorded as one visit per child.

Each child's visit is an ordinary visit (``GET /api/visits/<id>``), made by the single-visit
service's own checks (services/visits.py), under an id derived from the household visit's id
and the child's, so a replay finds them. All are written in one transaction with a
``household_visits`` row holding a digest of the request: a replay of the same request
answers the stored visits, a different request under the same id (another child list, one
answer changed, another worker) is a conflict, and of two identical requests racing, the
primary key of that row lets exactly one write its visits.

A child the caller may not see makes the whole request a 404 before anything is written, so
the answer tells no more about that child than a made-up id would.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..persistence.children import VisitRow
from ..persistence.household_visits import HouseholdVisitRow
from .access import Viewer, visible_child
from .client_ids import commit_new_or_find_winner
from .errors import Conflict, InvalidInput
from .visits import VisitReport, new_visit_row, visit_as_dict

# Fixed for ever: the per-child visit ids are derived under it, and replays must find them.
CHILD_VISIT_NAMESPACE = uuid.UUID("8c3b6d0e-2f4a-4f0e-9a3c-6b1d2e7f4a19")
TAKEN = "A different household visit was already recorded with this id."


@dataclass(frozen=True)
class ChildSeen:
    child_id: str
    child_seen: bool
    seen_alone: bool
    bedroom_seen: bool | None = None
    seen_awake: bool | None = None


@dataclass(frozen=True)
class HouseholdVisitReport:
    date: date
    role: str
    children: tuple[ChildSeen, ...]
    kind: str | None = None

    def for_child(self, child: ChildSeen) -> VisitReport:
        return VisitReport(
            child.child_id,
            self.date,
            self.role,
            child.child_seen,
            child.seen_alone,
            self.kind,
            child.bedroom_seen,
            child.seen_awake,
        )

    def digest(self) -> str:
        canonical = {
            "date": self.date.isoformat(),
            "role": self.role,
            "kind": self.kind,
            "children": sorted(
                [child.child_id, child.child_seen, child.seen_alone, child.bedroom_seen, child.seen_awake]
                for child in self.children
            ),
        }
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def child_visit_id(household_visit_id: str, child_id: str) -> str:
    return str(uuid.uuid5(CHILD_VISIT_NAMESPACE, f"{household_visit_id}/{child_id}"))


def record_household_visit(
    viewer: Viewer, household_visit_id: str, report: HouseholdVisitReport, today: date, route: str
) -> tuple[dict[str, Any], bool]:
    """Store one visit per child; returns (household visit, created). Raises NotFound, Conflict
    or InvalidInput, having stored nothing."""
    refuse_repeated_children(report)
    for child in report.children:
        visible_child(viewer, child.child_id, today)
    existing = db.session.get(HouseholdVisitRow, household_visit_id)
    if existing is not None:
        return settle_replay(viewer, existing, report), False
    ids = [child_visit_id(household_visit_id, child.child_id) for child in report.children]
    if db.session.scalar(select(VisitRow.id).where(VisitRow.id.in_(ids)).limit(1)) is not None:
        raise Conflict(TAKEN)  # a single visit sent under a derived id: nothing of this request fits
    try:
        rows = [
            new_visit_row(viewer, visit_id, report.for_child(child), today, route)
            for visit_id, child in zip(ids, report.children, strict=True)
        ]
    except InvalidInput:
        db.session.rollback()  # the audit entries of the children before the refused one
        raise
    db.session.add_all(rows)
    household = HouseholdVisitRow(
        id=household_visit_id, visitor_id=viewer.worker_id, date=report.date, digest=report.digest()
    )
    try:
        winner = commit_new_or_find_winner(household, HouseholdVisitRow, household_visit_id)
    except IntegrityError:
        raise Conflict(TAKEN) from None  # as above, sent while this request was being written
    if winner is not None:
        return settle_replay(viewer, winner, report), False
    return household_as_dict(household_visit_id, report, rows), True


def refuse_repeated_children(report: HouseholdVisitReport) -> None:
    seen: set[str] = set()
    for index, child in enumerate(report.children):
        if child.child_id in seen:
            raise InvalidInput.field(f"children.{index}.child_id", "This child is already listed.")
        seen.add(child.child_id)


def settle_replay(viewer: Viewer, stored: HouseholdVisitRow, report: HouseholdVisitReport) -> dict[str, Any]:
    # One answer for every difference, another worker's household visit included (as for a visit).
    if stored.visitor_id != viewer.worker_id or stored.digest != report.digest():
        raise Conflict(TAKEN)
    ids = {child_visit_id(stored.id, child.child_id): child.child_id for child in report.children}
    rows = db.session.scalars(select(VisitRow).where(VisitRow.id.in_(ids))).all()
    by_child = {row.child_id: row for row in rows}
    kept = [by_child[child.child_id] for child in report.children if child.child_id in by_child]
    return household_as_dict(stored.id, report, kept)


def household_as_dict(household_visit_id: str, report: HouseholdVisitReport, rows: list[VisitRow]) -> dict[str, Any]:
    return {
        "id": household_visit_id,
        "date": report.date,
        "role": report.role,
        "kind": report.kind,
        "visits": [visit_as_dict(row) for row in rows],
    }
