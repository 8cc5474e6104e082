"""Which planned contacts the reminder job should tell workers about now (core/plan_reminders.py).

Plans are read for the workers of one batch in one statement: open plans they made, starting
within the longest lead time a worker may choose, for children still allocated to them or to a
colleague they cover that day (named as cover).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select

from ..clock import today_in_london
from ..core.labels import initials_of
from ..core.plan_reminders import PlannedContactItem, PlanReminder, plan_reminders_due
from ..core.reminders import MAX_PLAN_LEAD_MINUTES, ReminderPreferences
from ..extensions import db
from ..persistence.children import Child
from ..persistence.plans import PlanRow
from ..services.covers import plan_cover_for, plan_still_held


def due_plan_reminders(
    worker_ids: list[str], preferences: dict[str, ReminderPreferences], now: datetime
) -> list[PlanReminder]:
    """The plan reminders owed at ``now`` to these workers."""
    items = open_plans_starting_soon(worker_ids, now)
    reminders: list[PlanReminder] = []
    for worker_id in worker_ids:
        reminders.extend(plan_reminders_due(worker_id, items.get(worker_id, []), preferences[worker_id], now))
    return reminders


def open_plans_starting_soon(worker_ids: list[str], now: datetime) -> dict[str, list[PlannedContactItem]]:
    if not worker_ids:
        return {}
    # The London day, not ``now``'s own: the job may be handed a UTC instant, and between
    # midnight and 01:00 in summer the UTC date is still yesterday in London.
    today = today_in_london(now)
    rows = db.session.execute(
        select(
            PlanRow.planner_id,
            PlanRow.id,
            PlanRow.child_id,
            Child.name,
            Child.reference,
            PlanRow.kind,
            PlanRow.starts_at,
            PlanRow.duration_minutes,
            plan_cover_for(today),
        )
        .join(Child, Child.id == PlanRow.child_id)
        .where(
            PlanRow.planner_id.in_(worker_ids),
            PlanRow.status == "planned",
            PlanRow.starts_at > now,
            PlanRow.starts_at <= now + timedelta(minutes=MAX_PLAN_LEAD_MINUTES),
            plan_still_held(today),
        )
    )
    items: dict[str, list[PlannedContactItem]] = defaultdict(list)
    for planner_id, plan_id, child_id, name, reference, kind, starts_at, duration, absent_name in rows:
        covering_for = initials_of(absent_name) if absent_name else None
        items[planner_id].append(
            PlannedContactItem(plan_id, child_id, initials_of(name), reference, kind, starts_at, duration, covering_for)
        )
    return dict(items)
