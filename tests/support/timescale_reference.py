"""Visits in timescale as first written: every period replayed on its own, each day of the replay
a full ``compute_obligations`` on a copy of the case holding the visits made by then.

It follows the definition (core/timescale.py) line by line and is slow for a year of months:
tests hold the core's replay to give exactly its answers, and scripts/bench_overview.py times
the core against it in the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from backend.core.cases import Case
from backend.core.errors import CalendarRangeError
from backend.core.scheduling import Obligation
from backend.core.timescale import ANSWER_HORIZON, Attempt, ChildTimescale, DueDate, Period, unmet_checkpoints

# What the engine gives for a case on a day (Scheduler.obligations, or compute_obligations bound to a profile).
Obligations = Callable[[Case, date], tuple[Obligation, ...]]


def reference_timescale(
    obligations: Obligations, child_id: str, case: Case, periods: list[Period], as_of: date
) -> ChildTimescale:
    first = min(period.start for period in periods)
    last = max(period.end for period in periods)
    answered = answered_by_visits(obligations, case, first, last)
    attempts = no_access_attempts(obligations, child_id, case, first, last)
    per_period = []
    for period in periods:
        found = {key: value for key, value in answered.items() if period.start <= key[1] <= period.end}
        try:
            unmet = unmet_due_dates(obligations, case, period, as_of)
        except CalendarRangeError:
            unmet = {}
        for key, plan_type in unmet.items():
            found.setdefault(key, (False, plan_type))
        per_period.append(
            tuple(
                DueDate(child_id, role, due, plan_type, in_time)
                for (role, due), (in_time, plan_type) in sorted(found.items())
            )
        )
    return ChildTimescale(tuple(per_period), attempts)


def answered_by_visits(
    obligations: Obligations, case: Case, start: date, end: date
) -> dict[tuple[str, date], tuple[bool, str]]:
    results: dict[tuple[str, date], tuple[bool, str]] = {}
    earliest = start - ANSWER_HORIZON
    seen = [visit for visit in case.visits if visit.child_seen and visit.in_person]
    for day in sorted({visit.date for visit in seen if earliest <= visit.date <= end}):
        before = replace(case, visits=tuple(visit for visit in case.visits if visit.date < day))
        made_that_day = {visit.role for visit in seen if visit.date == day}
        for obligation in obligations(before, day):
            if obligation.duty == "visit" and obligation.role in made_that_day and start <= obligation.due <= end:
                key = (obligation.role, obligation.due)
                met_before = results.get(key, (False, obligation.plan_type))[0]
                results[key] = (met_before or day <= obligation.due, obligation.plan_type)
    return results


def unmet_due_dates(obligations: Obligations, case: Case, period: Period, as_of: date) -> dict[tuple[str, date], str]:
    unmet: dict[tuple[str, date], str] = {}
    for checkpoint, strict in unmet_checkpoints(case, period.start, period.end, as_of):
        upto = replace(case, visits=tuple(visit for visit in case.visits if visit.date <= checkpoint))
        for obligation in obligations(upto, checkpoint):
            passed = obligation.due < checkpoint if strict else obligation.due <= checkpoint
            if obligation.duty == "visit" and passed and period.start <= obligation.due <= period.end:
                unmet.setdefault((obligation.role, obligation.due), obligation.plan_type)
    return unmet


def no_access_attempts(
    obligations: Obligations, child_id: str, case: Case, start: date, end: date
) -> tuple[Attempt, ...]:
    attempts = []
    for visit in case.visits:
        if visit.child_seen or not visit.in_person or not start <= visit.date <= end:
            continue
        before = replace(case, visits=tuple(earlier for earlier in case.visits if earlier.date < visit.date))
        plan_types = [
            obligation.plan_type for obligation in obligations(before, visit.date) if obligation.role == visit.role
        ]
        if plan_types:
            attempts.append(Attempt(child_id, visit.role, visit.date, plan_types[0]))
    return tuple(attempts)
