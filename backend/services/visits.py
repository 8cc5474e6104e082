"""Recording visits idempotently: the phone picks the id, so a replay finds the row it made.

PUT semantics: the first request creates the visit; the same id with the same content is a
replay and changes nothing; the same id with different content is a conflict. Two requests
racing with one id are settled by the primary key: the loser sees IntegrityError, reads the
winner's row and answers as for a replay or a conflict.

An id is the recording worker's: only their identical request is a replay. Another worker's
id answers the same conflict whoever's child it is, so a PUT tells nothing about visits the
caller cannot see (the ids are random, so only a caller who already knew one can ask).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..persistence.children import VisitRow
from .access import Viewer, require_role, visible_child, visible_child_ids
from .audit import note_change
from .client_ids import commit_new_or_find_winner
from .errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class VisitReport:
    child_id: str
    date: date
    role: str
    child_seen: bool
    # None when not said (a visit recorded from a plan in one tap).
    seen_alone: bool | None
    # core.vocabulary.CONTACT_KINDS; None: a visit in person, place not said (see persistence/repository.py).
    kind: str | None = None
    # Practice conditions the checks read (core/practice_checks.py); None when not said.
    bedroom_seen: bool | None = None
    seen_awake: bool | None = None


def record_visit(
    viewer: Viewer, visit_id: str, report: VisitReport, today: date, route: str
) -> tuple[dict[str, Any], bool]:
    """Store the visit; returns (visit, created). Raises NotFound, Conflict or InvalidInput."""
    visible_child(viewer, report.child_id, today)
    existing = db.session.get(VisitRow, visit_id)
    if existing is not None:
        return settle_replay(viewer, existing, report), False
    row = new_visit_row(viewer, visit_id, report, today, route)
    winner = commit_new_or_find_winner(row, VisitRow, visit_id)
    if winner is not None:
        return settle_replay(viewer, winner, report), False
    return visit_as_dict(row), True


def new_visit_row(viewer: Viewer, visit_id: str, report: VisitReport, today: date, route: str) -> VisitRow:
    """The checks every new visit passes and its row, with its audit entry, left for the caller to
    commit (alone, or with the other children of a household visit). The child is visible."""
    require_role(viewer, report.child_id, report.role, today)
    if report.date > today:
        raise InvalidInput.field(
            "date", f"{report.date.isoformat()} is in the future; record a visit once it has happened."
        )
    note_change(viewer.worker_id, report.child_id, route)
    return VisitRow(
        id=visit_id,
        child_id=report.child_id,
        date=report.date,
        role=report.role,
        child_seen=report.child_seen,
        seen_alone=report.seen_alone,
        bedroom_seen=report.bedroom_seen,
        seen_awake=report.seen_awake,
        kind=report.kind,
        visitor_id=viewer.worker_id,
    )


def settle_replay(viewer: Viewer, stored: VisitRow, report: VisitReport) -> dict[str, Any]:
    # The visitor is compared first and the answer is one conflict for every difference, so
    # another worker's visit, seen or unseen, answers exactly as a changed replay of one's own.
    same = (
        stored.visitor_id == viewer.worker_id
        and stored.child_id == report.child_id
        and stored.date == report.date
        and stored.role == report.role
        and stored.child_seen == report.child_seen
        and stored.seen_alone == report.seen_alone
        and stored.bedroom_seen == report.bedroom_seen
        and stored.seen_awake == report.seen_awake
        and stored.kind == report.kind
    )
    if not same:
        raise Conflict("A different visit was already recorded with this id.")
    return visit_as_dict(stored)


def visible_visit(viewer: Viewer, visit_id: str, today: date) -> dict[str, Any]:
    row = db.session.scalar(
        select(VisitRow).where(VisitRow.id == visit_id, VisitRow.child_id.in_(visible_child_ids(viewer, today)))
    )
    if row is None:
        raise NotFound(visit_id)
    return visit_as_dict(row)


def visit_as_dict(visit: VisitRow) -> dict[str, Any]:
    return {
        "id": visit.id,
        "child_id": visit.child_id,
        "date": visit.date,
        "role": visit.role,
        "child_seen": visit.child_seen,
        "seen_alone": visit.seen_alone,
        "bedroom_seen": visit.bedroom_seen,
        "seen_awake": visit.seen_awake,
        "kind": visit.kind,
        "visitor_id": visit.visitor_id,
        "recorded_at": visit.recorded_at,
        "withdrawn_at": visit.withdrawn_at,
        "written_up": visit.written_up,
    }
