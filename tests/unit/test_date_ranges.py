"""The dates a stored record may hold leave the engine enough calendar on either side: a case
built only from dates at the ends of the allowed ranges is scheduled under every profile, plan
type, placement and event, with no ``CalendarRangeError``."""

from __future__ import annotations

from datetime import date

import pytest

from backend.core.calendars import WorkingCalendar, build_calendar
from backend.core.cases import Case, Episode, Event, Visit
from backend.core.date_ranges import BIRTH, STORED, date_range
from backend.core.profiles import Profile
from backend.core.reminders import MAX_LEAD_WORKING_DAYS
from backend.core.scheduling import compute_obligations
from backend.core.vocabulary import EVENT_TYPES, PLACEMENTS, PLAN_TYPES, VISIT_ROLES

FIRST_YEAR, LAST_YEAR = 2000, 2045
STORED_RANGE = date_range(STORED, FIRST_YEAR, LAST_YEAR)
BIRTH_RANGE = date_range(BIRTH, FIRST_YEAR, LAST_YEAR)
ENDS = (STORED_RANGE.earliest, STORED_RANGE.latest)


@pytest.fixture(scope="module")
def calendars(profiles: dict[str, Profile]) -> dict[str, WorkingCalendar]:
    return {
        name: build_calendar(profile.region, FIRST_YEAR, LAST_YEAR, profile.closures)
        for name, profile in profiles.items()
    }


def test_the_ranges_for_the_default_years() -> None:
    assert (STORED_RANGE.earliest, STORED_RANGE.latest) == (date(2001, 1, 1), date(2044, 12, 31))
    # A care leaver is supported until 25: someone born in 1975 is 25 in 2001.
    assert (BIRTH_RANGE.earliest, BIRTH_RANGE.latest) == (date(1975, 1, 1), date(2044, 12, 31))


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (date(2000, 12, 31), "Must be between 2001-01-01 and 2044-12-31."),
        (date(2001, 1, 1), None),
        (date(2044, 12, 31), None),
        (date(2045, 1, 1), "Must be between 2001-01-01 and 2044-12-31."),
    ],
)
def test_a_problem_names_the_allowed_days(day: date, problem: str | None) -> None:
    assert STORED_RANGE.problem(day) == problem


def cases_at_the_ends() -> list[Case]:
    """Every plan type and placement, started, visited and with every event at each end of the
    range, for children born at each end of theirs."""
    cases = []
    for plan_type in PLAN_TYPES:
        for placement in (None, *PLACEMENTS):
            for start in ENDS:
                for born in (BIRTH_RANGE.earliest, BIRTH_RANGE.latest, None):
                    for visited in (None, start):
                        visits = () if visited is None else tuple(Visit(visited, role) for role in VISIT_ROLES)
                        events = tuple(Event(event_type, start) for event_type in EVENT_TYPES)
                        episode = Episode(plan_type, start, None, placement)
                        cases.append(Case("C-1", "", born, (episode,), events, visits))
    return cases


def test_a_case_of_dates_at_the_ends_of_the_range_is_scheduled_under_every_profile(
    profiles: dict[str, Profile], calendars: dict[str, WorkingCalendar]
) -> None:
    cases = cases_at_the_ends()
    for name, profile in profiles.items():
        calendar = calendars[name]
        for case in cases:
            start = case.episodes[0].start
            for today in {start, STORED_RANGE.latest}:
                for obligation in compute_obligations(case, today, profile, calendar):
                    # Reminders count up to MAX_LEAD_WORKING_DAYS back from plan-by.
                    calendar.subtract_working_days(obligation.plan_by, MAX_LEAD_WORKING_DAYS)
                    assert STORED_RANGE.earliest <= obligation.plan_by <= calendar.last_day, (name, case)
