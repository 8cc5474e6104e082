"""Deadlines in time: which deadlines that are not visits fell due in a period, and whether each
was met by its day, worked out by replaying a child's record through the deadline engine.

- A deadline is one (rule, kind, due date) the engine gave as open on some day before or on its
  due date, with the record as it stood that day (events, visits and write-ups up to it).
- It was *met in time* when, with the record as it stood the day after its due date, it is no
  longer open (met by its event or write-up on or before that day, or its clock stopped).
- It is *overdue* when it is still open, overdue, with the record as it stood at the end of the
  period (or ``as_of``, if earlier).
- The record is looked at the day before each change that can close a deadline, and on the
  period's last day (``sample_days``): every deadline ever open is open on one of those days.
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


def sample_days(case: Case, start: date, last: date) -> list[date]:
    """The day before each change of the record that can meet or stop a deadline (an event, a
    write-up, an episode's start or end), from LOOKBACK before ``start``, and ``last``.

    A deadline open at any time is still open the day before whatever closed it, or at ``last``
    when nothing did, so these days see every one; a visit's own day is not needed (its
    write-up deadline is seen the day before the write-up, or at ``last``).
    """
    days = {last}
    changes = [event.date for event in case.events] + [visit.written_up for visit in case.visits if visit.written_up]
    for episode in case.episodes:
        changes += [episode.start] + ([episode.end] if episode.end else [])
    days |= {day - DAY for day in changes}
    return sorted(day for day in days if start - LOOKBACK <= day <= last)


def deadline_outcomes(case: Case, start: date, end: date, as_of: date, evaluate: Evaluate) -> list[DeadlineOutcome]:
    """Each deadline of the child that fell due from ``start`` to ``end`` and how it ended."""
    last = min(end, as_of)
    open_on: dict[date, set[tuple[str, str, date]]] = {}

    def open_keys(day: date) -> set[tuple[str, str, date]]:
        if day not in open_on:
            open_on[day] = {(d.rule, d.kind, d.due) for d in evaluate(case_known_on(case, day), day)}
        return open_on[day]

    seen = {key for day in sample_days(case, start, last) for key in open_keys(day) if start <= key[2] <= end}
    outcomes = []
    for rule, kind, due in sorted(seen, key=lambda key: (key[2], key[1], key[0])):
        after = due + DAY
        met = after <= as_of and (rule, kind, due) not in open_keys(after)
        overdue = due < last and (rule, kind, due) in open_keys(last)
        outcomes.append(DeadlineOutcome(kind, rule, due, met, overdue))
    return outcomes
