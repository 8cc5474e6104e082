"""Lengths of time: calendar units, month ends and 29 February."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.core.calendars import WorkingCalendar
from backend.core.intervals import Interval, parse_interval
from tests.builders import d


@pytest.mark.parametrize(
    ("start", "text", "due"),
    [
        ("2026-01-31", "1 month", "2026-02-28"),  # 31 Jan + 1 month clamps to the end of February
        ("2028-01-31", "1 month", "2028-02-29"),  # ... which is the 29th in a leap year
        ("2026-11-30", "3 months", "2027-02-28"),
        ("2026-08-31", "1 month", "2026-09-30"),
        ("2024-02-29", "1 year", "2025-02-28"),  # a due date clamps back: the earlier visit
        ("2024-02-29", "4 years", "2028-02-29"),
        ("2028-01-04", "8 weeks", "2028-02-29"),
        ("2026-12-18", "7 days", "2026-12-25"),  # calendar days skip no bank holiday
    ],
)
def test_calendar_units_add_as_the_standards_write_them(
    england_calendar: WorkingCalendar, start: str, text: str, due: str
) -> None:
    assert parse_interval(text).after(d(start), england_calendar) == d(due)


@pytest.mark.parametrize(
    ("start", "text", "begins"),
    [
        ("2024-02-29", "1 year", "2025-03-01"),  # a 29 February anniversary falls on 1 March in a common year
        ("2024-02-29", "4 years", "2028-02-29"),
        ("2025-06-10", "1 year", "2026-06-10"),
        ("2026-01-31", "1 month", "2026-03-01"),  # a full month from 31 Jan has passed on 1 Mar
        ("2026-01-28", "1 month", "2026-02-28"),
        ("2026-11-02", "6 weeks", "2026-12-14"),
    ],
)
def test_a_phase_starts_once_the_whole_period_has_passed(
    england_calendar: WorkingCalendar, start: str, text: str, begins: str
) -> None:
    assert parse_interval(text).elapsed_on(d(start), england_calendar) == d(begins)


def test_working_days_go_through_the_calendar(england_calendar: WorkingCalendar) -> None:
    assert parse_interval("10 working days").after(d("2026-12-18"), england_calendar) == d("2027-01-06")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20 working days", Interval(20, "working_days")),
        ("1 working day", Interval(1, "working_days")),
        ("1 week", Interval(1, "weeks")),
        (" 6  weeks ", Interval(6, "weeks")),
        ("3 months", Interval(3, "months")),
        ("1 year", Interval(1, "years")),
        ("7 days", Interval(7, "days")),
    ],
)
def test_intervals_parse_from_the_words_of_the_standards(text: str, expected: Interval) -> None:
    assert parse_interval(text) == expected


@pytest.mark.parametrize("text", ["0 weeks", "six weeks", "6 fortnights", "6", "", "-1 days", "6 weeks later"])
def test_malformed_intervals_are_refused_with_the_reason(text: str) -> None:
    with pytest.raises(ValueError, match="length of time|at least 1"):
        parse_interval(text)


def test_describe_says_every_in_words() -> None:
    assert parse_interval("1 week").describe_every() == "every week"
    assert parse_interval("10 working days").describe_every() == "every 10 working days"
    assert parse_interval("1 working day").describe() == "1 working day"


@settings(max_examples=500, deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2045, 12, 31)), count=st.integers(1, 36))
def test_months_and_years_are_exactly_relativedelta(day: date, count: int) -> None:
    assert parse_interval(f"{count} months").after(day, NO_WORKING_DAYS) == day + relativedelta(months=count)
    assert parse_interval(f"{count % 5 + 1} years").after(day, NO_WORKING_DAYS) == day + relativedelta(
        years=count % 5 + 1
    )


class _NoWorkingDays:
    def add_working_days(self, day: date, count: int) -> date:
        raise AssertionError("calendar units never consult the working-day calendar")


NO_WORKING_DAYS = _NoWorkingDays()
