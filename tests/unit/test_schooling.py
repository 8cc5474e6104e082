"""School age (Reception year to the school-leaving date), school days and school hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.core.calendars import build_calendar
from backend.core.schooling import (
    first_school_day_of_life,
    is_school_age,
    is_school_day,
    overlaps_school_hours,
    school_leaving_date,
)
from tests.builders import d

ENGLAND = build_calendar("ENG", 2020, 2035)
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("born", "first_day"),
    [
        ("2020-08-31", "2024-09-01"),  # the youngest of a year group starts Reception at 4
        ("2020-09-01", "2025-09-01"),  # born a day later: a year later
        ("2021-02-28", "2025-09-01"),
        ("2020-02-29", "2024-09-01"),  # a leap-day birthday falls on 28 February
    ],
)
def test_school_starts_with_the_reception_year_of_the_school_year_the_child_turns_five(
    born: str, first_day: str
) -> None:
    assert first_school_day_of_life(d(born)) == d(first_day)


@pytest.mark.parametrize(
    ("born", "leaving"),
    [
        ("2010-09-01", "2027-06-25"),  # the oldest of a year group turns 16 on the first day of Year 11
        ("2011-08-31", "2027-06-25"),  # the youngest turns 16 at the end of it; same leaving date
        ("2011-09-01", "2028-06-30"),  # last Friday of June 2028 is the 30th
        ("2012-06-29", "2028-06-30"),
    ],
)
def test_school_ends_on_the_last_friday_of_june_of_the_school_year_the_child_turns_sixteen(
    born: str, leaving: str
) -> None:
    assert school_leaving_date(d(born)) == d(leaving)


def test_school_age_includes_both_ends_and_nothing_outside() -> None:
    born = d("2011-08-31")
    assert not is_school_age(born, d("2015-08-31"))
    assert is_school_age(born, d("2015-09-01"))
    assert is_school_age(born, d("2027-06-25"))
    assert not is_school_age(born, d("2027-06-26"))


def test_a_child_without_a_date_of_birth_is_never_taken_to_be_of_school_age() -> None:
    assert not is_school_age(None, d("2026-11-24"))


@pytest.mark.parametrize(
    ("day", "school_day"),
    [
        ("2026-11-24", True),  # Tuesday
        ("2026-11-28", False),  # Saturday
        ("2026-11-29", False),  # Sunday
        ("2026-12-25", False),  # Christmas Day
        ("2026-12-28", False),  # Boxing Day, observed on the Monday
        ("2027-03-29", False),  # Easter Monday
        ("2026-08-27", True),  # summer holidays: term dates are unknown, so a school day
    ],
)
def test_a_school_day_is_a_weekday_that_is_not_a_bank_holiday(day: str, school_day: bool) -> None:
    assert is_school_day(d(day), ENGLAND) is school_day


def test_a_council_closure_day_is_still_a_school_day() -> None:
    calendar = build_calendar("ENG", 2026, 2027, closures=[(d("2026-12-29"), "Council closure")])
    assert not calendar.is_working_day(d("2026-12-29"))
    assert is_school_day(d("2026-12-29"), calendar)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("start", "minutes", "overlaps"),
    [
        ("2026-11-24T08:00", 60, False),  # ends as school opens
        ("2026-11-24T08:30", 60, True),  # runs into the school day
        ("2026-11-24T09:00", None, True),
        ("2026-11-24T14:59", None, True),
        ("2026-11-24T15:00", None, False),  # the school day is over
        ("2026-11-24T15:00", 60, False),
        ("2026-11-24T08:59", None, False),  # without a duration only the start counts
        ("2026-11-24T07:00", 600, True),  # spans the whole school day
    ],
)
def test_school_hours_are_nine_to_three_and_a_contact_overlapping_them_counts(
    start: str, minutes: int | None, overlaps: bool
) -> None:
    duration = timedelta(minutes=minutes) if minutes else None
    assert overlaps_school_hours(local(start), duration) is overlaps
