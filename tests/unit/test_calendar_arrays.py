"""Bulk working-day arithmetic on arrays agrees with the scalar calendar and with numpy."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.calendar_arrays import ArrayCalendar
from backend.core.calendars import REGIONS, build_calendar
from backend.core.errors import CalendarRangeError
from tests.builders import d

CALENDARS = {region: build_calendar(region, 2000, 2040) for region in REGIONS}
ARRAYS = {region: ArrayCalendar.from_calendar(calendar) for region, calendar in CALENDARS.items()}
BUSDAYCALS = {
    region: np.busdaycalendar(holidays=np.array(sorted(calendar.non_working_names), dtype="datetime64[D]"))
    for region, calendar in CALENDARS.items()
}

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 9, 15))


@settings(max_examples=200, deadline=None)
@given(
    region=st.sampled_from(REGIONS),
    pairs=st.lists(st.tuples(days, st.integers(min_value=1, max_value=60)), min_size=1, max_size=50),
)
def test_bulk_addition_equals_numpy_busday_offset(region: str, pairs: list[tuple[date, int]]) -> None:
    starts = np.array([start for start, _ in pairs], dtype="datetime64[D]")
    counts = np.array([count for _, count in pairs])
    expected = np.busday_offset(starts, counts, roll="backward", busdaycal=BUSDAYCALS[region])
    assert (ARRAYS[region].add_working_days(starts, counts) == expected).all()


@settings(max_examples=100, deadline=None)
@given(region=st.sampled_from(REGIONS), start=days, count=st.integers(min_value=0, max_value=60))
def test_bulk_addition_equals_the_scalar_calendar_including_count_zero(region: str, start: date, count: int) -> None:
    (added,) = ARRAYS[region].add_working_days(np.array([start], dtype="datetime64[D]"), count)
    assert added.astype(date) == CALENDARS[region].add_working_days(start, count)


def test_christmas_2026_in_bulk() -> None:
    starts = np.array(["2026-12-18", "2026-12-24", "2026-01-31"], dtype="datetime64[D]")
    added = ARRAYS["ENG"].add_working_days(starts, np.array([10, 1, 0]))
    assert list(added.astype(date)) == [d("2027-01-06"), d("2026-12-29"), d("2026-01-31")]


@pytest.mark.parametrize("outside", ["1999-12-31", "2041-01-01"])
def test_bulk_dates_outside_the_calendar_raise(outside: str) -> None:
    with pytest.raises(CalendarRangeError, match="outside the working-day calendar"):
        ARRAYS["ENG"].add_working_days(np.array(["2026-01-05", outside], dtype="datetime64[D]"), 1)


def test_bulk_results_beyond_the_calendar_raise() -> None:
    with pytest.raises(CalendarRangeError, match="beyond"):
        ARRAYS["ENG"].add_working_days(np.array(["2040-12-20"], dtype="datetime64[D]"), 30)


def test_bulk_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        ARRAYS["ENG"].add_working_days(np.array(["2026-01-05"], dtype="datetime64[D]"), -1)
