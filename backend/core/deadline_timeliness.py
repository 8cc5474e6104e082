"""Deadlines in time: which deadlines that are not visits fell due in a period, and whether each
was met by its day, worked out by replaying a child's record through the deadline engine.

- A deadline is one (rule, kind, due date) the engine gave as open on some day before or on its
  due date, with the record as it stood that day (events, visits and write-ups up to it).
- It was *met in time* when, with the record as it stood the day after its due date, it is no
  longer open (met by its event or write-up on or before that day, or its clock stopped).
- It is *overdue* when it is still open, overdue, with the record as it stood at the end of the
  period (or ``as_of``, if earlier).
- The record is looked at on the days it changed (each event, visit, write-up, episode start
  and end, the day before each, and the period's first day): a deadline opens only on such a day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .cases import Case
from .deadlines import Deadline

DAY = timedelta(days=1)
# Deadlines that opened this long before the period can still fall due in it (a 6-month review).
LOOKBACK = timedelta(days=400)

Evaluate = Callable[[Case, date], tuple[Deadline, ...]]


@dataclass(frozen=True)
class DeadlineOutcome:
    kind: str
    rule: str
    due: date
    met_in_time: bool
    overdue: bool


def case_known_on(case: Case, day: date) -> Case:
    """The record as it stood at the end of ``day``: nothing recorded later, no write-up yet."""
    return replace(
        case,
        episodes=tuple(
            replace(episode, end=None if episode.end and episode.end > day else episode.end)
            for episode in case.episodes
            if episode.start <= day
        ),
        events=tuple(event for event in case.events if event.date <= day),
        visits=tuple(
            replace(visit, written_up=visit.written_up if visit.written_up and visit.written_up <= day else None)
            for visit in case.visits
            if visit.date <= day
        ),
    )


def change_days(case: Case, start: date, last: date) -> list[date]:
    """The days the record changed, and the day before each, from LOOKBACK before ``start`` to ``last``."""
    days = {start}
    for event in case.events:
        days.add(event.date)
    for visit in case.visits:
        days.add(visit.date)
        if visit.written_up:
            days.add(visit.written_up)
    for episode in case.episodes:
        days.add(episode.start)
        if episode.end:
            days.add(episode.end)
    days |= {day - DAY for day in days}
    return sorted(day for day in days if start - LOOKBACK <= day <= last)


def deadline_outcomes(case: Case, start: date, end: date, as_of: date, evaluate: Evaluate) -> list[DeadlineOutcome]:
    """Each deadline of the child that fell due from ``start`` to ``end`` and how it ended."""
    last = min(end, as_of)
    seen: dict[tuple[str, str, date], Deadline] = {}
    for day in change_days(case, start, last):
        for deadline in evaluate(case_known_on(case, day), day):
            if start <= deadline.due <= end and deadline.due >= day:
                seen.setdefault((deadline.rule, deadline.kind, deadline.due), deadline)
    still_open_at_end = {
        (d.rule, d.kind, d.due) for d in evaluate(case_known_on(case, last), last) if d.status == "overdue"
    }
    outcomes = []
    for key, deadline in sorted(seen.items(), key=lambda item: (item[0][2], item[0][1])):
        after = deadline.due + DAY
        met = after <= as_of and key not in {
            (d.rule, d.kind, d.due) for d in evaluate(case_known_on(case, after), after)
        }
        outcomes.append(DeadlineOutcome(deadline.kind, deadline.rule, deadline.due, met, key in still_open_at_end))
    return outcomes
