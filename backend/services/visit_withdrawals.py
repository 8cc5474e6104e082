"""Withdrawing a visit recorded in error: it stays in the child's history, marked with when
it was withdrawn, and no longer counts for any due date (persistence/repository.py).

Who may withdraw, and for how long:
- the worker who recorded it, for ``RECORDER_WINDOW`` after recording it (a wrong tap is
  noticed within days; later, a manager's decision is wanted, as the visit may have hidden a
  missed statutory visit from the manager);
- the team manager of the child's team, and an admin, at any time;
- nobody else: a visit the caller may see but may not withdraw answers Forbidden, and one the
  caller may not see (or a made-up id) NotFound, alike.

A visit recorded from a plan ("Record planned visit") reopens that plan when withdrawn: the
contact it stood for did not happen as recorded, so the plan is open again, to be recorded
anew, moved or cancelled (plans/completion.py finds a fresh visit id for it).

Withdrawing twice changes nothing the second time, so a phone replaying its queue is harmless.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..persistence.children import Child, VisitRow
from ..persistence.plans import PlanRow
from .access import Viewer, can_oversee_team, visible_child_ids
from .audit import note_change
from .errors import Forbidden, NotFound

RECORDER_WINDOW = timedelta(days=7)


def withdraw_visit(viewer: Viewer, visit_id: str, today: date, now: datetime, route: str) -> None:
    """Mark the visit withdrawn (audited); a visit already withdrawn is left as it is."""
    found = db.session.execute(
        select(VisitRow, Child.team_id)
        .join(Child, Child.id == VisitRow.child_id)
        .where(VisitRow.id == visit_id, VisitRow.child_id.in_(visible_child_ids(viewer, today)))
    ).first()
    if found is None:
        raise NotFound(visit_id)
    visit, team_id = found
    if visit.withdrawn_at is not None:
        return
    check_may_withdraw(viewer, visit, team_id, now)
    visit.withdrawn_at = now
    visit.withdrawn_by = viewer.worker_id
    reopen_plan_of(visit, now)
    note_change(viewer.worker_id, visit.child_id, route)
    db.session.commit()


def reopen_plan_of(visit: VisitRow, now: datetime) -> None:
    """The plan completed with this visit, if any, is open again and judged afresh."""
    plan = db.session.scalar(
        select(PlanRow).where(
            PlanRow.child_id == visit.child_id, PlanRow.visit_id == visit.id, PlanRow.status == "completed"
        )
    )
    if plan is None:
        return
    plan.status, plan.visit_id = "planned", None
    plan.answered_due = plan.answered_plan_by = None
    plan.updated_at = now


def check_may_withdraw(viewer: Viewer, visit: VisitRow, team_id: str | None, now: datetime) -> None:
    if viewer.is_admin or (team_id is not None and can_oversee_team(viewer, team_id)):
        return
    if visit.visitor_id != viewer.worker_id:
        raise Forbidden("Only the worker who recorded this visit, their team manager or an admin may withdraw it.")
    if now - visit.recorded_at > RECORDER_WINDOW:
        raise Forbidden(
            f"Visits can be withdrawn by the worker who recorded them for {RECORDER_WINDOW.days} days; "
            "ask your team manager."
        )
