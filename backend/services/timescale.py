"""Timeliness over a period for a team's children: visits in timescale, replayed per child by
the core (core/timescale.py defines it; docs/api.md repeats it), and deadlines that are not
visits (core/deadline_timeliness.py).
"""

from __future__ import annotations

from datetime import date

from ..core.cases import Case
from ..core.deadline_timeliness import deadline_outcomes
from ..core.errors import CalendarRangeError
from ..core.timescale import ChildTimescale, Period
from ..core.vocabulary import DEADLINE_KINDS
from .caseload import BAD_DATES, log_unschedulable
from .scheduler import Scheduler


def measure(engine: Scheduler, cases: dict[str, Case], periods: list[Period], as_of: date) -> dict[str, ChildTimescale]:
    """Each schedulable child's due dates per period; the others are listed as unscheduled."""
    measured = {}
    for child_id, case in cases.items():
        try:
            measured[child_id] = engine.timescale(child_id, case, periods, as_of)
        except BAD_DATES as error:
            log_unschedulable(child_id, error)
    return measured


def deadline_timeliness(
    engine: Scheduler, cases: dict[str, Case], start: date, end: date, as_of: date
) -> list[dict[str, object]]:
    """Per kind of deadline that is not a visit, those that fell due in the period, how many were
    met in time and how many are still overdue (core/deadline_timeliness.py), in the vocabulary's order."""
    counts: dict[str, dict[str, int]] = {}
    for case in cases.values():
        try:
            outcomes = deadline_outcomes(case, start, end, as_of, engine.deadlines)
        except (CalendarRangeError, OverflowError, ValueError):
            continue  # a child whose dates the engine cannot use: listed as unscheduled by the caseloads
        for outcome in outcomes:
            row = counts.setdefault(outcome.kind, {"due": 0, "met_in_time": 0, "overdue": 0})
            row["due"] += 1
            row["met_in_time"] += outcome.met_in_time
            row["overdue"] += outcome.overdue
    order = {kind: position for position, kind in enumerate(DEADLINE_KINDS)}
    return [
        {"kind": kind, **counts[kind]} for kind in sorted(counts, key=lambda kind: (order.get(kind, len(order)), kind))
    ]
