"""Planned contacts: making, moving, cancelling and reading them, idempotently by client id.

Access is that of visits (access.py): a plan for a child the caller may not see answers 404
exactly like a made-up id. Among those who can see the child, only the worker who made a
plan may move, cancel or complete it (403 for others), and only they see its note. A PUT
with an id another worker planned with answers that 403 even when its child is not visible.

PUT semantics: the first request creates the plan (201); the same id again with the same
content changes nothing (200); with new content it replaces the plan (200: moved) while the
plan is open. A completed or cancelled plan only answers replays of its last content; other
content is a conflict (409), so an old request arriving late never revives a cancelled plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from ..clock import LONDON, today_in_london, utc_now
from ..core.localtime import as_local_text
from ..core.planning import ContactPlan, Deadline, PlanCheck, PlanWarning, check_plan, counts_as_visit
from ..extensions import db
from ..persistence.children import Child
from ..persistence.plans import PlanRow
from ..persistence.repository import load_cases
from ..services.access import Viewer, held_roles, require_role, visible_child, visible_child_ids
from ..services.audit import note_change
from ..services.caseload import BAD_DATES, log_unschedulable, scheduler
from ..services.client_ids import commit_new_or_find_winner
from ..services.errors import Conflict, Forbidden, InvalidInput, NotFound

# Shown on a plan whose time or child's dates the engine cannot work with (stored before the API refused them).
OUT_OF_RANGE = PlanWarning(
    "dates_out_of_range",
    "This plan's time or the child's dates lie outside the years the service schedules: correct them.",
)
OTHERS_PLAN = "Only the worker who made this plan may change it."


@dataclass(frozen=True)
class PlanRequest:
    child_id: str
    starts_at: datetime
    kind: str
    duration_minutes: int | None = None
    note: str = ""
    role: str | None = None


def put_plan(
    viewer: Viewer, plan_id: str, request: PlanRequest, now: datetime, route: str
) -> tuple[dict[str, Any], bool]:
    """Create or replace the plan; returns (plan, created)."""
    today = today_in_london(now)
    visible_child(viewer, request.child_id, today)
    existing = db.session.get(PlanRow, plan_id)
    if existing is not None:
        return replace_plan(viewer, existing, request, now, route), False
    row = PlanRow(
        id=plan_id,
        child_id=request.child_id,
        role=planning_role(viewer, request.child_id, request.role, today),
        planner_id=viewer.worker_id,
        status="planned",
        revision=0,
    )
    write_fields(row, request)
    note_change(viewer.worker_id, request.child_id, route)
    winner = commit_new_or_find_winner(row, PlanRow, plan_id)
    if winner is not None:
        return replace_plan(viewer, winner, request, now, route), False
    return plan_as_dict(viewer, row, now), True


def replace_plan(viewer: Viewer, row: PlanRow, request: PlanRequest, now: datetime, route: str) -> dict[str, Any]:
    # Another worker's id answers alike whether or not its child is visible to the caller, so
    # a PUT tells nothing about plans for children they cannot see.
    if row.planner_id != viewer.worker_id:
        raise Forbidden(OTHERS_PLAN)
    own_plan(viewer, row, today_in_london(now))
    if row.child_id != request.child_id:
        raise Conflict("A plan with this id is for another child; plan again with a new id.")
    role = request.role or row.role
    if same_content(row, request, role):
        return plan_as_dict(viewer, row, now)
    if row.status != "planned":
        raise Conflict(f"This plan was {row.status}; plan again with a new id.")
    if role != row.role:
        row.role = planning_role(viewer, row.child_id, role, today_in_london(now))
    write_fields(row, request)
    row.revision += 1
    note_change(viewer.worker_id, row.child_id, route)
    db.session.commit()
    return plan_as_dict(viewer, row, now)


def write_fields(row: PlanRow, request: PlanRequest) -> None:
    row.starts_at = request.starts_at
    row.duration_minutes = request.duration_minutes
    row.kind = request.kind
    row.note = request.note
    # Bookkeeping times are the wall clock's, like a visit's recorded_at; ``now`` is the working day's.
    row.updated_at = utc_now()


def same_content(row: PlanRow, request: PlanRequest, role: str) -> bool:
    return (
        row.starts_at == request.starts_at
        and row.duration_minutes == request.duration_minutes
        and row.kind == request.kind
        and row.note == request.note
        and row.role == role
    )


def planning_role(viewer: Viewer, child_id: str, requested: str | None, today: date) -> str:
    """The visiting role a plan is for: the one the worker holds for the child, or the one asked
    for (a worker only in a role they hold; a manager or admin in a role they may cover, access.py)."""
    if requested is not None:
        require_role(viewer, child_id, requested, today)
        return requested
    held = held_roles(viewer, child_id, today)
    if len(held) == 1:
        return held[0]
    problem = "You hold several visiting roles for this child" if held else "You hold no visiting role for this child"
    raise InvalidInput.field("role", f"{problem}: say which role this plan is for.")


def cancel_plan(viewer: Viewer, plan_id: str, now: datetime, route: str) -> None:
    """Cancel an open plan; cancelling again changes nothing. A completed plan stays completed."""
    row = own_plan(viewer, db.session.get(PlanRow, plan_id), today_in_london(now), plan_id)
    if row.status == "cancelled":
        return
    if row.status == "completed":
        raise Conflict("This plan is completed: its visit is recorded and stands.")
    close_plan(row, "cancelled", current_deadline(row, today_in_london(now)))
    note_change(viewer.worker_id, row.child_id, route)
    db.session.commit()


def close_plan(row: PlanRow, status: str, deadline: Deadline | None) -> None:
    """Mark the plan done with, keeping the due date it answered (an open plan is judged afresh)."""
    row.status = status
    row.answered_due = deadline.due if deadline else None
    row.answered_plan_by = deadline.plan_by if deadline else None
    row.updated_at = utc_now()


def own_plan(viewer: Viewer, row: PlanRow | None, today: date, plan_id: str = "") -> PlanRow:
    """The plan, if the caller may change it: 404 when they cannot see its child, 403 when it is another's."""
    if row is None:
        raise NotFound(plan_id)
    visible_child(viewer, row.child_id, today)
    if row.planner_id != viewer.worker_id:
        raise Forbidden(OTHERS_PLAN)
    return row


def visible_plan(viewer: Viewer, plan_id: str, now: datetime) -> dict[str, Any]:
    visible = visible_child_ids(viewer, today_in_london(now))
    row = db.session.scalar(select(PlanRow).where(PlanRow.id == plan_id, PlanRow.child_id.in_(visible)))
    if row is None:
        raise NotFound(plan_id)
    return plan_as_dict(viewer, row, now)


def list_plans(viewer: Viewer, child_id: str | None, status: str | None, now: datetime) -> list[dict[str, Any]]:
    """A child's plans (any planner) or, without ``child_id``, the caller's own plans, soonest first."""
    today = today_in_london(now)
    query = select(PlanRow).where(PlanRow.child_id.in_(visible_child_ids(viewer, today)))
    if child_id is not None:
        visible_child(viewer, child_id, today)
        query = query.where(PlanRow.child_id == child_id)
    else:
        query = query.where(PlanRow.planner_id == viewer.worker_id)
    if status is not None:
        query = query.where(PlanRow.status == status)
    rows = db.session.scalars(query.order_by(PlanRow.starts_at, PlanRow.id)).all()
    context = PlanContext.load(rows, today)
    return [plan_as_dict(viewer, row, now, context) for row in rows]


@dataclass(frozen=True)
class PlanContext:
    """What judging plans needs from their children's cases: each open plan's current deadline
    (keyed by child and role) and each child's date of birth, loaded for many plans at once."""

    deadlines: dict[tuple[str, str], Deadline]
    dates_of_birth: dict[str, date | None]

    @classmethod
    def load(cls, rows: Iterable[PlanRow], today: date) -> PlanContext:
        child_ids = sorted({row.child_id for row in rows})
        deadlines: dict[tuple[str, str], Deadline] = {}
        dates_of_birth: dict[str, date | None] = {}
        if child_ids:
            for loaded in load_cases(child_id_query(child_ids), latest_visits_on=today):
                dates_of_birth[loaded.child.id] = loaded.case.date_of_birth
                try:
                    obligations = scheduler().obligations(loaded.case, today)
                except BAD_DATES as error:
                    log_unschedulable(loaded.child.id, error)
                    continue  # its plans are listed with no deadline and a warning (check_row)
                for obligation in obligations:
                    deadlines[(loaded.child.id, obligation.role)] = Deadline(obligation.due, obligation.plan_by)
        return cls(deadlines, dates_of_birth)


def child_id_query(child_ids: list[str]) -> Select[Any]:
    return select(Child.id).where(Child.id.in_(child_ids))


def current_deadline(row: PlanRow, today: date) -> Deadline | None:
    return PlanContext.load([row], today).deadlines.get((row.child_id, row.role))


def check_row(row: PlanRow, context: PlanContext, now: datetime) -> PlanCheck:
    plan = ContactPlan(row.starts_at, row.kind, row.duration_minutes)
    if row.status == "planned":
        deadline = context.deadlines.get((row.child_id, row.role))
        moment: datetime | None = now
    else:
        deadline = (
            Deadline(row.answered_due, row.answered_plan_by) if row.answered_due and row.answered_plan_by else None
        )
        moment = None
    dob = context.dates_of_birth.get(row.child_id)
    try:
        return check_plan(plan, deadline, dob, scheduler().calendar(), LONDON, moment)
    except BAD_DATES as error:
        log_unschedulable(row.child_id, error)
        return PlanCheck(on_time=False, due=None, plan_by=None, warnings=(OUT_OF_RANGE,))


def ends_at_of(row: PlanRow) -> datetime | None:
    """The plan's end, or None without a duration (or past the last time a datetime holds)."""
    if not row.duration_minutes:
        return None
    try:
        return row.starts_at + timedelta(minutes=row.duration_minutes)
    except OverflowError:
        return None


def plan_as_dict(viewer: Viewer, row: PlanRow, now: datetime, context: PlanContext | None = None) -> dict[str, Any]:
    check = check_row(row, context or PlanContext.load([row], today_in_london(now)), now)
    plan = ContactPlan(row.starts_at, row.kind, row.duration_minutes)
    ends_at = ends_at_of(row)
    return {
        "id": row.id,
        "child_id": row.child_id,
        "role": row.role,
        "planner_id": row.planner_id,
        "starts_at": as_local_text(row.starts_at, LONDON),
        "ends_at": as_local_text(ends_at, LONDON) if ends_at else None,
        "date": plan.local_date(LONDON),
        "duration_minutes": row.duration_minutes,
        "kind": row.kind,
        "in_person": counts_as_visit(row.kind),
        "note": row.note if row.planner_id == viewer.worker_id else None,
        "status": row.status,
        "visit_id": row.visit_id,
        "on_time": check.on_time,
        "due": check.due,
        "plan_by": check.plan_by,
        "warnings": [warning.as_dict() for warning in check.warnings],
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }
