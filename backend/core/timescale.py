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

Each child's history is replayed once (core/replay.py) for every period asked (the chosen
period and each month of the trend): the visits' days are evaluated once for all of them, and
a day two questions share (the chosen period's end is the last month's) is evaluated once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .cases import Case
from .errors import CalendarRangeError
from .replay import Replay

# Longer than any visiting interval a profile may set (the longest in England is three months).
ANSWER_HORIZON = timedelta(days=731)

Answered = dict[tuple[str, date], tuple[bool, str]]  # (role, due date) -> (in time, plan type)


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


def child_timescale(replay: Replay, child_id: str, periods: list[Period], as_of: date) -> ChildTimescale:
    """Raises what the engine raises for dates it cannot use (CalendarRangeError, OverflowError,
    ValueError): the caller lists such a child as unscheduled."""
    first = min(period.start for period in periods)
    last = max(period.end for period in periods)
    answered = answered_by_visits(replay, first, last)
    attempts = no_access_attempts(replay, child_id, first, last)
    per_period = tuple(period_due_dates(replay, child_id, answered, period, as_of) for period in periods)
    return ChildTimescale(per_period, attempts)


def period_due_dates(
    replay: Replay, child_id: str, answered: Answered, period: Period, as_of: date
) -> tuple[DueDate, ...]:
    """The due dates in one period: those visits answered, and those that passed unmet."""
    found = {key: value for key, value in answered.items() if period.start <= key[1] <= period.end}
    try:
        unmet = unmet_due_dates(replay, period, as_of)
    except CalendarRangeError:
        # A month of the trend before the calendar's first year: nothing can have fallen due in it.
        unmet = {}
    for key, plan_type in unmet.items():
        found.setdefault(key, (False, plan_type))
    return tuple(
        DueDate(child_id, role, due, plan_type, in_time) for (role, due), (in_time, plan_type) in sorted(found.items())
    )


def answered_by_visits(replay: Replay, start: date, end: date) -> Answered:
    """The due dates in [start, end] that counting visits answered, with whether in time."""
    results: Answered = {}
    # A visit answers the due date standing just before it, which is never further ahead than
    # one visiting interval; older visits cannot answer a due date in the period.
    earliest = start - ANSWER_HORIZON
    for day, roles_seen in sorted(roles_seen_by_day(replay.case, earliest, end).items()):
        for standing in replay.due_before(day):
            if standing.duty == "visit" and standing.role in roles_seen and start <= standing.due <= end:
                key = (standing.role, standing.due)
                met_before = results.get(key, (False, standing.plan_type))[0]
                results[key] = (met_before or day <= standing.due, standing.plan_type)
    return results


def roles_seen_by_day(case: Case, earliest: date, end: date) -> dict[date, set[str]]:
    """The roles that saw the child in person on each day in [earliest, end]."""
    # Timeliness is of visits in person: calls and attempts meet other duties, not these.
    roles_by_day: dict[date, set[str]] = defaultdict(set)
    for visit in case.visits:
        if visit.child_seen and visit.in_person and earliest <= visit.date <= end:
            roles_by_day[visit.date].add(visit.role)
    return roles_by_day


def unmet_due_dates(replay: Replay, period: Period, as_of: date) -> dict[tuple[str, date], str]:
    """Due dates in the period known to have passed unmet at one of its checkpoints."""
    unmet: dict[tuple[str, date], str] = {}
    for checkpoint, strict in unmet_checkpoints(replay.case, period.start, period.end, as_of):
        for standing in replay.due_by(checkpoint):
            passed = standing.due < checkpoint if strict else standing.due <= checkpoint
            if standing.duty == "visit" and passed and period.start <= standing.due <= period.end:
                unmet.setdefault((standing.role, standing.due), standing.plan_type)
    return unmet


def unmet_checkpoints(case: Case, start: date, end: date, as_of: date) -> list[tuple[date, bool]]:
    """Days on which a still-unanswered due date is known to have been missed, with whether
    the day itself must be over (strict) for a due date on it to count as missed."""
    checkpoints = [(end, not end < as_of)]
    for episode in case.episodes:
        if episode.end is not None and start < episode.end <= end:
            checkpoints.append((episode.end - timedelta(days=1), False))
    return checkpoints


def no_access_attempts(replay: Replay, child_id: str, start: date, end: date) -> tuple[Attempt, ...]:
    """Visits in person in [start, end] where the child was not seen, each under the plan type
    of its role's due date that day (the first plan type visited in that role, if none stood)."""
    attempts = []
    for visit in replay.case.visits:
        if visit.child_seen or not visit.in_person or not start <= visit.date <= end:
            continue
        plan_types = [standing.plan_type for standing in replay.due_before(visit.date) if standing.role == visit.role]
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
