"""Carers: adding and changing them, reading them back with their visits due, and the carers
each supervising social worker visits (their caseload, calendar feed, reminders, team view)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.exc import IntegrityError

from ..core.carers import Carer, parse_carer
from ..core.labels import initials_of
from ..core.scheduling import Obligation
from ..core.vocabulary import CARER_TYPES
from ..extensions import db
from ..persistence.carer_repository import LoadedCarer, load_carers
from ..persistence.carers import CarerRow
from ..persistence.people import Worker
from ..persistence.types import new_id
from .access import Viewer, require_manager
from .allocations import allocatable_worker
from .audit import note_change
from .carer_access import visible_carer, visible_carer_ids
from .caseload import BAD_DATES, scheduler
from .children import case_json
from .errors import Conflict, InvalidInput

log = logging.getLogger(__name__)
TEAM_STATUSES = ("overdue", "due_today", "due_soon")
FIELDS = ("reference", "name", "type", "approved", "transferred", "ended", "household")


@dataclass(frozen=True)
class CarerEntry:
    """One visit due to a carer on a supervising social worker's caseload."""

    carer_id: str
    reference: str
    initials: str
    full_name: str
    carer_type: str
    household: str | None
    obligation: Obligation

    def as_dict(self) -> dict[str, object]:
        return {
            **self.obligation.as_dict(),
            "carer_id": self.carer_id,
            "reference": self.reference,
            "initials": self.initials,
            "carer_type": self.carer_type,
            "carer_label": CARER_TYPES[self.carer_type],
            "household": self.household,
        }


def obligations_of(loaded: LoadedCarer, as_of: date) -> tuple[Obligation, ...]:
    """The carer's visits due; none (logged, by id only) when a stored date is beyond the calendar."""
    try:
        return scheduler().carer_obligations(loaded.carer, as_of)
    except BAD_DATES as error:
        log.warning("carer %s left unscheduled: its dates gave %s", loaded.row.id, type(error).__name__)
        return ()


def supervised_carers(worker_ids: list[str], as_of: date) -> dict[str, list[CarerEntry]]:
    """Each worker's carers' visits due on ``as_of``, soonest first: for caseloads, feeds, reminders."""
    if not worker_ids:
        return {}
    return entries_by_supervisor(select(CarerRow.id).where(CarerRow.supervising_worker_id.in_(worker_ids)), as_of)


def entries_by_supervisor(carer_ids: Select[Any], as_of: date) -> dict[str, list[CarerEntry]]:
    """The visits due on ``as_of`` to the carers ``carer_ids`` selects, by supervising worker, soonest first."""
    found: dict[str, list[CarerEntry]] = defaultdict(list)
    for loaded in load_carers(carer_ids):
        worker_id = loaded.row.supervising_worker_id or ""
        found[worker_id].extend(entry_of(loaded, obligation) for obligation in obligations_of(loaded, as_of))
    for entries in found.values():
        entries.sort(key=lambda entry: (entry.obligation.due, entry.obligation.duty, entry.reference))
    return dict(found)


def entry_of(loaded: LoadedCarer, obligation: Obligation) -> CarerEntry:
    row = loaded.row
    return CarerEntry(row.id, row.reference, initials_of(row.name), row.name, row.type, row.household, obligation)


def visible_carers(viewer: Viewer, as_of: date, today: date) -> list[dict[str, Any]]:
    return [carer_as_dict(loaded, as_of) for loaded in load_carers(visible_carer_ids(viewer, today))]


def carer_detail(viewer: Viewer, carer_id: str, as_of: date, today: date) -> dict[str, Any]:
    visible_carer(viewer, carer_id, today)
    return carer_as_dict(load_carers(select(CarerRow.id).where(CarerRow.id == carer_id))[0], as_of)


def carer_as_dict(loaded: LoadedCarer, as_of: date) -> dict[str, Any]:
    row = loaded.row
    return {
        "id": row.id,
        **{key: getattr(row, key) for key in FIELDS},
        "initials": initials_of(row.name),
        "supervising_worker_id": row.supervising_worker_id,
        "children_joined": len(loaded.carer.joinings),
        "obligations": [obligation.as_dict() for obligation in obligations_of(loaded, as_of)],
    }


def create_carer(viewer: Viewer, payload: dict[str, Any], today: date, route: str) -> str:
    """A team manager or admin adds a carer to their team, supervised by one of its workers."""
    require_manager(viewer)
    carer = checked(payload)
    worker_id = supervising_worker(viewer, payload.get("supervising_worker_id"))
    team_id = viewer.team_id if not viewer.is_admin else team_of(worker_id)
    row = CarerRow(id=new_id(), team_id=team_id, supervising_worker_id=worker_id)
    copy_fields(row, carer)
    db.session.add(row)
    note_change(viewer.worker_id, None, route, carer_id=row.id)
    commit_or_conflict()
    return row.id


def update_carer(viewer: Viewer, carer_id: str, changes: dict[str, Any], today: date, route: str) -> dict[str, Any]:
    """Change a carer's details or supervising worker (a manager of theirs, or an admin)."""
    row = visible_carer(viewer, carer_id, today)
    require_manager(viewer)
    current = {key: getattr(row, key) for key in FIELDS}
    carer = checked({**current, **{key: value for key, value in changes.items() if key in FIELDS}})
    if "supervising_worker_id" in changes:
        row.supervising_worker_id = supervising_worker(viewer, changes["supervising_worker_id"])
    copy_fields(row, carer)
    note_change(viewer.worker_id, None, route, carer_id=row.id)
    commit_or_conflict()
    return carer_detail(viewer, carer_id, today, today)


def checked(payload: dict[str, Any]) -> Carer:
    """The core's checks, as for a carer in an import: the same message names the same field."""
    return parse_carer(case_json({key: payload.get(key) for key in FIELDS}))


def copy_fields(row: CarerRow, carer: Carer) -> None:
    row.reference, row.name, row.type, row.household = carer.reference, carer.name, carer.type, carer.household
    row.approved, row.transferred, row.ended = carer.approved, carer.transferred, carer.ended


def supervising_worker(viewer: Viewer, worker_id: str | None) -> str | None:
    if worker_id is None:
        return None
    worker = allocatable_worker(viewer, worker_id=worker_id)
    if worker is None:
        raise InvalidInput.field("supervising_worker_id", "No active worker with this id that you may allocate.")
    return worker.id


def team_of(worker_id: str | None) -> str | None:
    return db.session.scalar(select(Worker.team_id).where(Worker.id == worker_id)) if worker_id else None


def commit_or_conflict() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("This carer reference is already in use.") from None


def team_carers(team_id: str, as_of: date) -> dict[str, Any]:
    """The team view's carers: how many of the visits due to the team's carers are overdue, due
    today or due soon, and the overdue ones with their supervising worker (null for a carer with
    none: the manager must see those visits most of all)."""
    by_worker = entries_by_supervisor(team_carer_ids(team_id), as_of)
    found = db.session.execute(select(Worker.id, Worker.name).where(Worker.id.in_(list(by_worker))))
    names = {worker_id: name for worker_id, name in found}
    counts = dict.fromkeys(TEAM_STATUSES, 0)
    overdue = []
    for worker_id, entries in by_worker.items():
        for entry in entries:
            status = entry.obligation.status
            if status in counts:
                counts[status] += 1
            if status == "overdue":
                supervisor = worker_id or None
                overdue.append({**entry.as_dict(), "worker_id": supervisor, "worker_name": names.get(worker_id)})
    overdue.sort(key=lambda row: (row["due"], row["duty"], row["reference"]))
    return {**counts, "overdue_list": overdue}


def team_carer_ids(team_id: str) -> Select[Any]:
    """The team's carers: those it holds, whoever supervises them (or nobody:
    reallocations.unsupervised lists those too), and those no team holds supervised by its
    workers. A carer whose supervisor moved to another team
    stays the holding team's, counted here once, until its manager chooses another supervisor
    (reallocations.supervised_outside lists them); the supervisor's new team does not count them."""
    team_workers = select(Worker.id).where(Worker.team_id == team_id)
    held = or_(
        CarerRow.team_id == team_id, and_(CarerRow.team_id.is_(None), CarerRow.supervising_worker_id.in_(team_workers))
    )
    return select(CarerRow.id).where(held)


def with_soonest_visit(rows: list[dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    """Each carer row (``carer_id``) with the carer's soonest visit due on ``as_of``: its ``duty``,
    ``due`` and ``status`` (null: none, or dates the engine cannot use, logged by id)."""
    if not rows:
        return []
    ids = [row["carer_id"] for row in rows]
    soonest = {
        loaded.row.id: next(iter(obligations_of(loaded, as_of)), None)
        for loaded in load_carers(select(CarerRow.id).where(CarerRow.id.in_(ids)))
    }
    return [row | visit_fields(soonest.get(row["carer_id"])) for row in rows]


def visit_fields(obligation: Obligation | None) -> dict[str, Any]:
    if obligation is None:
        return {"duty": None, "due": None, "status": None}
    return {"duty": obligation.duty, "due": obligation.due, "status": obligation.status}
