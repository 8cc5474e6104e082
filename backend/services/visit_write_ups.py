"""Marking a visit written up: the day its record was completed, which meets its write-up
deadline (core/deadlines.py).

Who may: the worker who recorded the visit, anyone who may act for the child in the visit's
role (the allocated worker, their team manager, an admin); a visit the caller may see but not
mark answers Forbidden, one they may not see NotFound. The date is never in the future nor
before the visit; null clears a mark made by mistake. Marking the same date again changes
nothing, so a phone replaying its queue is harmless.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..persistence.children import VisitRow
from .access import Viewer, may_act_in, visible_child_ids
from .audit import note_change
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .visits import visit_as_dict


def mark_written_up(viewer: Viewer, visit_id: str, written_up: date | None, today: date, route: str) -> dict[str, Any]:
    visit = db.session.scalar(
        select(VisitRow).where(VisitRow.id == visit_id, VisitRow.child_id.in_(visible_child_ids(viewer, today)))
    )
    if visit is None:
        raise NotFound(visit_id)
    if visit.visitor_id != viewer.worker_id and not may_act_in(viewer, visit.child_id, (visit.role,), today):
        raise Forbidden("Only the worker who recorded this visit or one who holds its role for the child may mark it.")
    if visit.withdrawn_at is not None:
        raise Conflict("This visit was withdrawn as recorded in error; it has nothing to write up.")
    if written_up is not None and written_up > today:
        raise InvalidInput.field("written_up", f"{written_up.isoformat()} is in the future.")
    if written_up is not None and written_up < visit.date:
        raise InvalidInput.field("written_up", "a visit cannot be written up before it happened.")
    if visit.written_up != written_up:
        visit.written_up = written_up
        note_change(viewer.worker_id, visit.child_id, route)
        db.session.commit()
    return visit_as_dict(visit)
