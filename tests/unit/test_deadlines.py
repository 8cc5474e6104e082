"""Deadlines that are not visits (core/deadlines.py), at their edges: bank holidays, the 5th
birthday, school terms, leap years, a clock change, met and unmet. Dates worked by hand in the
comments; England's 2026-27 bank holidays include Fri 25 Dec, Mon 28 Dec (Boxing Day
substitute) and Fri 1 Jan; 2028 is a leap year.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.cases import parse_case
from backend.core.deadline_rules import SchoolTerm
from backend.core.deadlines import Deadline, compute_deadlines
from backend.core.errors import InvalidCase, ProfileError
from backend.core.hours import HourClock
from backend.core.profiles import Profile, parse_profile
from tests.builders import d

LONDON = HourClock(ZoneInfo("Europe/London"))
CARED_FOR = {"type": "cared_for", "start": "2026-01-05", "placement": "foster_care"}


def deadlines_of(profile: Profile, calendar: WorkingCalendar, today: str, **case: Any) -> list[Deadline]:
    case.setdefault("reference", "D-1")
    parsed = parse_case(case)
    return list(compute_deadlines(parsed, d(today), profile.deadlines, calendar, profile.school_terms, LONDON))


def by_kind(found: list[Deadline]) -> dict[str, Deadline]:
    return {deadline.kind: deadline for deadline in found}


@pytest.fixture
def england(profiles: dict[str, Profile]) -> Profile:
    return profiles["england"]


def test_the_initial_conference_counts_15_working_days_over_christmas(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    # 14 Dec 2026 + 15 working days: 15-18, 21-24, 29-31 Dec (11), then 4-7 Jan (1 Jan a bank holiday).
    found = by_kind(
        deadlines_of(
            england, england_calendar, "2026-12-15", events=[{"type": "strategy_discussion", "date": "2026-12-14"}]
        )
    )
    icpc = found["initial_child_protection_conference"]
    assert icpc.due == date(2027, 1, 7)
    assert icpc.status == "ok"
    assert icpc.rule == "england.deadline.initial_child_protection_conference"
    assert "25 Dec, 28 Dec and 1 Jan are bank holidays" in icpc.explanation
    assert "Working Together to Safeguard Children 2023" in icpc.explanation


def test_a_deadline_met_by_its_event_disappears_and_one_unmet_stays_overdue(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    events = [{"type": "strategy_discussion", "date": "2026-11-02"}]
    unmet = by_kind(deadlines_of(england, england_calendar, "2027-02-01", events=events))
    assert unmet["initial_child_protection_conference"].status == "overdue"
    assert unmet["initial_child_protection_conference"].due == date(2026, 11, 23)
    met = events + [{"type": "initial_child_protection_conference", "date": "2026-11-30"}]
    assert "initial_child_protection_conference" not in by_kind(
        deadlines_of(england, england_calendar, "2027-02-01", events=met)
    )


def test_an_enquiry_closed_without_a_conference_stops_the_conference_clock(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    found = deadlines_of(
        england,
        england_calendar,
        "2026-12-01",
        episodes=[{"type": "section_47", "start": "2026-11-02", "end": "2026-11-12"}],
        events=[{"type": "strategy_discussion", "date": "2026-11-02"}],
    )
    assert "initial_child_protection_conference" not in by_kind(found)


def test_a_met_deadline_counted_later_than_today_is_not_yet_met(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    # A conference dated after the evaluation day is scheduled, not held.
    events = [
        {"type": "strategy_discussion", "date": "2026-11-02"},
        {"type": "initial_child_protection_conference", "date": "2026-11-20"},
    ]
    assert "initial_child_protection_conference" in by_kind(
        deadlines_of(england, england_calendar, "2026-11-19", events=events)
    )


def test_review_conference_three_months_on_lands_on_29_february_in_a_leap_year(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    found = by_kind(
        deadlines_of(
            england,
            england_calendar,
            "2027-12-01",
            episodes=[{"type": "child_protection", "start": "2027-11-30"}],
            events=[{"type": "initial_child_protection_conference", "date": "2027-11-30"}],
        )
    )
    assert found["review_child_protection_conference"].due == date(2028, 2, 29)
    # 10 working days from Tue 30 Nov 2027: 1-3, 6-10, 13-14 Dec.
    assert found["core_group"].due == date(2027, 12, 14)


def test_review_conferences_then_every_six_months_while_the_plan_runs(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    case = {
        "episodes": [{"type": "child_protection", "start": "2026-03-02"}],
        "events": [
            {"type": "initial_child_protection_conference", "date": "2026-03-02"},
            {"type": "core_group", "date": "2026-03-10"},
            {"type": "review_child_protection_conference", "date": "2026-05-29"},
        ],
    }
    found = by_kind(deadlines_of(england, england_calendar, "2026-09-01", **case))
    assert found["review_child_protection_conference"].due == date(2026, 11, 29)
    assert "core_group" not in found  # the statute asks only for the first
    ended = {**case, "episodes": [{"type": "child_protection", "start": "2026-03-02", "end": "2026-08-01"}]}
    assert deadlines_of(england, england_calendar, "2026-09-01", **ended) == []


def test_cared_for_reviews_20_working_days_then_3_months_then_6_months(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    # Mon 5 Jan 2026 + 20 working days = Mon 2 Feb 2026.
    first = by_kind(deadlines_of(england, england_calendar, "2026-01-06", episodes=[CARED_FOR]))
    assert first["cared_for_review"].due == date(2026, 2, 2)
    one = [{"type": "first_cared_for_review", "date": "2026-01-30"}]
    second = by_kind(deadlines_of(england, england_calendar, "2026-02-02", episodes=[CARED_FOR], events=one))
    assert second["cared_for_review"].due == date(2026, 4, 30)
    two = one + [{"type": "cared_for_review", "date": "2026-04-10"}]
    third = by_kind(deadlines_of(england, england_calendar, "2026-04-11", episodes=[CARED_FOR], events=two))
    assert third["cared_for_review"].due == date(2026, 10, 10)


@pytest.mark.parametrize(
    ("last", "due"),
    [
        # Under 5 on the due date: 6 months on.
        ("2026-09-15", "2027-03-15"),
        # 6 months on would pass the 5th birthday (15 Jun 2027): yearly from the last, never before the birthday.
        ("2027-01-10", "2028-01-10"),
        # Six months on is the birthday itself, when the child is 5: yearly instead.
        ("2026-12-15", "2027-12-15"),
        # Six months on falls the day before the birthday: still under 5, so 6-monthly.
        ("2026-12-14", "2027-06-14"),
    ],
)
def test_review_health_assessments_switch_from_six_monthly_to_yearly_at_the_5th_birthday(
    england: Profile, england_calendar: WorkingCalendar, last: str, due: str
) -> None:
    found = by_kind(
        deadlines_of(
            england,
            england_calendar,
            last,
            date_of_birth="2022-06-15",
            episodes=[CARED_FOR],
            events=[{"type": "health_assessment", "date": last}],
        )
    )
    assert found["review_health_assessment"].due == d(due)


def test_a_child_without_a_date_of_birth_keeps_the_six_monthly_health_review(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    events = [{"type": "health_assessment", "date": "2027-01-10"}]
    found = by_kind(deadlines_of(england, england_calendar, "2027-01-11", episodes=[CARED_FOR], events=events))
    assert found["review_health_assessment"].due == date(2027, 7, 10)


def test_six_months_from_31_august_is_29_february_in_a_leap_year(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    events = [{"type": "health_assessment", "date": "2027-08-31"}]
    found = by_kind(deadlines_of(england, england_calendar, "2027-09-01", episodes=[CARED_FOR], events=events))
    assert found["review_health_assessment"].due == date(2028, 2, 29)


TERMS = [
    {"start": "2026-09-02", "end": "2026-12-18", "name": "autumn term 2026"},
    {"start": "2027-01-05", "end": "2027-03-26", "name": "spring term 2027"},
    {"start": "2027-04-12", "end": "2027-07-21", "name": "summer term 2027"},
]


def with_terms(base: Profile, terms: list[dict[str, str]]) -> Profile:
    data = {
        "id": "termly",
        "name": "Termly",
        "region": "ENG",
        "base": "england",
        "school_terms": terms,
        "rules": [
            {
                "id": "t.cin",
                "plan_type": "child_in_need",
                "role": "social_worker",
                "phases": [{"every": "4 weeks"}],
                "source": {"document": "d", "section": "s", "quote": "q"},
            }
        ],
    }
    return parse_profile(data, "termly.toml", {"england": base})


@pytest.mark.parametrize(
    ("meetings", "today", "due", "term"),
    [
        # A PEP in the autumn term: the spring term's last day is next.
        (["2026-10-01"], "2026-10-02", "2027-03-26", "spring term 2027"),
        # None in the spring term: overdue from the day after it ended, and stays so.
        (["2026-10-01"], "2027-04-20", "2027-03-26", "spring term 2027"),
        # One in each: the summer term.
        (["2026-10-01", "2027-03-26"], "2027-03-27", "2027-07-21", "summer term 2027"),
        # A meeting in the Easter holiday counts for no term.
        (["2026-10-01", "2027-04-01"], "2027-04-02", "2027-03-26", "spring term 2027"),
    ],
)
def test_a_personal_education_plan_is_due_by_the_end_of_each_school_term(
    england: Profile, england_calendar: WorkingCalendar, meetings: list[str], today: str, due: str, term: str
) -> None:
    profile = with_terms(england, TERMS)
    events = [{"type": "personal_education_plan", "date": day} for day in meetings]
    start = {"type": "cared_for", "start": "2026-09-28", "placement": "foster_care"}
    found = by_kind(
        deadlines_of(profile, england_calendar, today, date_of_birth="2015-03-02", episodes=[start], events=events)
    )
    pep = found["personal_education_plan"]
    assert pep.due == d(due)
    assert term in pep.explanation
    assert pep.status == ("overdue" if d(due) < d(today) else "ok")


def test_without_term_dates_the_terms_are_the_school_years_three_windows(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    # Easter Sunday 2027 is 28 March: the spring window ends then.
    events = [{"type": "personal_education_plan", "date": "2026-10-01"}]
    start = {"type": "cared_for", "start": "2026-09-28", "placement": "foster_care"}
    found = by_kind(
        deadlines_of(
            england, england_calendar, "2026-12-31", date_of_birth="2015-03-02", episodes=[start], events=events
        )
    )
    assert found["personal_education_plan"].due == date(2027, 3, 28)


def test_termly_reviews_wait_for_school_age(england: Profile, england_calendar: WorkingCalendar) -> None:
    # Born Jun 2022: turns 5 in the school year from 1 Sep 2026, so Reception's autumn term is the first.
    events = [{"type": "personal_education_plan", "date": "2026-01-10"}]
    found = by_kind(
        deadlines_of(
            england, england_calendar, "2027-01-01", date_of_birth="2022-06-15", episodes=[CARED_FOR], events=events
        )
    )
    assert found["personal_education_plan"].due == date(2026, 12, 31)


def test_the_needs_assessment_is_due_three_months_after_the_16th_birthday(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    case = {"date_of_birth": "2011-02-28", "episodes": [{**CARED_FOR, "start": "2026-10-01"}]}
    found = by_kind(deadlines_of(england, england_calendar, "2026-12-01", **case))
    assert found["needs_assessment"].due == date(2027, 5, 28)
    # Finished at 15 years 10 months (begun at 15 years 9 months, as the standards ask): met.
    early = {**case, "events": [{"type": "needs_assessment", "date": "2027-01-15"}]}
    found = by_kind(deadlines_of(england, england_calendar, "2027-03-01", **early))
    assert "needs_assessment" not in found
    assert found["pathway_plan_review"].due == date(2027, 7, 15)


def test_a_child_looked_after_only_after_16_counts_from_becoming_eligible(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    found = by_kind(
        deadlines_of(
            england,
            england_calendar,
            "2027-06-02",
            date_of_birth="2010-05-01",
            episodes=[{**CARED_FOR, "start": "2027-06-01"}],
        )
    )
    assert found["needs_assessment"].due == date(2027, 9, 1)
    assert "the start on 1 Jun 2027" in found["needs_assessment"].explanation


def test_a_referral_wants_an_assessment_within_45_working_days(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    events = [{"type": "referral", "date": "2026-11-02"}]
    found = by_kind(deadlines_of(england, england_calendar, "2026-11-02", events=events))
    # 45 working days from Mon 2 Nov 2026: 41 to Thu 31 Dec (25 and 28 Dec off), then 4-7 Jan (1 Jan off).
    assert found["assessment"].due == date(2027, 1, 7)
    done = events + [{"type": "assessment_completed", "date": "2026-12-20"}]
    assert deadlines_of(england, england_calendar, "2027-02-01", events=done) == []


def test_england_sets_no_write_up_deadline(england: Profile, england_calendar: WorkingCalendar) -> None:
    visits = [{"date": "2026-11-02", "role": "social_worker"}]
    assert deadlines_of(england, england_calendar, "2026-12-01", visits=visits) == []


def test_deadlines_are_sorted_by_due_date(england: Profile, england_calendar: WorkingCalendar) -> None:
    found = deadlines_of(
        england,
        england_calendar,
        "2026-12-01",
        date_of_birth="2011-02-28",
        episodes=[{**CARED_FOR, "start": "2026-10-01"}],
        events=[{"type": "referral", "date": "2026-10-20"}],
    )
    assert [deadline.due for deadline in found] == sorted(deadline.due for deadline in found)
    assert list(found[0].as_dict()) == ["kind", "due", "due_at", "status", "rule", "explanation"]


def test_a_deadline_past_the_calendar_is_left_out(england: Profile) -> None:
    from backend.core.calendars import build_calendar

    short = build_calendar("ENG", 2026, 2026)
    events = [{"type": "referral", "date": "2026-12-01"}]
    assert deadlines_of(england, short, "2026-12-01", events=events) == []


def test_a_visit_written_up_before_it_happened_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidCase, match=r"visits\[0\]\.written_up"):
        parse_case(
            {
                "reference": "W-1",
                "visits": [{"date": "2026-11-02", "role": "social_worker", "written_up": "2026-11-01"}],
            }
        )


def test_a_deadline_without_its_meeting_event_is_refused_at_load(england: Profile) -> None:
    data = {
        "id": "bad",
        "name": "Bad",
        "region": "ENG",
        "rules": [
            {
                "id": "b.cin",
                "plan_type": "child_in_need",
                "role": "social_worker",
                "phases": [{"every": "4 weeks"}],
                "source": {"document": "d", "section": "s", "quote": "q"},
            }
        ],
        "deadlines": [
            {
                "id": "b.icpc",
                "kind": "initial_child_protection_conference",
                "label": "ICPC",
                "from": "event:strategy_discussion",
                "within": "15 working days",
                "source": {"document": "d", "section": "s", "quote": "q"},
            }
        ],
    }
    with pytest.raises(ProfileError, match="met_by"):
        parse_profile(data, "bad.toml")
    data["deadlines"][0]["met_by"] = ["initial_child_protection_conference"]
    data["deadlines"][0]["kind"] = "icpc"
    with pytest.raises(ProfileError, match="kind"):
        parse_profile(data, "bad.toml")


def test_school_terms_are_sorted_and_a_term_ending_before_it_starts_is_refused(england: Profile) -> None:
    profile = with_terms(england, list(reversed(TERMS)))
    assert profile.school_terms[0] == SchoolTerm(date(2026, 9, 2), date(2026, 12, 18), "autumn term 2026")
    with pytest.raises(ProfileError, match=r"school_terms\[0\]\.end"):
        with_terms(england, [{"start": "2026-12-18", "end": "2026-09-02", "name": "backwards"}])


def test_a_trigger_offset_in_working_days_is_refused_at_load(england: Profile) -> None:
    data = {
        "id": "offset",
        "name": "Offset",
        "region": "ENG",
        "rules": [
            {
                "id": "o.cin",
                "plan_type": "child_in_need",
                "role": "social_worker",
                "phases": [{"every": "4 weeks"}],
                "source": {"document": "d", "section": "s", "quote": "q"},
            }
        ],
        "deadlines": [
            {
                "id": "o.needs",
                "kind": "needs_assessment",
                "label": "Needs",
                "from": "birthday:16 + 2 working days",
                "within": "3 months",
                "met_by": ["needs_assessment"],
                "source": {"document": "d", "section": "s", "quote": "q"},
            }
        ],
    }
    with pytest.raises(ProfileError, match=r"from.*days, weeks, months or years"):
        parse_profile(data, "offset.toml")


def test_two_episodes_of_one_plan_starting_the_same_day_one_still_open_give_deadlines(
    england: Profile, england_calendar: WorkingCalendar
) -> None:
    episodes = [
        {"type": "cared_for", "start": "2026-01-05", "end": "2026-01-20", "placement": "foster_care"},
        {"type": "cared_for", "start": "2026-01-05", "end": None, "placement": "foster_care"},
    ]
    found = by_kind(deadlines_of(england, england_calendar, "2026-01-06", episodes=episodes))
    assert found["cared_for_review"].due == date(2026, 2, 2)
