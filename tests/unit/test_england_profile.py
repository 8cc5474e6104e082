"""The england profile, row by row, at its edges."""

from __future__ import annotations

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.profiles import Profile
from backend.core.scheduling import Obligation, compute_obligations
from tests.builders import d, make_case


@pytest.fixture
def england(profiles: dict[str, Profile]) -> Profile:
    return profiles["england"]


def obligations_on(today: str, england: Profile, calendar: WorkingCalendar, **case: object) -> dict[str, Obligation]:
    found = compute_obligations(make_case(**case), d(today), england, calendar)  # type: ignore[arg-type]
    return {obligation.role: obligation for obligation in found}


def test_cp_visit_skips_christmas_boxing_day_observed_and_new_year(england, england_calendar) -> None:
    found = obligations_on("2026-12-20", england, england_calendar,
                          episodes=[("child_protection", "2026-10-01")], visits=[("2026-12-18",)])
    cp = found["social_worker"]
    assert cp.due == d("2027-01-06")
    assert cp.plan_by == d("2027-01-06")
    assert cp.rule == "england.child_protection"
    assert cp.explanation.startswith(
        "Child protection plan: every 10 working days since the visit on 18 Dec 2026; "
        "25 Dec, 28 Dec and 1 Jan are bank holidays, so due Wed 6 Jan 2027."
    )
    assert "Source:" in cp.explanation


def test_cin_counts_20_working_days_over_easter(england, england_calendar) -> None:
    found = obligations_on("2026-03-20", england, england_calendar,
                          episodes=[("child_in_need", "2026-01-05")], visits=[("2026-03-20",)])
    # 20 working days from Fri 20 Mar 2026 skip Good Friday 3 Apr and Easter Monday 6 Apr.
    assert found["social_worker"].due == d("2026-04-21")


def test_cin_without_visits_counts_from_the_plan_start(england, england_calendar) -> None:
    found = obligations_on("2026-10-05", england, england_calendar, episodes=[("child_in_need", "2026-10-01")])
    assert found["social_worker"].due == d("2026-10-29")
    assert found["social_worker"].last_visit is None


def test_no_access_visit_does_not_count(england, england_calendar) -> None:
    found = obligations_on("2026-11-10", england, england_calendar,
                          episodes=[("child_protection", "2026-10-01")],
                          visits=[("2026-10-20",), ("2026-11-02", "social_worker", False)])
    assert found["social_worker"].last_visit == d("2026-10-20")
    assert found["social_worker"].due == d("2026-11-03")
    assert found["social_worker"].status == "overdue"


def test_step_up_from_cin_to_cp_counts_from_the_last_cin_visit(england, england_calendar) -> None:
    found = obligations_on("2026-11-05", england, england_calendar,
                          episodes=[("child_in_need", "2026-09-01", "2026-11-02"), ("child_protection", "2026-11-02")],
                          visits=[("2026-10-28",)])
    assert found["social_worker"].rule == "england.child_protection"
    assert found["social_worker"].due == d("2026-11-11")


def test_regulation_24_is_weekly_until_the_first_review_then_four_weekly(england, england_calendar) -> None:
    before = obligations_on("2026-11-10", england, england_calendar,
                           episodes=[("cared_for", "2026-11-02", None, "regulation_24")], visits=[("2026-11-05",)])
    assert before["social_worker"].due == d("2026-11-12")
    after = obligations_on("2026-11-23", england, england_calendar,
                          episodes=[("cared_for", "2026-11-02", None, "regulation_24")],
                          events=[("first_cared_for_review", "2026-11-20")], visits=[("2026-11-19",)])
    assert after["social_worker"].due == d("2026-12-17")


def test_foster_care_first_visit_within_7_days_then_six_weekly(england, england_calendar) -> None:
    first = obligations_on("2026-11-03", england, england_calendar, episodes=[("cared_for", "2026-11-02", None, "foster_care")])
    assert first["social_worker"].due == d("2026-11-09")
    assert "first visit within 7 days" in first["social_worker"].explanation
    later = obligations_on("2026-11-20", england, england_calendar,
                          episodes=[("cared_for", "2026-11-02", None, "foster_care")], visits=[("2026-11-06",)])
    assert later["social_worker"].due == d("2026-12-18")


def test_a_new_placement_needs_its_own_first_visit(england, england_calendar) -> None:
    found = obligations_on("2026-11-20", england, england_calendar,
                          episodes=[("cared_for", "2026-06-01", "2026-11-16", "foster_care"),
                                    ("cared_for", "2026-11-16", None, "residential")],
                          visits=[("2026-11-10",)])
    assert found["social_worker"].due == d("2026-11-23")


def test_permanence_moves_to_three_monthly_from_the_first_anniversary(england, england_calendar) -> None:
    case = dict(episodes=[("cared_for", "2025-06-10", None, "foster_care")],
                events=[("permanence_ratified", "2026-01-15")])
    # Visit 20 May 2026: the six-weekly clock would say 1 Jul, after the 10 Jun anniversary, so 3 months applies.
    found = obligations_on("2026-05-25", england, england_calendar, visits=[("2026-05-20",)], **case)
    assert found["social_worker"].due == d("2026-08-20")
    # Visit 1 Apr 2026: six weeks is 13 May, before the anniversary, so six-weekly still binds.
    found = obligations_on("2026-04-02", england, england_calendar, visits=[("2026-04-01",)], **case)
    assert found["social_worker"].due == d("2026-05-13")


def test_care_leaver_is_seen_by_the_personal_adviser_every_8_weeks(england, england_calendar) -> None:
    found = obligations_on("2026-11-23", england, england_calendar,
                          episodes=[("care_leaver", "2026-01-01")],
                          visits=[("2026-11-01", "personal_adviser"), ("2026-11-20", "social_worker")])
    assert found["personal_adviser"].due == d("2026-12-27")
    assert found["personal_adviser"].plan_by == d("2026-12-24")
    assert "plan by Thu 24 Dec 2026" in found["personal_adviser"].explanation


def test_private_fostering_first_visit_in_7_working_days(england, england_calendar) -> None:
    found = obligations_on("2026-12-21", england, england_calendar, episodes=[("private_fostering", "2026-12-21")])
    assert found["social_worker"].due == d("2027-01-04")


def test_overlapping_episodes_with_two_roles_give_one_obligation_each(england, england_calendar) -> None:
    found = obligations_on("2026-11-23", england, england_calendar,
                          episodes=[("care_leaver", "2026-01-01"), ("child_in_need", "2026-11-01")],
                          visits=[("2026-11-10", "personal_adviser")])
    assert set(found) == {"social_worker", "personal_adviser"}


def test_status_bands(england, england_calendar) -> None:
    case = dict(episodes=[("child_protection", "2026-10-01")], visits=[("2026-11-09",)])
    assert obligations_on("2026-11-23", england, england_calendar, **case)["social_worker"].status == "due_today"
    assert obligations_on("2026-11-24", england, england_calendar, **case)["social_worker"].status == "overdue"
    assert obligations_on("2026-11-16", england, england_calendar, **case)["social_worker"].status == "due_soon"
    assert obligations_on("2026-11-13", england, england_calendar, **case)["social_worker"].status == "ok"


def test_ended_and_future_episodes_create_no_obligation(england, england_calendar) -> None:
    found = obligations_on("2026-11-23", england, england_calendar,
                          episodes=[("child_in_need", "2026-01-01", "2026-11-23"), ("child_protection", "2026-12-01")])
    assert found == {}
