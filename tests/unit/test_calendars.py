"""Working-day arithmetic: edges by hand, and numpy's business-day functions as an oracle."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.core.calendars import REGIONS, build_calendar
from backend.core.errors import CalendarRangeError, CoreError
from tests.builders import d

CALENDARS = {region: build_calendar(region, 2000, 2040) for region in REGIONS}
HOLIDAY_ARRAYS = {
    region: np.array(sorted(calendar.non_working_names), dtype="datetime64[D]")
    for region, calendar in CALENDARS.items()
}


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        ("2026-12-18", 10, "2027-01-06"),  # Christmas, Boxing Day observed on Mon 28 Dec, New Year
        ("2026-12-24", 1, "2026-12-29"),  # 25 Dec, weekend, 28 Dec substitute
        ("2027-12-24", 1, "2027-12-29"),  # both Christmas and Boxing Day observed (27, 28 Dec)
        ("2026-04-02", 1, "2026-04-07"),  # Good Friday and Easter Monday
        ("2026-01-31", 1, "2026-02-02"),  # Saturday month end: day 0 need not be a working day
        ("2024-02-28", 1, "2024-02-29"),  # leap day is a working day
        ("2024-02-29", 20, "2024-03-28"),  # 20 working days from 29 Feb, before Good Friday 2024
        ("2026-05-01", 1, "2026-05-05"),  # early May bank holiday
        ("2026-11-21", 0, "2026-11-21"),  # day 0 is the day itself
    ],
)
def test_adding_working_days_skips_weekends_and_england_bank_holidays(start: str, count: int, expected: str) -> None:
    assert CALENDARS["ENG"].add_working_days(d(start), count) == d(expected)


def test_scotland_keeps_2_january_and_st_andrews_day() -> None:
    # 2 January 2027 is a Saturday, so Scotland observes it on Monday 4 January.
    assert CALENDARS["SCT"].add_working_days(d("2026-12-31"), 1) == d("2027-01-05")
    assert CALENDARS["ENG"].add_working_days(d("2026-12-31"), 1) == d("2027-01-04")
    assert not CALENDARS["SCT"].is_working_day(d("2026-11-30"))
    assert CALENDARS["ENG"].is_working_day(d("2026-11-30"))


def test_one_off_bank_holiday_for_the_coronation_is_known() -> None:
    assert not CALENDARS["ENG"].is_working_day(d("2023-05-08"))


def test_local_closure_days_are_not_working_days() -> None:
    calendar = build_calendar("ENG", 2026, 2027, [(d("2026-12-29"), "Council closure")])
    assert calendar.add_working_days(d("2026-12-24"), 1) == d("2026-12-30")
    assert d("2026-12-29") in calendar.closure_dates


def test_plan_by_is_the_last_working_day_on_or_before() -> None:
    calendar = CALENDARS["ENG"]
    assert calendar.working_day_on_or_before(d("2026-12-27")) == d("2026-12-24")
    assert calendar.working_day_on_or_before(d("2026-12-24")) == d("2026-12-24")


@pytest.mark.parametrize("outside", ["1999-12-31", "2041-01-01"])
def test_dates_outside_the_calendar_raise_rather_than_guess(outside: str) -> None:
    with pytest.raises(CalendarRangeError, match="outside the working-day calendar"):
        CALENDARS["ENG"].add_working_days(d(outside), 1)


def test_adding_past_the_end_of_the_calendar_raises() -> None:
    with pytest.raises(CalendarRangeError, match="beyond"):
        CALENDARS["ENG"].add_working_days(d("2040-12-20"), 30)


def test_holidays_between_names_weekday_bank_holidays_only() -> None:
    named = CALENDARS["ENG"].holidays_between(d("2026-12-18"), d("2027-01-06"))
    assert [day for day, _ in named] == [d("2026-12-25"), d("2026-12-28"), d("2027-01-01")]


days_in_range = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 9, 15))


@settings(max_examples=400, deadline=None)
@given(region=st.sampled_from(REGIONS), start=days_in_range, count=st.integers(min_value=1, max_value=60))
def test_add_working_days_matches_numpy_busday_offset(region: str, start: date, count: int) -> None:
    expected = np.busday_offset(np.datetime64(start), count, roll="backward", holidays=HOLIDAY_ARRAYS[region])
    assert CALENDARS[region].add_working_days(start, count) == expected.astype(date)


@settings(max_examples=400, deadline=None)
@given(
    region=st.sampled_from(REGIONS),
    start=st.dates(min_value=date(2000, 6, 1), max_value=date(2040, 12, 31)),
    count=st.integers(min_value=1, max_value=60),
)
def test_subtract_working_days_matches_numpy_busday_offset(region: str, start: date, count: int) -> None:
    expected = np.busday_offset(np.datetime64(start), -count, roll="forward", holidays=HOLIDAY_ARRAYS[region])
    assert CALENDARS[region].subtract_working_days(start, count) == expected.astype(date)


@settings(max_examples=300, deadline=None)
@given(region=st.sampled_from(REGIONS), day=st.dates(min_value=date(2000, 1, 10), max_value=date(2040, 12, 31)))
def test_working_day_on_or_before_matches_numpy_roll_backward(region: str, day: date) -> None:
    expected = np.busday_offset(np.datetime64(day), 0, roll="backward", holidays=HOLIDAY_ARRAYS[region])
    assert CALENDARS[region].working_day_on_or_before(day) == expected.astype(date)
    assert CALENDARS[region].is_working_day(day) == bool(
        np.is_busday(np.datetime64(day), holidays=HOLIDAY_ARRAYS[region])
    )


def test_every_day_of_every_region_agrees_with_numpy_is_busday() -> None:
    first, last = date(2000, 1, 1), date(2040, 12, 31)
    days = np.arange(np.datetime64(first), np.datetime64(last + timedelta(days=1)))
    for region, calendar in CALENDARS.items():
        expected = np.is_busday(days, holidays=HOLIDAY_ARRAYS[region])
        actual = np.array([calendar.is_working_day(day) for day in days.astype(date)])
        assert (expected == actual).all(), region


def test_a_negative_count_subtracts_working_days() -> None:
    # Two working days before Tue 29 Dec 2026 skip the observed Boxing Day and Christmas Day.
    assert CALENDARS["ENG"].add_working_days(d("2026-12-29"), -2) == d("2026-12-23")


def test_subtracting_past_the_start_of_the_calendar_raises() -> None:
    with pytest.raises(CalendarRangeError, match="before 2000-01-01"):
        CALENDARS["ENG"].subtract_working_days(d("2000-01-05"), 10)


def test_plan_by_before_the_first_working_day_raises() -> None:
    # 1 Jan 2000 is a Saturday: no working day on or before it in the calendar.
    with pytest.raises(CalendarRangeError, match="no working day"):
        CALENDARS["ENG"].working_day_on_or_before(d("2000-01-01"))


def test_a_datetime_string_is_refused_with_a_clear_error() -> None:
    with pytest.raises(CoreError, match="expected a date, got str"):
        CALENDARS["ENG"].add_working_days("2026-01-05", 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("region", "first", "last", "message"),
    [("GB", 2000, 2040, "unknown region"), ("ENG", 2041, 2040, "run backwards")],
)
def test_a_calendar_for_an_unknown_region_or_backward_years_is_refused(
    region: str, first: int, last: int, message: str
) -> None:
    with pytest.raises(CoreError, match=message):
        build_calendar(region, first, last)


def test_the_next_bank_holiday_after_a_day() -> None:
    assert CALENDARS["ENG"].next_holiday_on_or_after(d("2026-12-26")) == d("2026-12-28")
    assert CALENDARS["ENG"].next_holiday_on_or_after(d("2041-01-01")) is None


def test_working_day_tables_describe_the_same_calendar() -> None:
    first, ranks, working_days = CALENDARS["ENG"].working_day_tables()
    assert first == d("2000-01-01")
    assert len(ranks) == (d("2040-12-31") - first).days + 1
    offset = (d("2026-12-18") - first).days
    assert working_days[ranks[offset] + 10] == d("2027-01-06")
