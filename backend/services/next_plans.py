"""The plan that answers each caseload obligation: the caseload, the team overview, push and
feeds all read it from ``CaseloadEntry.next_plan``.

A worker's obligation for a child is answered by that worker's own earliest open plan in
person for the child in that role, dated after the last counting visit (core/planning.py,
``answers``). A plan made by a previous worker does not answer the new worker's obligation:
plans are a worker's own diary.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select

from ..core.localtime import as_local_text
from ..core.planning import answers, is_on_time
from ..core.scheduling import Obligation
from ..core.vocabulary import IN_PERSON_CONTACT_KINDS
from ..extensions import db
from ..persistence.plans import PlanRow
from .clock import LONDON

PlanKey = tuple[str, str, str]  # (planner_id, child_id, role)


@dataclass(frozen=True)
class OpenPlan:
    id: str
    starts_at: datetime
    duration_minutes: int | None
    kind: str

    @property
    def local_date(self) -> date:
        return self.starts_at.astimezone(LONDON).date()


@dataclass(frozen=True)
class NextPlan:
    """The plan answering an obligation, as the list, the feed and reminders show it (no note)."""

    plan: OpenPlan
    on_time: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.plan.id,
            "starts_at": as_local_text(self.plan.starts_at, LONDON),
            "date": self.plan.local_date.isoformat(),
            "duration_minutes": self.plan.duration_minutes,
            "kind": self.plan.kind,
            "on_time": self.on_time,
        }


def open_plans_in_person(planner_ids: list[str], child_ids: Select[Any]) -> dict[PlanKey, list[OpenPlan]]:
    """Open in-person plans by these planners for these children, earliest first, in one statement."""
    found: dict[PlanKey, list[OpenPlan]] = defaultdict(list)
    rows = db.session.execute(
        select(
            PlanRow.planner_id,
            PlanRow.child_id,
            PlanRow.role,
            PlanRow.id,
            PlanRow.starts_at,
            PlanRow.duration_minutes,
            PlanRow.kind,
        )
        .where(
            PlanRow.planner_id.in_(planner_ids),
            PlanRow.child_id.in_(child_ids),
            PlanRow.status == "planned",
            PlanRow.kind.in_(sorted(IN_PERSON_CONTACT_KINDS)),
        )
        .order_by(PlanRow.starts_at, PlanRow.id)
    )
    for planner_id, child_id, role, plan_id, starts_at, duration, kind in rows:
        found[(planner_id, child_id, role)].append(OpenPlan(plan_id, starts_at, duration, kind))
    return dict(found)


def next_plan(obligation: Obligation, candidates: list[OpenPlan]) -> NextPlan | None:
    """The earliest of ``candidates`` (already earliest first) that answers ``obligation``."""
    for plan in candidates:
        if answers(obligation, plan.local_date, plan.kind):
            return NextPlan(plan, is_on_time(plan.local_date, obligation))
    return None
