"""Cover ("act for"): a team manager lets a colleague record visits on an absent worker's
caseload for a period. While it runs (``from`` to ``until``, both included) the colleague sees
the absent worker's children and acts in the roles allocated to them, as access.py decides
for every route, and sees and visits the carers they supervise (carer_access.py); the
colleague's own caseload lists them all (api/caseload.py), and their deadlines, push reminders
(push/reminders.py) and calendar feed (feeds/service.py) carry them too, labelled as cover. The
absent worker keeps their children, reminders and feed: cover can end early, and a manager
expects nothing taken from the absent worker. Granting and ending cover are audited (no child
is named: the entry has none).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, case, exists, select

from ..extensions import db
from ..persistence.children import Allocation
from ..persistence.people import Worker
from ..persistence.plans import PlanRow
from ..persistence.supervision import CoverRow
from .access import Viewer, acting_as, covered_worker_ids, current_allocation, live_cover, overseen_worker
from .audit import note_team_change
from .errors import InvalidInput, NotFound
from .reallocations import managed_worker

Entry = TypeVar("Entry")


def grant_cover(viewer: Viewer, absent_id: str, fields: dict[str, Any], route: str) -> dict[str, Any]:
    absent = overseen_worker(viewer, absent_id)
    colleague = managed_worker(viewer, fields["worker_id"])
    if colleague.id == absent.id:
        raise InvalidInput.field("worker_id", "A worker cannot cover themselves.")
    if colleague.team_id != absent.team_id:
        raise InvalidInput.field("worker_id", "This worker is not in the absent worker's team.")
    if fields["until"] < fields["from"]:
        raise InvalidInput.field("until", "Cover must end on or after the day it starts.")
    cover = CoverRow(
        absent_id=absent.id,
        covering_id=colleague.id,
        starts_on=fields["from"],
        until=fields["until"],
        granted_by=viewer.worker_id,
    )
    db.session.add(cover)
    note_team_change(viewer.worker_id, route)
    db.session.commit()
    return cover_as_dict(cover, colleague.name)


def covers_of(viewer: Viewer, absent_id: str, today: date) -> list[dict[str, Any]]:
    """The absent worker's cover that runs today or later, soonest first."""
    absent = overseen_worker(viewer, absent_id)
    rows = db.session.execute(
        select(CoverRow, Worker.name)
        .join(Worker, Worker.id == CoverRow.covering_id)
        .where(CoverRow.absent_id == absent.id, CoverRow.until >= today)
        .order_by(CoverRow.starts_on, CoverRow.id)
    )
    return [cover_as_dict(cover, name) for cover, name in rows]


def covered_workers(worker_id: str, today: date) -> dict[str, str]:
    """The absent colleagues ``worker_id`` covers on ``today``: id -> name (for their own list)."""
    return covers_held_by([worker_id], today).get(worker_id, {})


def covers_held_by(worker_ids: Sequence[str], today: date) -> dict[str, dict[str, str]]:
    """For each of ``worker_ids`` covering anyone on ``today``: the absent colleagues, id -> name
    (one query for a batch of the reminder job)."""
    if not worker_ids:
        return {}
    rows = db.session.execute(
        select(CoverRow.covering_id, CoverRow.absent_id, Worker.name)
        .join(Worker, Worker.id == CoverRow.absent_id)
        .where(CoverRow.covering_id.in_(worker_ids), live_cover(today))
    )
    found: dict[str, dict[str, str]] = {}
    for covering_id, absent_id, name in rows:
        found.setdefault(covering_id, {})[absent_id] = name
    return found


def with_covered(
    by_worker: Mapping[str, Sequence[Entry]],
    worker_id: str,
    covered: Mapping[str, str],
    key: Callable[[Entry], Hashable],
) -> list[tuple[Entry, str | None]]:
    """The worker's own entries, then those of each colleague they cover, paired with that
    colleague's id (None: the worker's own). Each due item (``key``) once: one the worker holds
    too stays their own, so a child allocated to both is never told to the worker twice."""
    seen: set[Hashable] = set()
    reach: list[tuple[Entry, str | None]] = []
    for holder in [worker_id, *sorted(covered)]:
        for entry in by_worker.get(holder, ()):
            if key(entry) not in seen:
                seen.add(key(entry))
                reach.append((entry, None if holder == worker_id else holder))
    return reach


def end_cover(viewer: Viewer, absent_id: str, cover_id: str, today: date, route: str) -> None:
    """End cover now: it runs to yesterday (kept in the history), or is removed if not yet begun."""
    absent = overseen_worker(viewer, absent_id)
    cover = db.session.scalar(select(CoverRow).where(CoverRow.id == cover_id, CoverRow.absent_id == absent.id))
    if cover is None:
        raise NotFound(cover_id)
    if cover.starts_on >= today:
        db.session.delete(cover)
    else:
        cover.until = min(cover.until, today - timedelta(days=1))
    note_team_change(viewer.worker_id, route)
    db.session.commit()


def cover_as_dict(cover: CoverRow, worker_name: str) -> dict[str, Any]:
    return {
        "id": cover.id,
        "worker_id": cover.covering_id,
        "worker_name": worker_name,
        "from": cover.starts_on,
        "until": cover.until,
        "granted_by": cover.granted_by,
    }


def plan_still_held(today: date) -> ColumnElement[bool]:
    """A plan whose child is allocated on ``today`` in the plan's role to its planner, or to a
    colleague the planner covers that day (a plan made on the doorstep of cover is reminded and
    shown like any other; cover ended, it is neither)."""
    return exists().where(
        Allocation.child_id == PlanRow.child_id,
        Allocation.role == PlanRow.role,
        acting_as(PlanRow.planner_id, today),
        current_allocation(today),
    )


def plan_cover_for(today: date) -> ColumnElement[str | None]:
    """The name of the absent colleague through whom the planner holds the plan's child on ``today``;
    null when the planner holds it in their own right. A column of a query on plans."""
    own = exists().where(
        Allocation.child_id == PlanRow.child_id,
        Allocation.role == PlanRow.role,
        Allocation.worker_id == PlanRow.planner_id,
        current_allocation(today),
    )
    through_cover = (
        select(Worker.name)
        .join(Allocation, Allocation.worker_id == Worker.id)
        .where(
            Allocation.child_id == PlanRow.child_id,
            Allocation.role == PlanRow.role,
            Allocation.worker_id.in_(covered_worker_ids(PlanRow.planner_id, today)),
            current_allocation(today),
        )
        .order_by(Worker.id)
        .limit(1)
        .scalar_subquery()
    )
    return case((own, None), else_=through_cover)
