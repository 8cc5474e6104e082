"""Who may see which child: the one definition every adapter (API, push, feeds) goes through.

- social workers and personal advisers: children currently allocated to them, and while they
  cover ("act for") an absent colleague, that colleague's (the cover a manager granted,
  ``covers``, in force that day);
- team managers: their team's children (allocated now to a worker of the team, or held by
  the team while unallocated);
- admins: every child.
Anything else is treated as if it did not exist.

Among those who see a child, who may act in which visiting role (a visit's ``role``, a plan's,
the roles whose visits an episode or event sets): a worker only in a role allocated to them for
that child today (or to the colleague they cover that day); a team manager, as cover, in any
role for a child their team holds, and for a child another team holds only in the roles
allocated to workers of their own team; an admin in any role (the record names who acted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import QueryableAttribute

from ..extensions import db
from ..persistence.children import Allocation, Child
from ..persistence.people import Worker
from ..persistence.supervision import CoverRow
from .errors import Forbidden, InvalidInput, NotFound

MANAGING_ROLES = ("team_manager", "admin")
# A worker's id, or a column holding one (a plan's planner) to ask for every row of a query.
WorkerRef = str | ColumnElement[str] | QueryableAttribute[str]


@dataclass(frozen=True)
class Viewer:
    worker_id: str
    role: str
    team_id: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def manages(self) -> bool:
        return self.role in MANAGING_ROLES


def current_allocation(today: date) -> ColumnElement[bool]:
    """An allocation in force on ``today``: started, and not yet ended (``ends_on`` is exclusive)."""
    return and_(Allocation.starts_on <= today, or_(Allocation.ends_on.is_(None), Allocation.ends_on > today))


def visible_child_ids(viewer: Viewer, today: date) -> Select[str]:
    """A subquery of the ids of every child ``viewer`` may see on ``today``."""
    if viewer.is_admin:
        return select(Child.id)
    if viewer.role == "team_manager":
        if viewer.team_id is None:
            return select(Child.id).where(false())
        allocated_to_team = (
            select(Allocation.child_id)
            .join(Worker, Worker.id == Allocation.worker_id)
            .where(Worker.team_id == viewer.team_id, current_allocation(today))
        )
        return select(Child.id).where(or_(Child.team_id == viewer.team_id, Child.id.in_(allocated_to_team)))
    return select(Allocation.child_id).where(acting_as(viewer.worker_id, today), current_allocation(today))


def live_cover(today: date) -> ColumnElement[bool]:
    """A cover in force on ``today`` (``until`` is the last day of cover): the one definition the
    routes, the caseload, the reminder job and the feeds go through."""
    return and_(CoverRow.starts_on <= today, CoverRow.until >= today)


def covered_worker_ids(worker_id: WorkerRef, today: date) -> Select[str]:
    """The absent colleagues ``worker_id`` acts for on ``today``. ``worker_id`` may be a column
    (a plan's planner), to ask it of every row of an outer query at once: correlated to it however
    deep this subquery sits."""
    return (
        select(CoverRow.absent_id)
        .where(CoverRow.covering_id == worker_id, live_cover(today))
        .correlate_except(CoverRow)
    )


def acting_as(worker_id: WorkerRef, today: date) -> ColumnElement[bool]:
    """Allocations held by the worker, or by a colleague they cover on ``today``."""
    return or_(Allocation.worker_id == worker_id, Allocation.worker_id.in_(covered_worker_ids(worker_id, today)))


def visible_child(viewer: Viewer, child_id: str, today: date) -> Child:
    """The child, if ``viewer`` may see it; otherwise NotFound, exactly as for a made-up id."""
    child = db.session.scalar(select(Child).where(Child.id == child_id, Child.id.in_(visible_child_ids(viewer, today))))
    if child is None:
        raise NotFound(child_id)
    return child


def held_roles(viewer: Viewer, child_id: str, today: date) -> list[str]:
    """The visiting roles allocated to ``viewer`` (or to a colleague they cover) for the child on ``today``, sorted."""
    return sorted(
        db.session.scalars(
            select(Allocation.role)
            .where(Allocation.child_id == child_id, acting_as(viewer.worker_id, today), current_allocation(today))
            .distinct()
        )
    )


def may_act_in(viewer: Viewer, child_id: str, roles: Iterable[str], today: date) -> bool:
    """Whether ``viewer`` may act for the child in one of ``roles``: an admin in any; a team
    manager in any for a child their team holds, else in those their team's workers hold (a
    child shared with another team is covered in the other team's roles by its own manager)."""
    if viewer.is_admin:
        return True
    if viewer.role == "team_manager" and viewer.team_id is not None:
        if db.session.scalar(select(Child.team_id).where(Child.id == child_id)) == viewer.team_id:
            return True
        held = (
            select(Allocation.role)
            .join(Worker, Worker.id == Allocation.worker_id)
            .where(Worker.team_id == viewer.team_id)
        )
    else:
        held = select(Allocation.role).where(acting_as(viewer.worker_id, today))
    allocated = db.session.scalars(held.where(Allocation.child_id == child_id, current_allocation(today)))
    return not set(roles).isdisjoint(allocated)


def require_role(viewer: Viewer, child_id: str, role: str, today: date) -> None:
    """InvalidInput naming ``role`` unless ``viewer`` may act for the child in it."""
    if not may_act_in(viewer, child_id, (role,), today):
        raise InvalidInput.field("role", "You do not hold this visiting role for the child.")


def require_manager(viewer: Viewer) -> None:
    if not viewer.manages:
        raise Forbidden("Only a team manager or an admin may do this.")


def can_oversee_team(viewer: Viewer, team_id: str) -> bool:
    return viewer.is_admin or (viewer.role == "team_manager" and viewer.team_id == team_id)


def overseen_worker(viewer: Viewer, worker_id: str, today: date | None = None) -> Worker:
    """A worker whose caseload ``viewer`` oversees: any, for an admin; one of their own team, for
    a team manager; with ``today``, also one the viewer covers that day (to work their list).
    Anyone else, and the caller themselves (who has their own caseload), gets NotFound, exactly
    as for a made-up id."""
    worker = db.session.get(Worker, worker_id)
    if worker is None or worker.id == viewer.worker_id:
        raise NotFound(worker_id)
    if today is not None and worker.id in db.session.scalars(covered_worker_ids(viewer.worker_id, today)).all():
        return worker
    if viewer.is_admin or (
        viewer.role == "team_manager" and worker.team_id is not None and can_oversee_team(viewer, worker.team_id)
    ):
        return worker
    raise NotFound(worker_id)
