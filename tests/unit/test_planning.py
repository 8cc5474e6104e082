"""Judging a planned contact: on time against plan_by, and the warnings, in local time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from backend.core.calendars import build_calendar
from backend.core.planning import (
    ContactPlan,
    Deadline,
    answers,
    check_plan,
    counts_as_visit,
    standing,
)
from backend.core.profiles import Profile
from backend.core.scheduling import compute_obligations
from tests.builders import d, make_case

LONDON = ZoneInfo("Europe/London")
ENGLAND = build_calendar("ENG", 2020, 2035)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SCHOOL_AGE = d("2015-03-02")  # Year 6 in 2026-27
TODDLER = d("2024-01-10")


def at(text: str, kind: str = "home_visit", minutes: int | None = 60) -> ContactPlan:
    """A plan at local London wall time ``text``."""
    return ContactPlan(datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC), kind, minutes)


def codes(plan: ContactPlan, deadline: Deadline | None = None, dob: date | None = TODDLER) -> list[str]:
    return [warning.code for warning in check_plan(plan, deadline, dob, ENGLAND, LONDON, NOW).warnings]


# Due on Sunday 29 November 2026: the last working day before it is Friday 27 November.
WEEKEND_DUE = Deadline(due=d("2026-11-29"), plan_by=d("2026-11-27"))


@pytest.mark.parametrize(
    ("when", "on_time", "deadline_codes"),
    [
        ("2026-11-26T16:00", True, []),
        ("2026-11-27T16:00", True, []),  # on plan_by itself
        ("2026-11-28T16:00", False, ["after_plan_by"]),  # before the due date, after plan_by
        ("2026-11-29T16:00", False, ["after_plan_by"]),  # on the due date, a Sunday
        ("2026-11-30T16:00", False, ["after_due"]),  # only the more serious warning
    ],
)
def test_a_plan_is_on_time_on_or_before_plan_by(when: str, on_time: bool, deadline_codes: list[str]) -> None:
    check = check_plan(at(when), WEEKEND_DUE, TODDLER, ENGLAND, LONDON, NOW)
    assert check.on_time is on_time
    assert (check.due, check.plan_by) == (WEEKEND_DUE.due, WEEKEND_DUE.plan_by)
    assert [code for code in codes(at(when), WEEKEND_DUE) if code.startswith("after_")] == deadline_codes


def test_a_plan_with_nothing_due_in_its_role_is_on_time_without_deadline_warnings() -> None:
    check = check_plan(at("2027-02-02T16:00"), None, TODDLER, ENGLAND, LONDON, NOW)
    assert check.on_time and check.due is None and check.plan_by is None and check.warnings == ()


def test_on_time_reads_the_local_date_not_the_utc_one_in_summer_time() -> None:
    deadline = Deadline(due=d("2026-03-31"), plan_by=d("2026-03-31"))
    # 00:30 on 1 April in BST is 23:30 on 31 March in UTC: the worker planned 1 April.
    just_after = at("2026-04-01T00:30")
    assert just_after.starts_at.date() == d("2026-03-31")
    assert not check_plan(just_after, deadline, TODDLER, ENGLAND, LONDON, NOW).on_time
    assert check_plan(at("2026-03-31T23:30"), deadline, TODDLER, ENGLAND, LONDON, NOW).on_time


def test_the_engine_obligation_judges_a_plan_through_its_deadline(profiles: dict[str, Profile]) -> None:
    case = make_case(episodes=[("child_in_need", "2026-10-01")], visits=[("2026-11-02",)])
    (obligation,) = compute_obligations(case, d("2026-11-23"), profiles["england"], ENGLAND)
    deadline = Deadline.of(obligation)
    assert deadline is not None and deadline.plan_by == d("2026-11-30")
    assert check_plan(at("2026-11-30T16:00"), deadline, TODDLER, ENGLAND, LONDON, NOW).on_time
    assert not check_plan(at("2026-12-01T16:00"), deadline, TODDLER, ENGLAND, LONDON, NOW).on_time


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-11-28T11:00", ["weekend"]),
        ("2027-03-28T14:00", ["weekend"]),  # the Sunday the clocks go forward
        ("2026-12-25T11:00", ["bank_holiday"]),
        ("2026-12-28T11:00", ["bank_holiday"]),  # Boxing Day observed
        ("2026-12-29T11:00", []),
    ],
)
def test_weekends_and_bank_holidays_are_warned_about(when: str, expected: list[str]) -> None:
    assert codes(at(when)) == expected


def test_the_bank_holiday_warning_names_the_holiday_and_a_closure_day_is_told_apart() -> None:
    (christmas,) = check_plan(at("2026-12-25T11:00"), None, TODDLER, ENGLAND, LONDON, NOW).warnings
    assert "Christmas Day" in christmas.message and "Fri 25 Dec 2026" in christmas.message
    with_closure = build_calendar("ENG", 2026, 2027, closures=[(d("2026-12-29"), "Council closure")])
    (closure,) = check_plan(at("2026-12-29T11:00"), None, TODDLER, with_closure, LONDON, NOW).warnings
    assert closure.code == "closure_day" and "Council closure" in closure.message


@pytest.mark.parametrize(
    ("when", "dob", "minutes", "warned"),
    [
        ("2026-11-24T10:00", SCHOOL_AGE, 60, True),
        ("2026-11-24T15:30", SCHOOL_AGE, 60, False),  # after school
        ("2026-11-24T08:30", SCHOOL_AGE, 60, True),  # runs into the school day
        ("2026-11-24T08:30", SCHOOL_AGE, None, False),  # without a duration only the start counts
        ("2026-11-24T10:00", TODDLER, 60, False),
        ("2026-11-24T10:00", d("2009-05-01"), 60, False),  # left school in June 2025
        ("2026-11-24T10:00", None, 60, False),  # age unknown
        ("2026-12-25T10:00", SCHOOL_AGE, 60, False),  # a bank holiday is no school day
        ("2026-11-28T10:00", SCHOOL_AGE, 60, False),  # nor is Saturday
        ("2027-03-30T09:30", SCHOOL_AGE, 30, True),  # 09:30 BST is 08:30 UTC: local hours count
        ("2027-03-30T15:30", SCHOOL_AGE, 30, False),  # 15:30 BST is 14:30 UTC
    ],
)
def test_school_hours_are_warned_about_for_a_school_age_child_on_a_school_day(
    when: str, dob: date | None, minutes: int | None, warned: bool
) -> None:
    assert ("school_hours" in codes(at(when, minutes=minutes), dob=dob)) is warned


@pytest.mark.parametrize("kind", ["phone", "video", "text"])
def test_a_keeping_in_touch_contact_is_warned_not_to_count_as_a_visit(kind: str) -> None:
    check = check_plan(at("2026-11-26T16:00", kind), WEEKEND_DUE, TODDLER, ENGLAND, LONDON, NOW)
    (warning,) = check.warnings
    assert warning.code == "not_in_person" and "Sun 29 Nov 2026" in warning.message
    assert not counts_as_visit(kind)


def test_contact_in_person_and_visits_recorded_before_kinds_count_as_visits() -> None:
    assert counts_as_visit("home_visit") and counts_as_visit("visit_elsewhere") and counts_as_visit(None)


def test_a_plan_in_the_past_is_warned_about_unless_it_is_done_with() -> None:
    earlier = at("2026-11-23T09:00")
    assert [w.code for w in check_plan(earlier, None, TODDLER, ENGLAND, LONDON, NOW).warnings] == ["in_the_past"]
    assert check_plan(earlier, None, TODDLER, ENGLAND, LONDON, None).warnings == ()


def test_warnings_carry_no_personal_data() -> None:
    plan = at("2026-12-25T10:00", "phone")
    check = check_plan(plan, WEEKEND_DUE, SCHOOL_AGE, ENGLAND, LONDON, NOW)
    text = " ".join(warning.message for warning in check.warnings)
    assert "2015" not in text and "Smith" not in text


def test_only_an_in_person_plan_after_the_last_counting_visit_answers_the_due_date(
    profiles: dict[str, Profile],
) -> None:
    case = make_case(episodes=[("child_in_need", "2026-10-01")], visits=[("2026-11-02",)])
    (obligation,) = compute_obligations(case, d("2026-11-23"), profiles["england"], ENGLAND)
    assert not answers(obligation, d("2026-11-02"), "home_visit")  # overtaken by the visit that day
    assert answers(obligation, d("2026-11-03"), "visit_elsewhere")
    assert not answers(obligation, d("2026-11-26"), "phone")


def test_standing_is_on_time_late_or_none(profiles: dict[str, Profile]) -> None:
    case = make_case(episodes=[("child_in_need", "2026-10-01")], visits=[("2026-11-02",)])
    (obligation,) = compute_obligations(case, d("2026-11-23"), profiles["england"], ENGLAND)
    assert standing(obligation, None) == "none"
    assert standing(obligation, obligation.plan_by) == "on_time"
    assert standing(obligation, d("2026-12-01")) == "late"
