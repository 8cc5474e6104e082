"""A team manager's overview: each worker's overdue and due counts, the overdue list, and
timeliness ("visits in timescale") over a period, worked out by replaying visit history
through the same engine that gives due dates.

Timeliness, precisely (docs/api.md repeats it):
- A *due date* is a day on which a child's visit in one role fell due: what the engine
  gives for that child and role when evaluated with the visits made before it.
- Each counting visit (child seen) answers the due date that stood just before it: the
  engine's due date on the visit's day, evaluated with the earlier visits only. It is *in
  time* when the visit is on or before that date.
- A due date that no visit answered *fell due unmet* if it passed while its plan was active:
  evaluated on the last day of the period (or on the day before a plan ended within it)
  with every visit made by then, it is earlier than that day (on the last day itself only
  if that day is over, i.e. before as_of).
- ``fell_due`` counts distinct (child, role, due date) with the due date in [from, to];
  ``in_time`` those answered in time; ``percent`` is in_time / fell_due (null when none).
Children counted are the team's children now (see access.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from ..core.cases import Case
from ..core.planning import PLAN_STANDINGS, standing
from ..extensions import db
from ..persistence.people import Team, Worker
from ..persistence.repository import load_cases
from .access import Viewer, can_oversee_team, visible_child_ids
from .carers import team_carers
from .caseload import (
    BAD_DATES,
    CaseloadEntry,
    UnscheduledEntry,
    log_unschedulable,
    scheduler,
    workers_caseloads_in_full,
)
from .errors import InvalidInput, NotFound
from .practice_checks import check_counts, flags_by_child
from .scheduler import Scheduler

DEFAULT_PERIOD = relativedelta(months=3)
COUNTED_STATUSES = ("overdue", "due_today", "due_soon")
# Longer than any visiting interval a profile may set (the longest in England is three months).
ANSWER_HORIZON = timedelta(days=731)


@dataclass(frozen=True)
class Timeliness:
    start: date
    end: date
    fell_due: int
    in_time: int

    def as_dict(self) -> dict[str, Any]:
        percent = round(100 * self.in_time / self.fell_due, 1) if self.fell_due else None
        return {
            "from": self.start,
            "to": self.end,
            "fell_due": self.fell_due,
            "in_time": self.in_time,
            "percent": percent,
        }


def team_overview(
    viewer: Viewer, team_id: str, as_of: date, start: date | None, end: date | None, today: date
) -> dict[str, Any]:
    team = db.session.get(Team, team_id)
    if team is None or not can_oversee_team(viewer, team_id):
        raise NotFound(team_id)
    end = end or as_of
    start = start or end - DEFAULT_PERIOD
    if start > end:
        raise InvalidInput.field("from", "The period must start on or before its end.")
    workers = db.session.scalars(select(Worker).where(Worker.team_id == team_id).order_by(Worker.name)).all()
    in_full = workers_caseloads_in_full([worker.id for worker in workers], as_of, today)
    caseloads = in_full.entries
    team_viewer = Viewer(worker_id=viewer.worker_id, role="team_manager", team_id=team_id)
    team_children = visible_child_ids(team_viewer, today)
    cases = {loaded.child.id: loaded.case for loaded in load_cases(team_children)}
    return {
        "team": {"id": team.id, "name": team.name},
        "as_of": as_of,
        "workers": [worker_counts(worker, caseloads.get(worker.id, [])) for worker in workers],
        "overdue": overdue_list(workers, caseloads),
        "unscheduled": unscheduled_list(workers, in_full.unscheduled),
        "plans": plan_counts(entry for entries in caseloads.values() for entry in entries),
        "timeliness": timeliness(scheduler(), cases, start, end, as_of).as_dict(),
        "practice_checks": check_counts(flags_by_child(cases, team_children, as_of)),
        "carers": team_carers([(worker.id, worker.name) for worker in workers], as_of),
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


def overdue_list(workers: Sequence[Worker], caseloads: dict[str, list[CaseloadEntry]]) -> list[dict[str, Any]]:
    rows = [
        (entry, worker)
        for worker in workers
        for entry in caseloads.get(worker.id, [])
        if entry.obligation.status == "overdue"
    ]
    rows.sort(key=lambda row: (row[0].obligation.due, row[0].obligation.role, row[0].reference))
    return [{**entry.as_dict(), "worker_id": worker.id, "worker_name": worker.name} for entry, worker in rows]


def unscheduled_list(workers: Sequence[Worker], unscheduled: dict[str, list[UnscheduledEntry]]) -> list[dict[str, Any]]:
    """Children no visiting rule covers, with each worker allocated to them: a manager checks each one."""
    return [
        {**entry.as_dict(), "worker_id": worker.id, "worker_name": worker.name}
        for worker in workers
        for entry in unscheduled.get(worker.id, [])
    ]


def timeliness(engine: Scheduler, cases: dict[str, Case], start: date, end: date, as_of: date) -> Timeliness:
    """Counted over the children whose dates can be scheduled; the others are listed as unscheduled."""
    answered: dict[tuple[str, str, date], bool] = {}
    for child_id, case in cases.items():
        try:
            dates = due_dates(engine, case, start, end, as_of)
        except BAD_DATES as error:
            log_unschedulable(child_id, error)
            continue
        for (role, due), in_time in dates.items():
            answered[(case.reference, role, due)] = in_time
    return Timeliness(start, end, fell_due=len(answered), in_time=sum(answered.values()))


def due_dates(engine: Scheduler, case: Case, start: date, end: date, as_of: date) -> dict[tuple[str, date], bool]:
    """This child's due dates in [start, end], by role, each with whether a visit met it in time."""
    results: dict[tuple[str, date], bool] = {}
    # A visit answers the due date standing just before it, which is never further ahead than
    # one visiting interval; older visits cannot answer a due date in the period.
    earliest = start - ANSWER_HORIZON
    # Timeliness is of visits in person: calls and attempts meet other duties, not these.
    seen = [visit for visit in case.visits if visit.child_seen and visit.in_person]
    counting_days = sorted({visit.date for visit in seen if earliest <= visit.date <= end})
    for day in counting_days:
        before = replace(case, visits=tuple(visit for visit in case.visits if visit.date < day))
        made_that_day = {visit.role for visit in seen if visit.date == day}
        for obligation in engine.obligations(before, day):
            if obligation.duty == "visit" and obligation.role in made_that_day and start <= obligation.due <= end:
                key = (obligation.role, obligation.due)
                results[key] = results.get(key, False) or day <= obligation.due
    for checkpoint, strict in unmet_checkpoints(case, start, end, as_of):
        upto = replace(case, visits=tuple(visit for visit in case.visits if visit.date <= checkpoint))
        for obligation in engine.obligations(upto, checkpoint):
            passed = obligation.due < checkpoint if strict else obligation.due <= checkpoint
            if obligation.duty == "visit" and passed and start <= obligation.due <= end:
                results.setdefault((obligation.role, obligation.due), False)
    return results


def unmet_checkpoints(case: Case, start: date, end: date, as_of: date) -> list[tuple[date, bool]]:
    """Days on which a still-unanswered due date is known to have been missed, with whether
    the day itself must be over (strict) for a due date on it to count as missed."""
    checkpoints = [(end, not end < as_of)]
    for episode in case.episodes:
        if episode.end is not None and start < episode.end <= end:
            checkpoints.append((episode.end - timedelta(days=1), False))
    return checkpoints
