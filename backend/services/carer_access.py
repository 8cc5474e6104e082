"""Who may see and visit which carer: the one definition every adapter goes through.

- a worker: the carers they supervise (``supervising_worker_id``), and while they cover ("act
  for") an absent colleague, the carers that colleague supervises, as for the colleague's
  children (access.py);
- a team manager: carers their team holds, or supervised by a worker of their team;
- an admin: every carer.

A child's social worker does not see the carers of the child's placement through the child:
the child's record names only the carers' household key, and a carer's record (their address,
their other placements, their supervision) belongs to the fostering service. Anything else is
treated as if it did not exist, exactly as for a made-up id. Whoever sees a carer may record a
visit to them (a manager as cover; the record names who visited).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, false, or_, select

from ..extensions import db
from ..persistence.carers import CarerRow
from ..persistence.people import Worker
from .access import Viewer, covered_worker_ids
from .errors import NotFound


def visible_carer_ids(viewer: Viewer, today: date) -> Select[str]:
    """A subquery of the ids of every carer ``viewer`` may see on ``today``."""
    if viewer.is_admin:
        return select(CarerRow.id)
    if viewer.role == "team_manager":
        if viewer.team_id is None:
            return select(CarerRow.id).where(false())
        team_workers = select(Worker.id).where(Worker.team_id == viewer.team_id)
        return select(CarerRow.id).where(
            or_(CarerRow.team_id == viewer.team_id, CarerRow.supervising_worker_id.in_(team_workers))
        )
    return select(CarerRow.id).where(
        or_(
            CarerRow.supervising_worker_id == viewer.worker_id,
            CarerRow.supervising_worker_id.in_(covered_worker_ids(viewer.worker_id, today)),
        )
    )


def visible_carer(viewer: Viewer, carer_id: str, today: date) -> CarerRow:
    """The carer, if ``viewer`` may see them on ``today``; otherwise NotFound, as for a made-up id."""
    carer = db.session.scalar(
        select(CarerRow).where(CarerRow.id == carer_id, CarerRow.id.in_(visible_carer_ids(viewer, today)))
    )
    if carer is None:
        raise NotFound(carer_id)
    return carer
