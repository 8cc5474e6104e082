"""Planned contacts in a worker's calendar feed: timed events in Europe/London.

- Every open plan the worker made for a child still allocated to them (or to a colleague they
  cover today: titled "Cover for SP: ", by initials), from 30 days ago on, is a timed event
  (``TimedEvent``: written with ``TZID=Europe/London`` and the ``VTIMEZONE``, so 14:00 stays
  14:00 across a clock change). A plan without a duration is shown as an hour. Its UID is
  the plan's, so moving a plan moves the event; ``SEQUENCE`` counts the moves and ``DTSTAMP`` is the last change.
- While the plan that answers a due date is on time, it replaces that due date's all-day
  "Visit due" event: the calendar shows when the visit will happen instead of when it must.
  A late plan leaves the all-day event in place, as a warning.
- Titles carry the kind of contact and the child's initials (or case reference, or name when
  an admin allowed names); the private note to self is never written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..clock import LONDON
from ..core.labels import child_label, initials_of
from ..core.planning import counts_as_visit, describe
from ..core.vocabulary import CONTACT_KINDS, VISIT_ROLES
from ..extensions import db
from ..persistence.children import Child
from ..persistence.plans import PlanRow
from ..services.caseload import CaseloadEntry
from ..services.covers import plan_cover_for, plan_still_held
from .model import TimedEvent

SHOWN_SINCE = timedelta(days=30)
DEFAULT_DURATION = timedelta(minutes=60)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedPlan:
    id: str
    child_id: str
    role: str
    kind: str
    starts_at: datetime
    duration_minutes: int | None
    updated_at: datetime
    revision: int
    name: str
    reference: str
    # The name of the absent colleague the worker planned it for, while covering them.
    cover_for: str | None = None


def planned_contact_events(
    worker_id: str, caseload: Iterable[CaseloadEntry], today: date, app_url: str, names_allowed: bool
) -> tuple[TimedEvent, ...]:
    answering = {(entry.child_id, entry.obligation.role): entry for entry in caseload}
    return tuple(
        timed_event(plan, answering.get((plan.child_id, plan.role)), app_url, names_allowed)
        for plan in worker_open_plans(worker_id, today)
        if ends_in_time(plan)
    )


def ends_in_time(plan: FeedPlan) -> bool:
    """False for a plan ending past what a datetime holds (a time in 9999, stored before the API
    kept plans inside the calendar's years): a calendar cannot show it, the plan list marks it."""
    try:
        plan.starts_at + (timedelta(minutes=plan.duration_minutes) if plan.duration_minutes else DEFAULT_DURATION)
    except OverflowError:
        log.warning("plan %s left out of the feed: its time is out of range", plan.id)
        return False
    return True


def replaced_by_plan(entry: CaseloadEntry, shown_plan_ids: set[str]) -> bool:
    """Whether an on-time plan shown in the feed stands in for this entry's all-day event."""
    planned = entry.next_plan
    return planned is not None and planned.on_time and planned.plan.id in shown_plan_ids


def worker_open_plans(worker_id: str, today: date) -> list[FeedPlan]:
    since = datetime.combine(today, time(0), LONDON) - SHOWN_SINCE
    rows = db.session.execute(
        select(
            PlanRow.id,
            PlanRow.child_id,
            PlanRow.role,
            PlanRow.kind,
            PlanRow.starts_at,
            PlanRow.duration_minutes,
            PlanRow.updated_at,
            PlanRow.revision,
            Child.name,
            Child.reference,
            plan_cover_for(today).label("cover_for"),
        )
        .join(Child, Child.id == PlanRow.child_id)
        .where(
            PlanRow.planner_id == worker_id,
            PlanRow.status == "planned",
            PlanRow.starts_at >= since,
            plan_still_held(today),
        )
        .order_by(PlanRow.starts_at, PlanRow.id)
    )
    return [FeedPlan(**row._asdict()) for row in rows]


def timed_event(plan: FeedPlan, entry: CaseloadEntry | None, app_url: str, names_allowed: bool) -> TimedEvent:
    # A covered colleague's child by initials whatever is allowed, and the title says it is cover.
    label = child_label(plan.reference, initials_of(plan.name), plan.name, names_allowed and not plan.cover_for)
    cover = f"Cover for {initials_of(plan.cover_for)}: " if plan.cover_for else ""
    duration = timedelta(minutes=plan.duration_minutes) if plan.duration_minutes else DEFAULT_DURATION
    return TimedEvent(
        key=plan.id,
        summary=f"{cover}{CONTACT_KINDS[plan.kind]}: {label}",
        starts_at=plan.starts_at,
        ends_at=plan.starts_at + duration,
        description="\n".join(description_lines(plan, entry)),
        url=f"{app_url}/children/{plan.child_id}",
        revised_at=plan.updated_at,
        sequence=plan.revision,
    )


def description_lines(plan: FeedPlan, entry: CaseloadEntry | None) -> list[str]:
    lines = [
        f"Case reference: {plan.reference}",
        f"Planned {CONTACT_KINDS[plan.kind].lower()} ({VISIT_ROLES[plan.role]}).",
    ]
    if not counts_as_visit(plan.kind):
        lines.append("Keeping in touch: this contact does not count as a visit.")
    elif entry is not None and entry.next_plan is not None and entry.next_plan.plan.id == plan.id:
        obligation = entry.obligation
        standing = "on time" if entry.next_plan.on_time else "late: after the plan-by date"
        lines.append(
            f"For the visit due {describe(obligation.due)} (plan by {describe(obligation.plan_by)}): {standing}."
        )
    return lines
