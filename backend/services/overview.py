"""A team manager's overview: each worker's overdue and due counts, the overdue list (how many
days overdue, the plan type, the child's last visit and last no-access attempt), and "visits in
timescale" over a period, per plan type, per worker and month by month for a year, worked out by
replaying visit history through the same engine that gives due dates (core/timescale.py
defines it; docs/api.md repeats it).

Children counted are the team's children now (see access.py). A child the team holds but
allocated to a worker of another team (one moved by the directory, say) is counted in that
worker's team's lists, as their workload, and listed here under ``allocated_outside`` for this
team's manager, the one who may reallocate it (reallocations.py). A carer the team holds but
supervised by such a worker stays in this team's carer counts (carers.team_carer_ids) until this
team's manager chooses another supervisor, and is listed under ``supervised_outside`` meanwhile.
A child of the team with a visit due in a role nobody holds (its worker left, say), or with an
active plan no rule covers and no allocation at all, is on no worker's list: ``unallocated``
lists it for this team's manager to allocate; a carer the team holds with no supervising social
worker is listed under ``unsupervised`` and still counted in the team's carer figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from ..core.planning import PLAN_STANDINGS, standing
from ..core.timescale import Attempt, ChildTimescale, DueDate, Period, month_periods, tally
from ..core.vocabulary import PLAN_TYPES
from ..extensions import db
from ..persistence.children import Allocation
from ..persistence.people import Team, Worker
from ..persistence.repository import load_cases
from ..persistence.supervision import EscalationRow
from .access import Viewer, can_oversee_team, visible_child_ids
from .carers import team_carers
from .caseload import (
    CaseloadEntry,
    UnscheduledEntry,
    scheduler,
    workers_caseloads_in_full,
)
from .errors import InvalidInput, NotFound
from .practice_checks import check_counts, flags_by_child
from .timescale import deadline_timeliness, measure
from .waiting import waiting_on_the_manager

DEFAULT_PERIOD = relativedelta(months=3)
COUNTED_STATUSES = ("overdue", "due_today", "due_soon")


def timeliness(start: date, end: date, counted: dict[str, int]) -> dict[str, Any]:
    """The period's totals, as the overview has always given them (``fell_due`` is ``due``)."""
    fell_due, in_time = counted["due"], counted["in_time"]
    percent = round(100 * in_time / fell_due, 1) if fell_due else None
    return {"from": start, "to": end, "fell_due": fell_due, "in_time": in_time, "percent": percent}


def overseen_teams(viewer: Viewer) -> list[dict[str, str]]:
    """The teams whose overview ``viewer`` may open, by name: all for an admin, their own for a manager."""
    query = select(Team.id, Team.name).order_by(Team.name)
    if not viewer.is_admin:
        if viewer.role != "team_manager" or viewer.team_id is None:
            return []
        query = query.where(Team.id == viewer.team_id)
    return [{"id": team_id, "name": name} for team_id, name in db.session.execute(query)]


def require_team(viewer: Viewer, team_id: str) -> None:
    """NotFound unless the team exists and ``viewer`` oversees it: decided on every request."""
    if db.session.get(Team, team_id) is None or not can_oversee_team(viewer, team_id):
        raise NotFound(team_id)


def overview_period(as_of: date, start: date | None, end: date | None) -> tuple[date, date]:
    """The timeliness period: ``to`` defaults to as_of, ``from`` to three months before ``to``."""
    end = end or as_of
    start = start or end - DEFAULT_PERIOD
    if start > end:
        raise InvalidInput.field("from", "The period must start on or before its end.")
    return start, end


def team_overview(
    viewer: Viewer, team_id: str, as_of: date, start: date | None, end: date | None, today: date
) -> dict[str, Any]:
    """The same document for everyone who may see it (the view caches it once access is decided)."""
    require_team(viewer, team_id)
    team = db.session.get(Team, team_id)
    assert team is not None
    start, end = overview_period(as_of, start, end)
    workers = db.session.scalars(select(Worker).where(Worker.team_id == team_id).order_by(Worker.name)).all()
    in_full = workers_caseloads_in_full([worker.id for worker in workers], as_of, today)
    caseloads = in_full.entries
    team_viewer = Viewer(worker_id=viewer.worker_id, role="team_manager", team_id=team_id)
    team_children = visible_child_ids(team_viewer, today)
    cases = {loaded.child.id: loaded.case for loaded in load_cases(team_children)}
    trend_months = month_periods(as_of)
    measured = measure(scheduler(), cases, [Period(start, end), *trend_months], as_of)
    in_period = [due for child in measured.values() for due in child.due_dates[0]]
    holders = role_holders(list(cases))
    return {
        "team": {"id": team.id, "name": team.name},
        "as_of": as_of,
        "workers": [worker_counts(worker, caseloads.get(worker.id, [])) for worker in workers],
        "overdue": overdue_list(workers, caseloads, as_of),
        "unscheduled": unscheduled_list(workers, in_full.unscheduled),
        **waiting_on_the_manager(team_id, cases, as_of, today),
        "plans": plan_counts(entry for entries in caseloads.values() for entry in entries),
        "timeliness": timeliness(start, end, tally(in_period)),
        "by_plan_type": by_plan_type(in_period, attempts_in(measured, start, end)),
        "by_worker": by_worker(workers, holders, in_period, attempts_in(measured, start, end)),
        "trend": trend(trend_months, measured),
        "practice_checks": check_counts(flags_by_child(cases, team_children, as_of)),
        "carers": team_carers(team_id, as_of),
        "deadlines": deadline_timeliness(scheduler(), cases, start, end, as_of),
    }


def worker_counts(worker: Worker, entries: list[CaseloadEntry]) -> dict[str, Any]:
    counts = {status: 0 for status in COUNTED_STATUSES}
    for entry in entries:
        if entry.obligation.status in counts:
            counts[entry.obligation.status] += 1
    return {"id": worker.id, "name": worker.name, "role": worker.role, **counts}


def plan_counts(entries: Iterable[CaseloadEntry]) -> dict[str, dict[str, int]]:
    """How many overdue, due-today and due-soon visits have a plan on time, a late plan, or none
    (the worker's own earliest open plan in person answering the due date; core/planning.py)."""
    counts = {status: dict.fromkeys(PLAN_STANDINGS, 0) for status in COUNTED_STATUSES}
    for entry in entries:
        if entry.obligation.status in counts:
            answering_day = entry.next_plan.plan.local_date if entry.next_plan else None
            counts[entry.obligation.status][standing(entry.obligation, answering_day)] += 1
    return counts


def overdue_list(
    workers: Sequence[Worker], caseloads: dict[str, list[CaseloadEntry]], as_of: date
) -> list[dict[str, Any]]:
    """Longest overdue first; among visits due the same day, child protection first. Each says
    whether the escalation job has told the team manager (push/escalations.py)."""
    rows = [
        (entry, worker)
        for worker in workers
        for entry in caseloads.get(worker.id, [])
        if entry.obligation.status == "overdue"
    ]
    escalated = escalated_visits(sorted({entry.child_id for entry, _ in rows}))
    rows.sort(
        key=lambda row: (
            row[0].obligation.due,
            row[0].plan_type != "child_protection",
            row[0].obligation.role,
            row[0].reference,
        )
    )
    return [
        {
            **entry.as_dict(),
            "worker_id": worker.id,
            "worker_name": worker.name,
            "days_overdue": (as_of - entry.obligation.due).days,
            "escalated": (entry.child_id, entry.obligation.role, entry.obligation.due) in escalated,
        }
        for entry, worker in rows
    ]


def escalated_visits(child_ids: list[str]) -> set[tuple[str, str, date]]:
    """Which of these children's (role, due date) the escalation job told the team manager of."""
    escalated: set[tuple[str, str, date]] = set()
    for start in range(0, len(child_ids), 500):
        rows = db.session.execute(
            select(EscalationRow.child_id, EscalationRow.role, EscalationRow.due).where(
                EscalationRow.child_id.in_(child_ids[start : start + 500])
            )
        )
        escalated.update((child_id, role, due) for child_id, role, due in rows)
    return escalated


def unscheduled_list(workers: Sequence[Worker], unscheduled: dict[str, list[UnscheduledEntry]]) -> list[dict[str, Any]]:
    """Children no visiting rule covers, with each worker allocated to them: a manager checks each one."""
    return [
        {**entry.as_dict(), "worker_id": worker.id, "worker_name": worker.name}
        for worker in workers
        for entry in unscheduled.get(worker.id, [])
    ]


def attempts_in(measured: dict[str, ChildTimescale], start: date, end: date) -> list[Attempt]:
    return [attempt for child in measured.values() for attempt in child.attempts if start <= attempt.day <= end]


def by_plan_type(due_dates: list[DueDate], attempts: list[Attempt]) -> list[dict[str, Any]]:
    """One row per plan type with a due date or an attempt in the period, in the vocabulary's order."""
    rows = []
    for plan_type in PLAN_TYPES:
        counted = tally(due for due in due_dates if due.plan_type == plan_type)
        no_access = sum(attempt.plan_type == plan_type for attempt in attempts)
        if counted["due"] or no_access:
            rows.append({"plan_type": plan_type, **counted, "no_access": no_access})
    return rows


def by_worker(
    workers: Sequence[Worker], holders: Holders, due_dates: list[DueDate], attempts: list[Attempt]
) -> list[dict[str, Any]]:
    """Each worker of the team, with the due dates that fell while they held the role for the
    child, and the no-access attempts made in a role they held that day."""
    due_by: dict[str | None, list[DueDate]] = defaultdict(list)
    for due in due_dates:
        due_by[holders.holder(due.child_id, due.role, due.due)].append(due)
    attempts_by: dict[str | None, int] = defaultdict(int)
    for attempt in attempts:
        attempts_by[holders.holder(attempt.child_id, attempt.role, attempt.day)] += 1
    return [
        {
            "worker_id": worker.id,
            **tally(due_by[worker.id]),
            "no_access": attempts_by[worker.id],
        }
        for worker in workers
    ]


def trend(months: list[Period], measured: dict[str, ChildTimescale]) -> list[dict[str, Any]]:
    """Each month (oldest first) and each plan type with a due date in any of them, zeros included."""
    monthly = [
        [due for child in measured.values() for due in child.due_dates[index + 1]] for index in range(len(months))
    ]
    plan_types = [
        plan_type for plan_type in PLAN_TYPES if any(due.plan_type == plan_type for dues in monthly for due in dues)
    ]
    return [
        {
            "month": period.start.strftime("%Y-%m"),
            "plan_type": plan_type,
            **tally(due for due in dues if due.plan_type == plan_type),
        }
        for period, dues in zip(months, monthly, strict=True)
        for plan_type in plan_types
    ]


@dataclass(frozen=True)
class Holders:
    """Who held each child's role on each day (allocations with their history)."""

    spans: dict[tuple[str, str], list[tuple[date, date | None, str]]]

    def holder(self, child_id: str, role: str, day: date) -> str | None:
        for starts_on, ends_on, worker_id in self.spans.get((child_id, role), []):
            if starts_on <= day and (ends_on is None or day < ends_on):
                return worker_id
        return None


def role_holders(child_ids: list[str]) -> Holders:
    spans: dict[tuple[str, str], list[tuple[date, date | None, str]]] = defaultdict(list)
    for chunk_start in range(0, len(child_ids), 500):
        rows = db.session.execute(
            select(
                Allocation.child_id, Allocation.role, Allocation.starts_on, Allocation.ends_on, Allocation.worker_id
            ).where(Allocation.child_id.in_(child_ids[chunk_start : chunk_start + 500]))
        )
        for child_id, role, starts_on, ends_on, worker_id in rows:
            spans[(child_id, role)].append((starts_on, ends_on, worker_id))
    return Holders(dict(spans))
