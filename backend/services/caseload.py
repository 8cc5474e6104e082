"""Caseloads: each worker's obligations across the children allocated to them.

Used by the API, push reminders and calendar feeds alike, so the access rules live here
and in access.py, never in a view.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select

from ..clock import today_in_london
from ..core.attempts import last_no_access
from ..core.cases import Visit
from ..core.errors import CalendarRangeError
from ..core.labels import initials_of
from ..core.scheduling import Obligation
from ..core.vocabulary import PLAN_TYPES
from ..extensions import db
from ..persistence.children import Allocation
from ..persistence.repository import LoadedCase, load_cases, unwritten_visits
from .access import current_allocation
from .next_plans import NextPlan, OpenPlan, PlanKey, next_plan, open_plans_in_person
from .scheduler import Scheduler
from .worker_deadlines import WorkerDeadline, soon_deadlines
from .worker_deadlines import sort_key as deadline_order

log = logging.getLogger(__name__)

# What one child's stored dates can make the engine raise: a date outside the calendar's years,
# or arithmetic past the years a ``date`` holds (9999-12-31 plus six weeks). The API refuses such
# dates (core/date_ranges.py); a child with rows stored before it did, or written around it, is
# listed as unscheduled rather than breaking every other child's list.
BAD_DATES = (CalendarRangeError, OverflowError, ValueError)
CHECK_THIS_CHILDS_DATES = (
    "dates out of range: check this child's record. A date in it lies outside the years the service "
    "schedules, so its visits cannot be worked out: correct the date."
)


@dataclass(frozen=True)
class CaseloadEntry:
    child_id: str
    reference: str
    initials: str
    full_name: str
    plan_type: str
    plan_label: str
    obligation: Obligation
    # The worker's planned contact that answers this due date (services/next_plans.py), if any.
    next_plan: NextPlan | None = None
    # The latest visit attempted without access since the last visit that met the duty.
    last_no_access: date | None = None
    household: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The API's CaseloadObligation: the obligation's fields plus who, which plan, the next
        contact and the last attempt without access."""
        return {
            **self.obligation.as_dict(),
            "child_id": self.child_id,
            "reference": self.reference,
            "initials": self.initials,
            "plan_type": self.plan_type,
            "plan_label": self.plan_label,
            "next_plan": self.next_plan.as_dict() if self.next_plan else None,
            "last_no_access": self.last_no_access.isoformat() if self.last_no_access else None,
            "household": self.household,
        }


@dataclass(frozen=True)
class UnscheduledEntry:
    """A child on the worker's caseload with an active plan no rule schedules: shown, never dropped."""

    child_id: str
    reference: str
    initials: str
    plan_type: str
    plan_label: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Caseloads:
    """Each worker's obligations, and the children of theirs that no rule schedules."""

    entries: dict[str, list[CaseloadEntry]]
    unscheduled: dict[str, list[UnscheduledEntry]]
    # Deadlines that are not visits, overdue or due this week (services/worker_deadlines.py);
    # only when asked for: the team overview and the feeds do without.
    deadlines: dict[str, list[WorkerDeadline]] = field(default_factory=dict)


def scheduler() -> Scheduler:
    return current_app.extensions["scheduler"]


def worker_caseload(worker_id: str, as_of: date, today: date | None = None) -> list[CaseloadEntry]:
    """The worker's obligations on ``as_of`` for the children allocated to them ``today``
    (default: today in Europe/London), in the roles they hold, soonest first."""
    return workers_caseloads([worker_id], as_of, today).get(worker_id, [])


def workers_caseloads(worker_ids: list[str], as_of: date, today: date | None = None) -> dict[str, list[CaseloadEntry]]:
    """Caseloads of several workers at once (a team overview), in a fixed number of queries."""
    return workers_caseloads_in_full(worker_ids, as_of, today).entries


def workers_caseloads_in_full(
    worker_ids: list[str], as_of: date, today: date | None = None, deadlines_until: date | None = None
) -> Caseloads:
    """``workers_caseloads``, with each worker's unscheduled children as well (and, given
    ``deadlines_until``, each worker's deadlines overdue or due by then, for every child they hold)."""
    today = today or today_in_london()
    # One worker (every caseload request) compares by equality: an expanding IN costs a compile each time.
    held_by = Allocation.worker_id == worker_ids[0] if len(worker_ids) == 1 else Allocation.worker_id.in_(worker_ids)
    allocations = select(Allocation.child_id).where(held_by, current_allocation(today))
    held: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for worker_id, child_id, role in db.session.execute(
        select(Allocation.worker_id, Allocation.child_id, Allocation.role).where(held_by, current_allocation(today))
    ):
        held[child_id].add((worker_id, role))
    plans = open_plans_in_person(worker_ids, allocations)
    result = Caseloads(defaultdict(list), defaultdict(list), defaultdict(list))
    unwritten = unwritten_visits(allocations) if deadlines_until else {}
    for loaded in load_cases(allocations, latest_visits_on=as_of):
        holders = held[loaded.child.id]
        deadlines = []
        try:
            entries = entries_of(loaded, holders, plans, as_of)
            gaps = [
                unscheduled_entry(loaded, gap.plan_type, gap.reason)
                for gap in scheduler().unscheduled(loaded.case, as_of)
            ]
        except BAD_DATES as error:
            log_unschedulable(loaded.child.id, error)
            entries, gaps = [], bad_dates_entries(loaded, as_of)
        if deadlines_until:
            deadlines = child_deadlines(loaded, unwritten.get(loaded.child.id, []), as_of, deadlines_until)
        for worker_id, entry in entries:
            result.entries[worker_id].append(entry)
        for worker_id in sorted({worker_id for worker_id, _ in holders}):
            result.unscheduled[worker_id].extend(gaps)
            result.deadlines[worker_id].extend(deadlines)
    for worker_entries in result.entries.values():
        worker_entries.sort(key=sort_key)
    for gaps in result.unscheduled.values():
        gaps.sort(key=lambda gap: (gap.reference, gap.plan_type))
    for worker_deadlines in result.deadlines.values():
        worker_deadlines.sort(key=deadline_order)
    return Caseloads(dict(result.entries), dict(result.unscheduled), dict(result.deadlines))


def entries_of(
    loaded: LoadedCase, holders: set[tuple[str, str]], plans: dict[PlanKey, list[OpenPlan]], as_of: date
) -> list[tuple[str, CaseloadEntry]]:
    """One child's entries, by the worker holding each role; raises BAD_DATES for dates it cannot use."""
    entries = []
    for obligation in scheduler().obligations(loaded.case, as_of):
        for worker_id, role in holders:
            if role == obligation.role:
                planned = next_plan(obligation, plans.get((worker_id, loaded.child.id, role), []))
                entries.append((worker_id, entry_for(loaded, obligation, planned, as_of)))
    return entries


def child_deadlines(loaded: LoadedCase, unwritten: list[Visit], as_of: date, until: date) -> list[WorkerDeadline]:
    """The child's deadlines due by ``until``; none, logged, where its dates defeat the engine
    (a date of birth at the end of time): its visits are still listed."""
    try:
        return soon_deadlines(loaded, unwritten, as_of, until)
    except BAD_DATES as error:
        log.warning("child %s left without deadlines: its dates gave %s", loaded.child.id, type(error).__name__)
        return []


def bad_dates_entries(loaded: LoadedCase, as_of: date) -> list[UnscheduledEntry]:
    """One entry per plan type the child is on (any it was ever on, if the bad date hides which), for a
    child whose dates the engine could not use: listed, never dropped."""
    episodes = loaded.case.episodes
    plan_types = sorted({episode.type for episode in episodes if episode.is_active(as_of)}) or sorted(
        {episode.type for episode in episodes}
    )
    return [unscheduled_entry(loaded, plan_type, CHECK_THIS_CHILDS_DATES) for plan_type in plan_types]


def log_unschedulable(child_id: str, error: Exception) -> None:
    # The id and the error's type only: the message quotes the dates.
    log.warning("child %s left unscheduled: its dates gave %s", child_id, type(error).__name__)


def unscheduled_entry(loaded: LoadedCase, plan_type: str, reason: str) -> UnscheduledEntry:
    """The one place an unscheduled entry is built, for a plan the engine left unscheduled and for a
    child whose dates it could not use alike."""
    return UnscheduledEntry(
        child_id=loaded.child.id,
        reference=loaded.child.reference,
        initials=initials_of(loaded.child.name),
        plan_type=plan_type,
        plan_label=PLAN_TYPES[plan_type],
        reason=reason,
    )


def entry_for(loaded: LoadedCase, obligation: Obligation, planned: NextPlan | None, as_of: date) -> CaseloadEntry:
    # The case holds the latest visit of each role, kind and outcome (load_cases): enough here.
    attempted = last_no_access(loaded.case.visits, obligation.role, obligation.last_visit, as_of)
    return CaseloadEntry(
        child_id=loaded.child.id,
        reference=loaded.child.reference,
        initials=initials_of(loaded.child.name),
        full_name=loaded.child.name,
        plan_type=obligation.plan_type,
        plan_label=PLAN_TYPES[obligation.plan_type],
        obligation=obligation,
        next_plan=planned,
        last_no_access=attempted,
        household=loaded.child.household,
    )


def sort_key(entry: CaseloadEntry) -> tuple[date, str, str]:
    return (entry.obligation.due, entry.obligation.role, entry.reference)


def obligation_identity(entry: CaseloadEntry) -> tuple[str, str, date]:
    """One visit due to one child in one role, whoever holds the role."""
    return (entry.child_id, entry.obligation.role, entry.obligation.due)
