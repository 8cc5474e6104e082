"""Property tests: the scheduler's working-day cadences against numpy's business-day oracle."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.core.calendars import build_calendar
from backend.core.cases import Case, Episode, Visit
from backend.core.scheduling import compute_obligations
from backend.rules_files import load_profiles

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
