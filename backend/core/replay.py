"""A child's history replayed through the engine: the due dates that stood on any day, with the
visits made before it or by the end of it, each asked-for day worked out once.

What the engine would give on a past day is ``compute_obligations`` on that day with the visits
made by then. "Visits in timescale" (core/timescale.py) asks that question on every visit's day
and at every period's checkpoints, for a year of months at once, so this replay answers it
without the parts it never reads: it sorts the visits once and takes those made by a day as a
prefix of them instead of copying the case, finds a prefix's latest visits from a shorter
prefix's, keeps each day's answer for the next question about that day, and gives the due
dates without wording them (an obligation's explanation is most of its cost)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from datetime import date
from typing import NamedTuple

from .calendars import WorkingCalendar
from .cases import Case, Visit
from .hours import HourClock
from .profiles import Profile
from .scheduling import DUE_SOON_WORKING_DAYS, Key, earliest_bases, latest_counting_visits


class StandingDue(NamedTuple):
    """One role's and duty's due date standing on a day. Sorted, these are in the order of
    ``compute_obligations`` (due date, role, duty: one per role and duty)."""

    due: date
    role: str
    duty: str
    plan_type: str


class Replay:
    """One child's record and the engine's rules; answers are kept per (day, visits made)."""

    def __init__(self, case: Case, profile: Profile, calendar: WorkingCalendar, clock: HourClock) -> None:
        self.case = case
        self.profile = profile
        self.calendar = calendar
        self.clock = clock
        self._visits = tuple(sorted(case.visits, key=_visit_day))
        self._visit_days = [visit.date for visit in self._visits]
        self._answers: dict[tuple[date, int], tuple[StandingDue, ...]] = {}
        # The latest counting visits among the first n visits, for each n asked so far.
        self._latest: dict[int, dict[Key, date]] = {0: {}}
        self._latest_counts = [0]

    def due_before(self, day: date) -> tuple[StandingDue, ...]:
        """What the engine gives on ``day`` with the visits made before it: the due dates a
        visit on ``day`` answers."""
        return self._evaluated(day, bisect_left(self._visit_days, day))

    def due_by(self, day: date) -> tuple[StandingDue, ...]:
        """What the engine gives on ``day`` with every visit made by the end of it."""
        return self._evaluated(day, bisect_right(self._visit_days, day))

    def _evaluated(self, day: date, visits_made: int) -> tuple[StandingDue, ...]:
        key = (day, visits_made)
        answer = self._answers.get(key)
        if answer is None:
            # Only answers are kept: a day the calendar cannot use raises again on every question.
            latest = self._latest_among(visits_made, day)
            answer = self._answers[key] = standing_due_dates(
                self.case, day, latest, self.profile, self.calendar, self.clock
            )
        return answer

    def _latest_among(self, visits_made: int, day: date) -> dict[Key, date]:
        """``latest_counting_visits`` of the first ``visits_made`` visits, all made by ``day``:
        the latest of a shorter prefix already known, updated with the visits since (in date
        order, so none of theirs is earlier than the shorter prefix's)."""
        if visits_made not in self._latest:
            shorter = self._latest_counts[bisect_right(self._latest_counts, visits_made) - 1]
            since = latest_counting_visits(self._visits[shorter:visits_made], day)
            self._latest[visits_made] = {**self._latest[shorter], **since}
            insort(self._latest_counts, visits_made)
        return self._latest[visits_made]


def standing_due_dates(
    case: Case,
    today: date,
    latest: dict[tuple[str, str], date],
    profile: Profile,
    calendar: WorkingCalendar,
    clock: HourClock,
) -> tuple[StandingDue, ...]:
    """``compute_obligations``'s due dates, unworded, in its order; raising where it raises."""
    best = earliest_bases(case, today, latest, profile, calendar, clock)
    if not best:
        return ()
    # compute_obligations looks these days up in the calendar (each one's status and plan-by
    # day) and raises CalendarRangeError for one outside it: so must the replay. Its wording
    # reads no other day (every day it names was counted from while the due date was found).
    calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    for basis in best.values():
        calendar.working_day_on_or_before(basis.due)
    return tuple(
        sorted(StandingDue(basis.due, basis.rule.role, basis.rule.duty, basis.episode.type) for basis in best.values())
    )


def _visit_day(visit: Visit) -> date:
    return visit.date
