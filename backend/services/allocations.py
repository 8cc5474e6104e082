"""The one rule for handing a child's role to another worker, used by the API and the imports,
and which workers a manager may allocate.

Whoever holds the role stops on the day the new worker starts (``ends_on`` is exclusive: their
last day is the day before; the history is kept). A current holder is one with no end date or an
end date still to come, so an allocation booked to end later than the handover is cut short too
(an end date is never moved later): two workers never hold one role on the same day. A handover
may not date from before the current holder started: that would rewrite who was responsible for
the child on days already past, and it also refuses one that would run into a handover already
booked for a later day (cancel that one first). For the same reason a role nobody holds (the
last allocation ended) may be allocated from the day it ended at the earliest.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from ..core.vocabulary import VISIT_ROLES
from ..extensions import db
from ..persistence.children import Allocation, Child
from ..persistence.people import Worker
from .access import Viewer
from .errors import Conflict, InvalidInput

# Which visiting roles a worker's job lets them hold, for a manager's reallocation: a personal
# adviser advises care leavers; a social worker holds any social work role but that one; a team
# manager may be allocated any (managers cover); an admin visits nobody.
ROLES_BY_JOB: dict[str, frozenset[str]] = {
    "social_worker": frozenset(VISIT_ROLES) - {"personal_adviser"},
    "personal_adviser": frozenset({"personal_adviser"}),
    "team_manager": frozenset(VISIT_ROLES),
    "admin": frozenset(),
}


def handover_refusal(held_since: date, starts_on: date) -> str | None:
    """Why a handover from ``starts_on`` is refused when the current holder started ``held_since``."""
    if held_since > starts_on:
        return f"The current allocation only started on {held_since.isoformat()}."
    return None


def gap_refusal(child_id: str, role: str, starts_on: date) -> str | None:
    """Why allocating a role nobody holds from ``starts_on`` is refused: the last allocation in it
    ran past that day (two workers would have held it at once)."""
    ended = db.session.scalar(
        select(func.max(Allocation.ends_on)).where(Allocation.child_id == child_id, Allocation.role == role)
    )
    if ended is not None and ended > starts_on:
        return f"The last allocation in this role ran until {ended.isoformat()}: start on or after that day."
    return None


def hand_over(held: Iterable[Allocation], starts_on: date) -> None:
    """End the current holders' allocations on the day the new worker starts (never later than
    an end date already set)."""
    for allocation in held:
        if allocation.ends_on is None or allocation.ends_on > starts_on:
            allocation.ends_on = starts_on


def allocation_workers(viewer: Viewer, allocations: list[dict[str, Any]]) -> list[tuple[Worker, str]]:
    chosen: list[tuple[Worker, str]] = []
    errors: dict[str, list[str]] = {}
    for index, allocation in enumerate(allocations):
        worker = allocatable_worker(viewer, email=allocation["worker_email"])
        if worker is None:
            errors[f"allocations.{index}.worker_email"] = ["No active worker with this email that you may allocate."]
        elif any(role == allocation["role"] for _, role in chosen):
            errors[f"allocations.{index}.role"] = ["Only one worker per role."]
        else:
            chosen.append((worker, allocation["role"]))
    if errors:
        raise InvalidInput(errors)
    return chosen


def allocatable_worker(viewer: Viewer, *, email: str | None = None, worker_id: str | None = None) -> Worker | None:
    query = select(Worker).where(Worker.active.is_(True))
    query = query.where(Worker.email == email.strip().lower()) if email else query.where(Worker.id == worker_id)
    if not viewer.is_admin:
        query = query.where(Worker.team_id == viewer.team_id)
    return db.session.scalar(query)


def may_hold(worker: Worker, role: str) -> bool:
    return role in ROLES_BY_JOB.get(worker.role, frozenset())


def give_role(child_id: str, worker: Worker, role: str, starts_on: date, today: date) -> Allocation:
    """Allocate ``role`` to ``worker`` from ``starts_on``, ending the current holder's allocation
    then (not committed). Conflict if the worker holds it already; InvalidInput naming ``from``
    for a handover dated before the current holder (or one booked to come) started."""
    # Two handovers of one child at once would each end the same holder and both start: the
    # child's row, locked first, makes the second wait and then see the first's allocation.
    db.session.execute(select(Child.id).where(Child.id == child_id).with_for_update())
    held = db.session.scalars(
        select(Allocation).where(
            Allocation.child_id == child_id,
            Allocation.role == role,
            # Still held after today and after the handover: an ended allocation is history.
            or_(Allocation.ends_on.is_(None), Allocation.ends_on > max(starts_on, today)),
        )
    ).all()
    for allocation in held:
        if allocation.worker_id == worker.id:
            raise Conflict("This worker already holds this role for the child.")
        refusal = handover_refusal(allocation.starts_on, starts_on)
        if refusal:
            raise InvalidInput.field("from", refusal)
    if not held:
        refusal = gap_refusal(child_id, role, starts_on)
        if refusal:
            raise InvalidInput.field("from", refusal)
    hand_over(held, starts_on)
    allocation = Allocation(child_id=child_id, worker_id=worker.id, role=role, starts_on=starts_on)
    db.session.add(allocation)
    return allocation
