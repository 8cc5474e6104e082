"""A manager moves a child's role to another worker of the child's team: the team manager of
the child's team, or an admin. One child per request (a manager moving several of a worker's
children sends one each: each move is checked, committed and audited on its own, and one
refused names its child rather than undoing the others).

The handover itself is the one rule in allocations.py; the commit moves the data version
(data_version.py), so the new worker's list, feed and reminders change on the next read.

A child is reallocated only within its own team, so a child held in a role by a worker of
another team (one the directory moved, docs/sign-in.md) waits on its own team's manager:
``allocated_outside`` lists such children for that manager's overview. A carer supervised by
such a worker waits the same way, for a supervising social worker of the team (changed through
``PATCH /api/carers/<id>``, carers.py): ``supervised_outside`` lists them beside the children.

A child whose role nobody holds (its worker left, an allocation's end date passed) would be on
no worker's list at all: ``unallocated_candidates`` finds the team's children with a role the
rules could visit them in and no current holder of it, for the overview to ask the engine which
of those roles has a visit due; the manager allocates it here with ``move_child`` as for a move
(``give_role`` ends no one when nobody holds the role). A carer the team holds with no
supervising social worker is listed the same way, by ``unsupervised``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, exists, literal, null, or_, select, union_all

from ..core.labels import initials_of
from ..core.profiles import ANY_PLAN, Profile
from ..core.vocabulary import PLAN_TYPES
from ..extensions import db
from ..persistence.carers import CarerRow
from ..persistence.children import Allocation, Child, EpisodeRow, EventRow
from ..persistence.people import Team, Worker
from .access import Viewer, can_oversee_team, current_allocation, may_act_in, visible_child
from .allocations import give_role, may_hold
from .audit import note_change
from .errors import InvalidInput, NotFound


def move_child(viewer: Viewer, child_id: str, fields: dict[str, Any], today: date, route: str) -> dict[str, Any]:
    child = managed_child(viewer, child_id, fields["role"], today)
    worker = managed_worker(viewer, fields["worker_id"])
    team_id = child.team_id or viewer.team_id
    if team_id is not None and worker.team_id != team_id:
        raise InvalidInput.field("worker_id", "This worker is not in the child's team.")
    if not may_hold(worker, fields["role"]):
        raise InvalidInput.field("role", f"A {worker.role.replace('_', ' ')} does not hold this role.")
    allocation = give_role(child.id, worker, fields["role"], fields.get("from") or today, today)
    note_change(viewer.worker_id, child.id, route)
    db.session.commit()
    return {
        "worker_id": allocation.worker_id,
        "worker_name": worker.name,
        "role": allocation.role,
        "from": allocation.starts_on,
        "to": allocation.ends_on,
    }


def managed_child(viewer: Viewer, child_id: str, role: str, today: date) -> Child:
    """The child, if the caller manages its ``role``: an admin any they see, a team manager one
    their team holds (or, held by no team, in a role their team's workers hold: another team's
    role is that team's manager's to move). NotFound otherwise, as for a made-up id."""
    child = visible_child(viewer, child_id, today)
    if viewer.is_admin:
        return child
    if viewer.role == "team_manager" and child.team_id is not None and can_oversee_team(viewer, child.team_id):
        return child
    if viewer.role == "team_manager" and child.team_id is None and may_act_in(viewer, child.id, (role,), today):
        return child
    raise NotFound(child_id)


def managed_worker(viewer: Viewer, worker_id: str) -> Worker:
    """An active worker the caller may allocate: any for an admin, their own team's for a manager."""
    worker = db.session.get(Worker, worker_id)
    if worker is None or not worker.active:
        raise NotFound(worker_id)
    if viewer.is_admin or (worker.team_id is not None and worker.team_id == viewer.team_id):
        return worker
    raise NotFound(worker_id)


def allocated_outside(team_id: str, today: date) -> list[dict[str, Any]]:
    """The team's children with a role allocated on ``today`` to a worker of another team (or of
    none), by reference and role: each waits on this team's manager to be reallocated."""
    rows = db.session.execute(
        select(Child.id, Child.reference, Child.name, Allocation.role, Worker.id, Worker.name, Team.name)
        .join(Allocation, Allocation.child_id == Child.id)
        .join(Worker, Worker.id == Allocation.worker_id)
        .outerjoin(Team, Team.id == Worker.team_id)
        .where(
            Child.team_id == team_id,
            current_allocation(today),
            outside(team_id),
        )
        .order_by(Child.reference, Allocation.role)
    )
    return [
        {
            "child_id": child_id,
            "reference": reference,
            "initials": initials_of(name),
            "role": role,
            "worker_id": worker_id,
            "worker_name": worker_name,
            "team_name": team_name,
        }
        for child_id, reference, name, role, worker_id, worker_name, team_name in rows
    ]


def supervised_outside(team_id: str) -> list[dict[str, Any]]:
    """The team's carers supervised by a worker of another team (or of none), by reference: each
    waits on this team's manager to choose a supervising social worker of the team."""
    rows = db.session.execute(
        select(CarerRow.id, CarerRow.reference, CarerRow.name, Worker.id, Worker.name, Team.name)
        .join(Worker, Worker.id == CarerRow.supervising_worker_id)
        .outerjoin(Team, Team.id == Worker.team_id)
        .where(CarerRow.team_id == team_id, outside(team_id))
        .order_by(CarerRow.reference)
    )
    return [
        {
            "carer_id": carer_id,
            "reference": reference,
            "initials": initials_of(name),
            "worker_id": worker_id,
            "worker_name": worker_name,
            "team_name": team_name,
        }
        for carer_id, reference, name, worker_id, worker_name, team_name in rows
    ]


def outside(team_id: str) -> ColumnElement[bool]:
    """The worker joined in is not of ``team_id``: of another team, or of none."""
    return or_(Worker.team_id.is_(None), Worker.team_id != team_id)


def unsupervised(team_id: str) -> list[dict[str, Any]]:
    """The team's carers with no supervising social worker (one set to none, or whose supervisor
    was removed), by reference: on no worker's list until this team's manager chooses one."""
    rows = db.session.execute(
        select(CarerRow.id, CarerRow.reference, CarerRow.name)
        .where(CarerRow.team_id == team_id, CarerRow.supervising_worker_id.is_(None))
        .order_by(CarerRow.reference)
    )
    return [
        {"carer_id": carer_id, "reference": reference, "initials": initials_of(name)}
        for carer_id, reference, name in rows
    ]


def unallocated_candidates(team_id: str, profile: Profile, as_of: date, today: date) -> list[dict[str, Any]]:
    """The team's children with an active plan on ``as_of`` and a role the profile's rules could
    visit them in that nobody holds on ``today``, one row per (child, role), in one query; and,
    with ``role`` null, those of them allocated in no role at all (a plan no rule covers would
    otherwise show on no worker's unscheduled list). Candidates only: whether a visit is due in
    the role is the engine's answer, asked for these children alone."""
    selects = [
        select(Child.id, Child.reference, Child.name, literal(role, String).label("role")).where(
            Child.team_id == team_id, ~held_in(role, today), condition
        )
        for role, condition in visiting_conditions(profile, as_of).items()
    ]
    nobody = select(Child.id, Child.reference, Child.name, cast(null(), String).label("role")).where(
        Child.team_id == team_id, active_plan(as_of), ~held_in(None, today)
    )
    rows = db.session.execute(union_all(*selects, nobody))
    return [
        {"child_id": child_id, "reference": reference, "initials": initials_of(name), "role": role}
        for child_id, reference, name, role in rows
    ]


def visiting_conditions(profile: Profile, as_of: date) -> dict[str, ColumnElement[bool]]:
    """For each role some rule visits in, when a child could owe a visit in it: an active plan of a
    type with a rule in that role, or (a rule for any plan, as a return interview) an active plan
    and an event that starts the rule's visits."""
    plan_types: dict[str, set[str]] = {}
    event_types: dict[str, set[str]] = {}
    for rule in profile.rules + profile.floor:
        if rule.plan_type != ANY_PLAN:
            plan_types.setdefault(rule.role, set()).add(rule.plan_type)
        elif rule.phases or rule.first_visit is not None:
            plan_types.setdefault(rule.role, set()).update(PLAN_TYPES)
        else:
            event_types.setdefault(rule.role, set()).update(trigger.event_type for trigger in rule.triggers)
    conditions = {}
    for role in sorted(plan_types.keys() | event_types.keys()):
        either = []
        if plan_types.get(role):
            either.append(active_plan(as_of, plan_types[role]))
        if event_types.get(role):
            either.append(and_(active_plan(as_of), event_of(event_types[role], role)))
        conditions[role] = or_(*either)
    return conditions


def active_plan(as_of: date, plan_types: set[str] | None = None) -> ColumnElement[bool]:
    """The child has an episode active on ``as_of`` (of one of ``plan_types``, if given)."""
    active = and_(
        EpisodeRow.child_id == Child.id,
        EpisodeRow.start <= as_of,
        or_(EpisodeRow.end.is_(None), EpisodeRow.end > as_of),
    )
    if plan_types is not None:
        active = and_(active, EpisodeRow.type.in_(sorted(plan_types)))
    return exists().where(active)


def event_of(event_types: set[str], role: str) -> ColumnElement[bool]:
    """The child has an event of one of ``event_types`` that concerns ``role`` (as the engine reads one)."""
    return exists().where(
        EventRow.child_id == Child.id,
        EventRow.type.in_(sorted(event_types)),
        or_(EventRow.role.is_(None), EventRow.role == role),
    )


def held_in(role: str | None, today: date) -> ColumnElement[bool]:
    """Someone holds the child's ``role`` (any role, for None) on ``today``."""
    held = and_(Allocation.child_id == Child.id, current_allocation(today))
    return exists().where(held if role is None else and_(held, Allocation.role == role))
