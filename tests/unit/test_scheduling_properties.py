"""Property tests: the scheduler's working-day cadences against numpy's business-day oracle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
from dateutil.relativedelta import relativedelta
from hypothesis import example, given, settings
from hypothesis import strategies as st

from backend.core.calendars import build_calendar
from backend.core.cases import Case, Episode, Event, Visit
from backend.core.scheduling import compute_obligations
from backend.persistence.rules_files import load_profiles

CALENDAR = build_calendar("ENG", 2000, 2045)
HOLIDAYS = np.array(sorted(CALENDAR.non_working_names), dtype="datetime64[D]")
BUSDAYCAL = np.busdaycalendar(holidays=HOLIDAYS)
ENGLAND = load_profiles()["england"]
WORKING_DAYS = {"child_protection": 10, "child_in_need": 20}


def busday_after(day: date, count: int) -> date:
    return np.busday_offset(np.datetime64(day), count, roll="backward", busdaycal=BUSDAYCAL).astype(date)


visits = st.lists(
    st.tuples(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 6, 30)), st.booleans()), max_size=8
)


@settings(max_examples=300, deadline=None)
@given(
    plan_type=st.sampled_from(sorted(WORKING_DAYS)),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 6, 30)),
    days_on=st.integers(min_value=0, max_value=400),
    recorded=visits,
)
def test_cp_and_cin_due_is_numpy_busday_offset_from_the_last_seen_visit(
    plan_type: str, start: date, days_on: int, recorded: list[tuple[date, bool]]
) -> None:
    today = start + timedelta(days=days_on)
    case = Case(
        "C-1",
        "",
        None,
        (Episode(plan_type, start),),
        (),
        tuple(Visit(day, "social_worker", seen) for day, seen in recorded),
    )
    (obligation,) = compute_obligations(case, today, ENGLAND, CALENDAR)
    counted = [day for day, seen in recorded if seen and day <= today]
    last_visit = max(counted, default=None)
    expected = busday_after(last_visit if last_visit else start, WORKING_DAYS[plan_type])
    # The plan's clock never runs from before the plan began.
    assert obligation.due == max(start, expected)
    assert obligation.last_visit == last_visit
    assert obligation.plan_by == np.busday_offset(
        np.datetime64(obligation.due), 0, roll="backward", busdaycal=BUSDAYCAL
    ).astype(date)


@settings(max_examples=300, deadline=None)
@given(days_since_visit=st.integers(min_value=0, max_value=30), today=st.dates(date(2001, 1, 1), date(2040, 1, 1)))
def test_status_bands_agree_with_numpy_counting_working_days(days_since_visit: int, today: date) -> None:
    visit = today - timedelta(days=days_since_visit)
    case = Case("C-1", "", None, (Episode("child_protection", date(2000, 6, 1)),), (), (Visit(visit, "social_worker"),))
    (obligation,) = compute_obligations(case, today, ENGLAND, CALENDAR)
    if obligation.due < today:
        expected = "overdue"
    elif obligation.due == today:
        expected = "due_today"
    elif obligation.due <= busday_after(today, 5):
        expected = "due_soon"
    else:
        expected = "ok"
    assert obligation.status == expected


# --- Phased cadences against a day-by-day oracle ---------------------------------------------------
#
# The contract's phase rule ("the earliest max(F, A + gap) that falls before the next phase")
# is the same as: the first day D, from the episode's start, on which the time since the last
# visit A reaches the gap allowed on D itself. The oracle walks the days one by one.


def anniversary(start: date) -> date:
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February: the first year is complete on 1 March
        return date(start.year + 1, 3, 1)


def first_day_gap_is_reached(start: date, since: date, gap_end_on: Callable[[date], date]) -> date:
    day = start
    while day < gap_end_on(day):
        day += timedelta(days=1)
    return day


seen_visits = st.lists(st.dates(min_value=date(2019, 6, 1), max_value=date(2027, 6, 30)), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 6, 30)),
    days_on=st.integers(min_value=0, max_value=700),
    visits_made=seen_visits,
)
# The edges random dates rarely hit: the anniversary itself, and a 29 February start.
@example(start=date(2025, 1, 6), days_on=323, visits_made=[date(2025, 11, 25)])
@example(start=date(2025, 1, 6), days_on=322, visits_made=[date(2025, 11, 24)])
@example(start=date(2024, 2, 29), days_on=324, visits_made=[date(2025, 1, 18)])
@example(start=date(2024, 2, 29), days_on=323, visits_made=[date(2025, 1, 17)])
def test_private_fostering_phases_match_the_day_by_day_oracle(
    start: date, days_on: int, visits_made: list[date]
) -> None:
    today = start + timedelta(days=days_on)
    case = Case(
        "C-1",
        "",
        None,
        (Episode("private_fostering", start),),
        (),
        tuple(Visit(day, "social_worker") for day in visits_made),
    )
    (obligation,) = compute_obligations(case, today, ENGLAND, CALENDAR)

    last_visit = max((day for day in visits_made if day <= today), default=None)
    since = last_visit or start
    second_year = anniversary(start)
    expected = first_day_gap_is_reached(
        start, since, lambda day: since + timedelta(weeks=6 if day < second_year else 12)
    )
    if last_visit is None or last_visit < start:
        expected = min(expected, busday_after(start, 7))
    assert obligation.due == expected


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 6, 30)),
    days_on=st.integers(min_value=0, max_value=700),
    permanence_after=st.one_of(st.none(), st.integers(min_value=-60, max_value=600)),
    visits_made=seen_visits,
)
@example(start=date(2025, 6, 10), days_on=323, permanence_after=219, visits_made=[date(2026, 4, 29)])
@example(start=date(2024, 2, 29), days_on=324, permanence_after=186, visits_made=[date(2025, 1, 18)])
@example(start=date(2024, 2, 29), days_on=323, permanence_after=186, visits_made=[date(2025, 1, 17)])
def test_cared_for_permanence_phases_match_the_day_by_day_oracle(
    start: date, days_on: int, permanence_after: int | None, visits_made: list[date]
) -> None:
    today = start + timedelta(days=days_on)
    permanence = None if permanence_after is None else start + timedelta(days=permanence_after)
    events = () if permanence is None else (Event("permanence_ratified", permanence),)
    case = Case(
        "C-1",
        "",
        None,
        (Episode("cared_for", start, None, "foster_care"),),
        events,
        tuple(Visit(day, "social_worker") for day in visits_made),
    )
    (obligation,) = compute_obligations(case, today, ENGLAND, CALENDAR)

    last_visit = max((day for day in visits_made if day <= today), default=None)
    since = last_visit or start
    # Permanence counts once it has happened, and only if ratified on or after the placement began.
    known = permanence is not None and start <= permanence <= today
    three_monthly_from = max(permanence, anniversary(start)) if known and permanence else date.max

    def gap_end_on(day: date) -> date:
        return since + (relativedelta(months=3) if day >= three_monthly_from else timedelta(weeks=6))

    expected = first_day_gap_is_reached(start, since, gap_end_on)
    if last_visit is None or last_visit < start:
        expected = min(expected, start + timedelta(days=7))
    assert obligation.due == expected
