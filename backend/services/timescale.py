"""Visits in timescale: the due dates that fell in a period and whether a visit met each on or
before its day, worked out by replaying visit history through the same engine that gives due
dates (docs/api.md, "Visits in timescale", repeats the definition).

- A *due date* is a day on which a child's visit in one role fell due: what the engine
  gives for that child and role when evaluated with the visits made before it.
- Each counting visit (child seen, in person) answers the due date that stood just before it:
  the engine's due date on the visit's day, evaluated with the earlier visits only. It is *in
  time* when the visit is on or before that date.
- A due date that no visit answered *fell due unmet* if it passed while its plan was active:
  evaluated on the last day of the period (or on the day before a plan ended within it)
  with every visit made by then, it is earlier than that day (on the last day itself only
  if that day is over, i.e. before as_of).
- ``due`` counts distinct (child, role, due date) with the due date in the period; ``in_time``
  those answered in time. Each due date carries the plan type of the rule that set it, and the
  worker who held the role for the child on the due date.
- A *no-access attempt* is a visit in person at which the child was not seen, counted on its
  own date, under the plan type of the role's due date standing that day.

The replay of visits is done once per child for every period asked (the chosen period and
each month of the trend); only the checks for unmet due dates are made per period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..core.cases import Case
from ..core.deadline_timeliness import deadline_outcomes
from ..core.errors import CalendarRangeError
from ..core.vocabulary import DEADLINE_KINDS
from .scheduler import Scheduler

# Longer than any visiting interval a profile may set (the longest in England is three months).
ANSWER_HORIZON = timedelta(days=731)


@dataclass(frozen=True)
class DueDate:
    """One due date of one child's role, and whether a visit met it in time."""

    child_id: str
    role: str
    due: date
    plan_type: str
    in_time: bool


@dataclass(frozen=True)
class Attempt:
    """A visit in person at which the child was not seen."""

    child_id: str
    role: str
    day: date
    plan_type: str


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class ChildTimescale:
    """One child's due dates for each period asked (in the order asked) and no-access attempts."""

    due_dates: tuple[tuple[DueDate, ...], ...]
    attempts: tuple[Attempt, ...]


def child_timescale(engine: Scheduler, child_id: str, case: Case, periods: list[Period], as_of: date) -> ChildTimescale:
    """Raises what the engine raises for dates it cannot use (services/caseload.BAD_DATES)."""
    first = min(period.start for period in periods)
    last = max(period.end for period in periods)
    answered = answered_by_visits(engine, case, first, last)
    attempts = no_access_attempts(engine, child_id, case, first, last)
    per_period = []
    for period in periods:
        found = {key: value for key, value in answered.items() if period.start <= key[1] <= period.end}
        try:
            unmet = unmet_due_dates(engine, case, period, as_of)
        except CalendarRangeError:
            # A month of the trend before the calendar's first year: nothing can have fallen due in it.
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
    engine: Scheduler, case: Case, start: date, end: date
) -> dict[tuple[str, date], tuple[bool, str]]:
    """The due dates in [start, end] that counting visits answered, with whether in time."""
    results: dict[tuple[str, date], tuple[bool, str]] = {}
    # A visit answers the due date standing just before it, which is never further ahead than
    # one visiting interval; older visits cannot answer a due date in the period.
    earliest = start - ANSWER_HORIZON
    # Timeliness is of visits in person: calls and attempts meet other duties, not these.
    seen = [visit for visit in case.visits if visit.child_seen and visit.in_person]
    for day in sorted({visit.date for visit in seen if earliest <= visit.date <= end}):
        before = replace(case, visits=tuple(visit for visit in case.visits if visit.date < day))
        made_that_day = {visit.role for visit in seen if visit.date == day}
        for obligation in engine.obligations(before, day):
            if obligation.duty == "visit" and obligation.role in made_that_day and start <= obligation.due <= end:
                key = (obligation.role, obligation.due)
                met_before = results.get(key, (False, obligation.plan_type))[0]
                results[key] = (met_before or day <= obligation.due, obligation.plan_type)
    return results


def unmet_due_dates(engine: Scheduler, case: Case, period: Period, as_of: date) -> dict[tuple[str, date], str]:
    """Due dates in the period known to have passed unmet at one of its checkpoints."""
    unmet: dict[tuple[str, date], str] = {}
    for checkpoint, strict in unmet_checkpoints(case, period.start, period.end, as_of):
        upto = replace(case, visits=tuple(visit for visit in case.visits if visit.date <= checkpoint))
        for obligation in engine.obligations(upto, checkpoint):
            passed = obligation.due < checkpoint if strict else obligation.due <= checkpoint
            if obligation.duty == "visit" and passed and period.start <= obligation.due <= period.end:
                unmet.setdefault((obligation.role, obligation.due), obligation.plan_type)
    return unmet


def unmet_checkpoints(case: Case, start: date, end: date, as_of: date) -> list[tuple[date, bool]]:
    """Days on which a still-unanswered due date is known to have been missed, with whether
    the day itself must be over (strict) for a due date on it to count as missed."""
    checkpoints = [(end, not end < as_of)]
    for episode in case.episodes:
        if episode.end is not None and start < episode.end <= end:
            checkpoints.append((episode.end - timedelta(days=1), False))
    return checkpoints


def no_access_attempts(engine: Scheduler, child_id: str, case: Case, start: date, end: date) -> tuple[Attempt, ...]:
    """Visits in person in [start, end] where the child was not seen, each under the plan type
    of its role's due date that day (the first plan type visited in that role, if none stood)."""
    attempts = []
    for visit in case.visits:
        if visit.child_seen or not visit.in_person or not start <= visit.date <= end:
            continue
        before = replace(case, visits=tuple(earlier for earlier in case.visits if earlier.date < visit.date))
        plan_types = [
            obligation.plan_type
            for obligation in engine.obligations(before, visit.date)
            if obligation.role == visit.role
        ]
        if plan_types:
            attempts.append(Attempt(child_id, visit.role, visit.date, plan_types[0]))
    return tuple(attempts)


def tally(due_dates: Iterable[DueDate]) -> dict[str, int]:
    """``{"due", "in_time"}`` over these due dates."""
    listed = list(due_dates)
    return {"due": len(listed), "in_time": sum(due_date.in_time for due_date in listed)}


def month_periods(as_of: date, months: int = 12) -> list[Period]:
    """The ``months`` calendar months up to and including ``as_of``'s, oldest first; the last
    ends on ``as_of`` (the rest of that month has not happened)."""
    periods = []
    year, month = as_of.year, as_of.month
    for _ in range(months):
        start = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        periods.append(Period(start, min(following - timedelta(days=1), as_of)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return periods[::-1]


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
