"""The sefton profile, rule by rule: each test's docstring names the seed section it encodes.

Seed: Sefton Children's Services timescales and practice standards (../shared/seeds/000_*.txt).
Expected dates are worked by hand in the comments; 2026 bank holidays in England include
Good Friday 3 Apr, Easter Monday 6 Apr, 4 and 25 May, 25 Dec and 28 Dec (Boxing Day observed);
2027: 1 Jan, Good Friday 26 Mar, Easter Monday 29 Mar.
"""

from __future__ import annotations

import inspect
import sys
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.cases import parse_case
from backend.core.hours import HourClock
from backend.core.profiles import Profile
from backend.core.scheduling import Obligation, compute_obligations
from tests.builders import d, make_case, make_case_json


@pytest.fixture
def sefton(profiles: dict[str, Profile]) -> Profile:
    return profiles["sefton"]


@pytest.fixture
def england(profiles: dict[str, Profile]) -> Profile:
    return profiles["england"]


def obligations_on(today: str, profile: Profile, calendar: WorkingCalendar, **case: object) -> dict[str, Obligation]:
    """Each role's visit obligation (duties met by a visit in person)."""
    found = compute_obligations(make_case(**case), d(today), profile, calendar)  # type: ignore[arg-type]
    return {obligation.role: obligation for obligation in found if obligation.duty == "visit"}


def duties_on(
    today: str, profile: Profile, calendar: WorkingCalendar, **case_json: object
) -> dict[tuple[str, str], Obligation]:
    """Every (role, duty) obligation for a case given as case-file JSON, hours in Europe/London."""
    case = parse_case(make_case_json(**case_json))
    found = compute_obligations(case, d(today), profile, calendar, HourClock(ZoneInfo("Europe/London")))
    return {(obligation.role, obligation.duty): obligation for obligation in found}


# --- Assessment / Help & Protection ----------------------------------------------------------


@pytest.mark.parametrize(
    ("date_of_birth", "due", "rule"),
    [
        ("2022-06-01", "2026-11-24", "sefton.assessment.under_6"),  # aged 4
        ("2021-11-19", "2026-11-24", "sefton.assessment.under_6"),  # fifth birthday on the start day
        ("2020-11-20", "2026-11-24", "sefton.assessment.under_6"),  # turns 6 the day after the start
        ("2020-11-19", "2026-11-26", "sefton.assessment.over_5"),  # sixth birthday on the start day
        ("2015-03-02", "2026-11-26", "sefton.assessment.over_5"),  # aged 11
        (None, "2026-11-24", "sefton.assessment.under_6"),  # age unknown: the shorter window
    ],
)
def test_assessment_first_visit_gives_a_five_year_old_3_working_days(
    sefton, england_calendar, date_of_birth, due, rule
) -> None:
    """Assessment/Help & Protection: Visits. '5 and under' and '5 and over' overlap at 5: 3 working days wins."""
    # Start Thu 19 Nov 2026: 3 working days is Tue 24 Nov, 5 working days is Thu 26 Nov.
    found = obligations_on(
        "2026-11-19", sefton, england_calendar, episodes=[("assessment", "2026-11-19")], date_of_birth=date_of_birth
    )
    assert found["social_worker"].due == d(due)
    assert found["social_worker"].rule == rule


def test_assessment_first_visit_of_5_working_days_skips_christmas_and_new_year(sefton, england_calendar) -> None:
    """Assessment/Help & Protection: Visits. 5 working days from Wed 23 Dec 2026 skip 25 Dec, 28 Dec and 1 Jan."""
    found = obligations_on("2026-12-23", sefton, england_calendar, episodes=[("assessment", "2026-12-23")])
    # Thu 24 (1), Tue 29 (2), Wed 30 (3), Thu 31 (4), Mon 4 Jan (5).
    assert found["social_worker"].due == d("2027-01-04")
    assert "25 Dec, 28 Dec and 1 Jan are bank holidays" in found["social_worker"].explanation


def test_assessment_visits_are_4_weekly_after_the_first(sefton, england_calendar) -> None:
    """Assessment/Help & Protection: Visits. Thereafter at least every 4 weeks during the assessment."""
    found = obligations_on(
        "2026-11-25",
        sefton,
        england_calendar,
        episodes=[("assessment", "2026-11-19")],
        visits=[("2026-11-24",)],
        date_of_birth="2021-06-01",
    )
    assert found["social_worker"].due == d("2026-12-22")
    assert found["social_worker"].rule == "sefton.assessment.under_6"


def test_section_47_child_seen_within_24_hours_then_weekly(sefton, england_calendar) -> None:
    """Child Protection: Section 47 Investigation. Seen within 24 hours, then weekly during the enquiry."""
    # Opened on Friday 27 Nov 2026: due Saturday, so plan by the Friday itself.
    first = obligations_on("2026-11-27", sefton, england_calendar, episodes=[("section_47", "2026-11-27")])
    assert first["social_worker"].due == d("2026-11-28")
    assert first["social_worker"].plan_by == d("2026-11-27")
    assert first["social_worker"].rule == "sefton.section_47"
    weekly = obligations_on(
        "2026-11-30", sefton, england_calendar, episodes=[("section_47", "2026-11-27")], visits=[("2026-11-28",)]
    )
    assert weekly["social_worker"].due == d("2026-12-05")


# --- Children in Need / Child Protection ----------------------------------------------------


def test_child_in_need_every_20_working_days_over_christmas(sefton, england_calendar) -> None:
    """Children in Need: Visits. Every 20 working days."""
    found = obligations_on(
        "2026-12-18", sefton, england_calendar, episodes=[("child_in_need", "2026-09-01")], visits=[("2026-12-18",)]
    )
    # 21-24 Dec (4), 29-31 Dec (7), 4-8 Jan (12), 11-15 Jan (17), 18-20 Jan (20).
    assert found["social_worker"].due == d("2027-01-20")
    assert found["social_worker"].rule == "sefton.child_in_need"


def test_child_protection_every_20_working_days_not_10(sefton, england_calendar) -> None:
    """Child Protection: Child Protection Visits. Sefton keeps 20 working days (Haringey and England: 10)."""
    found = obligations_on(
        "2026-04-30", sefton, england_calendar, episodes=[("child_protection", "2026-03-01")], visits=[("2026-04-30",)]
    )
    # 1 May (1), 5-8 May (5), 11-15 (10), 18-22 (15), 26-29 (19), Mon 1 Jun (20): 4 and 25 May are bank holidays.
    assert found["social_worker"].due == d("2026-06-01")
    assert found["social_worker"].rule == "sefton.child_protection"


# --- Pre-birth ---------------------------------------------------------------------------------


def test_pre_birth_support_plan_visits_weekly(sefton, england_calendar) -> None:
    """Pre-Birth Assessment: Intervention/Support Plan. Weekly visits from week 16 of the pregnancy."""
    unborn = dict(episodes=[("pre_birth", "2026-11-02")], date_of_birth=None)
    assert obligations_on("2026-11-02", sefton, england_calendar, **unborn)["social_worker"].due == d("2026-11-09")
    found = obligations_on("2026-11-06", sefton, england_calendar, visits=[("2026-11-05",)], **unborn)
    assert found["social_worker"].due == d("2026-11-12")
    assert found["social_worker"].rule == "sefton.pre_birth"


def baby_case(**overrides: object) -> dict[str, object]:
    case: dict[str, object] = dict(
        episodes=[("child_protection", "2026-10-01")],
        date_of_birth="2026-11-10",
        events=[("hospital_discharge", "2026-11-13")],
        visits=[("2026-11-06",)],
    )
    case.update(overrides)
    return case


def test_baby_on_a_cp_plan_is_visited_within_2_days_of_discharge(sefton, england_calendar) -> None:
    """Pre-Birth Assessment: Visits. Home visit within 2 days of the baby's discharge from hospital."""
    found = obligations_on("2026-11-13", sefton, england_calendar, **baby_case())
    # Discharged Fri 13 Nov: 2 calendar days is Sun 15 Nov, so plan by the Friday.
    assert found["social_worker"].due == d("2026-11-15")
    assert found["social_worker"].plan_by == d("2026-11-13")
    assert found["social_worker"].rule == "sefton.child_protection.baby_after_discharge"
    # A visit the day before discharge does not stretch the home visit to a week later.
    just_before = obligations_on("2026-11-13", sefton, england_calendar, **baby_case(visits=[("2026-11-12",)]))
    assert just_before["social_worker"].due == d("2026-11-15")
    assert "within 2 days of the discharge from hospital on 13 Nov 2026" in just_before["social_worker"].explanation


def test_baby_on_a_cp_plan_is_visited_weekly_until_the_review_conference(sefton, england_calendar) -> None:
    """Pre-Birth Assessment: Visits. Weekly until the review Child Protection Conference, then 20 working days."""
    weekly = obligations_on(
        "2026-11-16", sefton, england_calendar, **baby_case(visits=[("2026-11-06",), ("2026-11-14",)])
    )
    assert weekly["social_worker"].due == d("2026-11-21")
    after_review = obligations_on(
        "2026-12-02",
        sefton,
        england_calendar,
        **baby_case(
            events=[("hospital_discharge", "2026-11-13"), ("review_child_protection_conference", "2026-12-01")],
            visits=[("2026-11-28",)],
        ),
    )
    # 20 working days from Sat 28 Nov: 30 Nov (1) ... 24 Dec (19), 25 and 28 Dec are bank holidays, Tue 29 Dec (20).
    assert after_review["social_worker"].due == d("2026-12-29")


def test_baby_weekly_visits_end_when_the_review_conference_came_before_the_discharge(sefton, england_calendar) -> None:
    """Pre-Birth Assessment: Visits (S:497-499). Regression: with the review conference held while the baby
    was still in hospital, the weekly phase started at the discharge and never ended."""
    events = [("review_child_protection_conference", "2026-11-20"), ("hospital_discharge", "2026-12-01")]
    at_home = obligations_on(
        "2026-12-02", sefton, england_calendar, **baby_case(events=events, visits=[("2026-11-25",)])
    )
    # The home visit within 2 days of the discharge is still due.
    assert at_home["social_worker"].due == d("2026-12-03")
    later = obligations_on("2026-12-04", sefton, england_calendar, **baby_case(events=events, visits=[("2026-12-03",)]))
    # Then the CP standard, not weekly: 20 working days from Thu 3 Dec skip 25 and 28 Dec and 1 Jan: 5 Jan 2027.
    assert later["social_worker"].due == d("2027-01-05")


def test_discharge_of_an_older_child_does_not_trigger_the_baby_standard(sefton, england_calendar) -> None:
    """Pre-Birth Assessment: Visits. The 2-day standard is for babies; an 11-year-old stays on 20 working days."""
    found = obligations_on("2026-11-13", sefton, england_calendar, **baby_case(date_of_birth="2015-03-02"))
    assert found["social_worker"].rule == "sefton.child_protection"
    # 20 working days from Fri 6 Nov 2026.
    assert found["social_worker"].due == d("2026-12-04")


# --- Children with Complex Needs ---------------------------------------------------------------


def test_care_package_review_key_worker_visits_12_weekly(sefton, england_calendar) -> None:
    """Children with Complex Needs: Care Package Reviews - Visiting. 12-weekly by the key worker."""
    found = obligations_on(
        "2026-11-02",
        sefton,
        england_calendar,
        episodes=[("complex_needs_care_package", "2026-09-01")],
        visits=[("2026-10-01", "key_worker"), ("2026-11-01", "social_worker")],
    )
    # A social worker's visit does not satisfy the key worker's cadence: 1 Oct + 84 days.
    assert found["key_worker"].due == d("2026-12-24")
    assert found["key_worker"].rule == "sefton.complex_needs_care_package"
    assert "social_worker" not in found


def test_short_breaks_visited_in_the_respite_home_6_monthly(sefton, england_calendar) -> None:
    """Children with Complex Needs: Short Breaks. At least every 6 months, in calendar months."""
    found = obligations_on(
        "2026-04-01", sefton, england_calendar, episodes=[("short_breaks", "2026-01-10")], visits=[("2026-03-31",)]
    )
    assert found["social_worker"].due == d("2026-09-30")
    assert found["social_worker"].rule == "sefton.short_breaks"


def test_regulation_48_short_breaks_of_at_most_75_days_get_the_lighter_regime(sefton, england_calendar) -> None:
    """Children with Complex Needs: Short Breaks. Reg 48 (at most 75 days): within 3 months, then 6-monthly."""
    first = obligations_on(
        "2026-01-12", sefton, england_calendar, episodes=[("short_breaks", "2026-01-10", None, "regulation_48")]
    )
    assert first["social_worker"].due == d("2026-04-10")
    assert first["social_worker"].rule == "sefton.short_breaks.regulation_48"
    later = obligations_on(
        "2026-03-01",
        sefton,
        england_calendar,
        episodes=[("short_breaks", "2026-01-10", None, "regulation_48")],
        visits=[("2026-02-27",)],
    )
    assert later["social_worker"].due == d("2026-08-27")


def test_short_breaks_over_75_days_get_full_regulation_28_visits_not_the_inverted_regime(
    sefton, england_calendar
) -> None:
    """Children with Complex Needs: Short Breaks. The seed's '>72 nights = Regulation 48' is inverted: statute wins."""
    episodes = [("short_breaks", "2026-01-10", None, "short_breaks_over_75_days")]
    first = obligations_on("2026-01-12", sefton, england_calendar, episodes=episodes)
    assert first["social_worker"].due == d("2026-01-17")  # 7 days, not the seed's 3 months
    assert first["social_worker"].rule == "sefton.short_breaks.over_75_days"
    later = obligations_on("2026-01-16", sefton, england_calendar, episodes=episodes, visits=[("2026-01-15",)])
    assert later["social_worker"].due == d("2026-02-26")  # 6 weeks, not 6 months


# --- Private fostering -----------------------------------------------------------------------------


def test_private_fostering_initial_visit_within_7_calendar_days(sefton, england, england_calendar) -> None:
    """Private Fostering: Visits. Initial visit within 7 days of notification: stricter than 7 working days."""
    case = dict(episodes=[("private_fostering", "2026-12-21")])
    found = obligations_on("2026-12-21", sefton, england_calendar, **case)
    # Mon 21 Dec + 7 days = Mon 28 Dec, the Boxing Day bank holiday: plan by Thu 24 Dec.
    assert found["social_worker"].due == d("2026-12-28")
    assert found["social_worker"].plan_by == d("2026-12-24")
    assert found["social_worker"].rule == "sefton.private_fostering"
    # The statutory 7 working days (the england profile) would allow until 4 Jan.
    assert obligations_on("2026-12-21", england, england_calendar, **case)["social_worker"].due == d("2027-01-04")


def test_private_fostering_is_12_weekly_after_the_first_year(sefton, england_calendar) -> None:
    """Private Fostering: Visits. Every 6 weeks in the first year, then every 12 weeks."""
    case = dict(episodes=[("private_fostering", "2025-06-01")])
    in_first_year = obligations_on("2026-04-02", sefton, england_calendar, visits=[("2026-04-01",)], **case)
    assert in_first_year["social_worker"].due == d("2026-05-13")
    after = obligations_on("2026-06-11", sefton, england_calendar, visits=[("2026-06-10",)], **case)
    assert after["social_worker"].due == d("2026-09-02")


# --- Cared for children -------------------------------------------------------------------------------


def test_cared_for_first_visit_within_7_days_then_6_weekly(sefton, england_calendar) -> None:
    """Cared for Children: Statutory Visits. First visit within 7 days, then at least every 6 weeks."""
    episodes = [("cared_for", "2026-11-02", None, "foster_care")]
    first = obligations_on("2026-11-03", sefton, england_calendar, episodes=episodes)
    assert first["social_worker"].due == d("2026-11-09")
    assert first["social_worker"].rule == "sefton.cared_for"
    later = obligations_on("2026-11-20", sefton, england_calendar, episodes=episodes, visits=[("2026-11-06",)])
    assert later["social_worker"].due == d("2026-12-18")


def test_stable_home_drops_to_12_weeks_after_a_year_once_permanence_is_ratified(sefton, england_calendar) -> None:
    """Cared for Children: Visits - Children in Long Term Stable Homes. 12 weeks after 12 months and ratification."""
    case = dict(episodes=[("cared_for", "2025-06-10", None, "foster_care")], visits=[("2026-05-20",)])
    ratified = obligations_on(
        "2026-05-21", sefton, england_calendar, events=[("permanence_ratified", "2026-01-15")], **case
    )
    # Six weeks from 20 May is 1 Jul, after the 10 Jun anniversary, so 12 weeks (84 days) applies.
    assert ratified["social_worker"].due == d("2026-08-12")
    not_ratified = obligations_on("2026-05-21", sefton, england_calendar, **case)
    assert not_ratified["social_worker"].due == d("2026-07-01")


def test_long_term_foster_home_with_consent_drops_to_26_weeks(sefton, england_calendar) -> None:
    """Cared for Children: Visits - Children in Long Term Stable Homes. 26 weeks with consent and ratification."""
    case = dict(episodes=[("cared_for", "2025-06-10", None, "long_term_foster_care")], visits=[("2026-07-01",)])
    agreed = obligations_on(
        "2026-07-02",
        sefton,
        england_calendar,
        events=[("permanence_ratified", "2026-01-15"), ("long_term_visits_agreed", "2026-03-01")],
        **case,
    )
    assert agreed["social_worker"].due == d("2026-12-30")  # 182 days; 6 months would be 1 Jan
    assert agreed["social_worker"].rule == "sefton.cared_for.long_term_foster_care"
    without_consent = obligations_on(
        "2026-07-02", sefton, england_calendar, events=[("permanence_ratified", "2026-01-15")], **case
    )
    assert without_consent["social_worker"].due == d("2026-09-23")  # 12 weeks


@pytest.mark.parametrize(
    ("visited", "due", "rule"),
    [
        # 31 Aug 2026 + 26 weeks = Mon 1 Mar 2027; + 6 months = Sun 28 Feb 2027.
        ("2026-08-31", "2027-02-28", "sefton.cared_for.long_term_six_month_limit"),
        # Sep to Feb holds 181 days in a common year: 6 months from 15 Sep is 15 Mar, 26 weeks 16 Mar.
        ("2026-09-15", "2027-03-15", "sefton.cared_for.long_term_six_month_limit"),
        # From 15 Oct the two agree (15 Apr), and 26 weeks from 1 Jul is two days earlier than 6 months.
        ("2026-10-15", "2027-04-15", None),
        ("2026-07-01", "2026-12-30", "sefton.cared_for.long_term_foster_care"),
    ],
)
def test_26_weeks_never_runs_past_the_statutory_6_months_across_february(
    sefton, england_calendar, visited, due, rule
) -> None:
    """Cared for Children: Visits - Children in Long Term Stable Homes. 26 weeks capped at reg 28's 6 months."""
    found = obligations_on(
        visited,
        sefton,
        england_calendar,
        episodes=[("cared_for", "2025-06-10", None, "long_term_foster_care")],
        events=[("permanence_ratified", "2026-01-15"), ("long_term_visits_agreed", "2026-03-01")],
        visits=[(visited,)],
    )
    assert found["social_worker"].due == d(due)
    if rule is not None:
        assert found["social_worker"].rule == rule


def test_the_6_month_limit_is_planned_for_the_friday_before_a_sunday(sefton, england_calendar) -> None:
    """Cared for Children: Visits - Children in Long Term Stable Homes. Due Sun 28 Feb 2027: plan by Fri 26 Feb."""
    found = obligations_on(
        "2026-09-01",
        sefton,
        england_calendar,
        episodes=[("cared_for", "2025-06-10", None, "long_term_foster_care")],
        events=[("permanence_ratified", "2026-01-15"), ("long_term_visits_agreed", "2026-03-01")],
        visits=[("2026-08-31",)],
    )
    assert found["social_worker"].plan_by == d("2027-02-26")
    assert "every 6 months since the visit on 31 Aug 2026" in found["social_worker"].explanation


def test_placed_with_parents_weekly_until_the_first_review_then_4_weeks_not_a_month(sefton, england_calendar) -> None:
    """Cared for Children: Visits - Children Placed with Parents. '4 weekly' beats 'a minimum of monthly'."""
    episodes = [("cared_for", "2026-11-02", None, "placed_with_parents")]
    weekly = obligations_on("2026-11-06", sefton, england_calendar, episodes=episodes, visits=[("2026-11-05",)])
    assert weekly["social_worker"].due == d("2026-11-12")
    assert weekly["social_worker"].rule == "sefton.cared_for.placed_with_parents"
    after_review = obligations_on(
        "2027-01-04",
        sefton,
        england_calendar,
        episodes=episodes,
        events=[("first_cared_for_review", "2026-12-01")],
        visits=[("2026-12-31",)],
    )
    # 4 weeks from 31 Dec is 28 Jan; a calendar month would have allowed 31 Jan.
    assert after_review["social_worker"].due == d("2027-01-28")


def test_placed_for_adoption_is_4_weekly_after_the_first_review(sefton, england, england_calendar) -> None:
    """Cared for Children: Visits - Children with Plans (Placed) for Adoption. Weekly, then 4-weekly."""
    case = dict(
        episodes=[("cared_for", "2026-11-02", None, "placed_for_adoption")],
        events=[("first_cared_for_review", "2026-11-20")],
        visits=[("2026-11-19",)],
    )
    found = obligations_on("2026-11-23", sefton, england_calendar, **case)
    assert found["social_worker"].due == d("2026-12-17")
    assert found["social_worker"].rule == "sefton.cared_for.placed_for_adoption"
    # The england default after the review is 6 weeks.
    assert obligations_on("2026-11-23", england, england_calendar, **case)["social_worker"].due == d("2026-12-31")


def test_regulation_24_weekly_until_the_first_review_then_4_weekly(sefton, england_calendar) -> None:
    """Cared for Children: Visits - Children Placed under Regulation 24. Weekly, then 4-weekly (reg 28(4))."""
    episodes = [("cared_for", "2026-11-02", None, "regulation_24")]
    before = obligations_on("2026-11-10", sefton, england_calendar, episodes=episodes, visits=[("2026-11-05",)])
    assert before["social_worker"].due == d("2026-11-12")
    after = obligations_on(
        "2026-11-23",
        sefton,
        england_calendar,
        episodes=episodes,
        events=[("first_cared_for_review", "2026-11-20")],
        visits=[("2026-11-19",)],
    )
    assert after["social_worker"].due == d("2026-12-17")
    assert after["social_worker"].rule == "sefton.cared_for.regulation_24"


def test_a_move_into_a_regulation_24_placement_does_not_clear_an_overdue_weekly_visit(sefton, england_calendar) -> None:
    """Cared for Children: Visits - Children Placed under Regulation 24. Regression (S-MOVE): the weekly
    clock ran from 7 days after a move, clearing an overdue visit; the statutory floor (reg 28(4)(a),
    at least once a week) keeps it running across the move."""
    found = obligations_on(
        "2026-11-16",
        sefton,
        england_calendar,
        episodes=[
            ("cared_for", "2026-06-01", "2026-11-16", "foster_care"),
            ("cared_for", "2026-11-16", None, "regulation_24"),
        ],
        visits=[("2026-11-01",)],
    )
    # Last seen 15 days before the move: a week had already passed, so the visit is due on the day.
    assert found["social_worker"].due == d("2026-11-16")
    assert found["social_worker"].rule == "england.cared_for.regulation_24_or_with_parents"
    in_first_week = obligations_on(
        "2026-11-18",
        sefton,
        england_calendar,
        episodes=[("cared_for", "2026-11-16", None, "regulation_24")],
        visits=[("2026-11-17",)],
    )
    assert in_first_week["social_worker"].due == d("2026-11-24")


def test_under_16_in_an_unregulated_setting_is_weekly_and_flagged(sefton, england_calendar) -> None:
    """Cared for Children: Visits - Children in Unregulated Settings. Under 16: weekly, flagged as prohibited."""
    found = obligations_on(
        "2026-11-06",
        sefton,
        england_calendar,
        episodes=[("cared_for", "2026-11-02", None, "unregulated_support")],
        date_of_birth="2011-03-02",
        visits=[("2026-11-05",)],
    )
    assert found["social_worker"].due == d("2026-11-12")
    assert found["social_worker"].rule == "sefton.cared_for.unregulated_under_16"
    assert "prohibited since 2021" in found["social_worker"].explanation


@pytest.mark.parametrize(
    ("placement", "due"), [("unregulated_support", "2027-03-29"), ("unregulated_care", "2027-03-08")]
)
def test_unregulated_visits_after_the_16th_birthday_depend_on_care_or_support(
    sefton, england_calendar, placement, due
) -> None:
    """Cared for Children: Visits - Children in Unregulated Settings. From 16: care weekly, support 4-weekly."""
    found = obligations_on(
        "2027-03-02",
        sefton,
        england_calendar,
        episodes=[("cared_for", "2026-11-02", None, placement)],
        date_of_birth="2011-03-02",
        visits=[("2027-03-01",)],
    )
    assert found["social_worker"].due == d(due)


@pytest.mark.parametrize(
    ("placement", "due", "rule"),
    [
        ("unregulated_support", "2026-12-03", "sefton.cared_for.unregulated_support"),
        ("unregulated_care", "2026-11-12", "sefton.cared_for.unregulated_care"),
        ("unregulated", "2026-11-12", "sefton.cared_for.unregulated_care"),  # undecided: treated as care
    ],
)
def test_sixteen_year_old_in_an_unregulated_setting_by_care_or_support(
    sefton, england_calendar, placement, due, rule
) -> None:
    """Cared for Children: Visits - Children in Unregulated Settings. 'Over 16' includes exactly 16."""
    found = obligations_on(
        "2026-11-06",
        sefton,
        england_calendar,
        episodes=[("cared_for", "2026-11-02", None, placement)],
        date_of_birth="2010-11-02",
        visits=[("2026-11-05",)],
    )
    assert found["social_worker"].due == d(due)
    assert found["social_worker"].rule == rule


@pytest.mark.parametrize("placement", ["foster_care", "long_term_foster_care", "regulation_24", "unregulated_support"])
def test_cared_for_child_entering_custody_is_visited_within_5_days(sefton, england_calendar, placement) -> None:
    """Youth Justice Service: Custody Where the Child/Young Person is Already Cared For. Within 5 days."""
    found = obligations_on(
        "2026-11-10",
        sefton,
        england_calendar,
        episodes=[("cared_for", "2026-06-01", None, placement)],
        date_of_birth="2009-01-01",
        events=[("entered_custody", "2026-11-10")],
        visits=[("2026-11-09",)],
    )
    # Tue 10 Nov + 5 calendar days = Sun 15 Nov: plan by Fri 13 Nov.
    assert found["social_worker"].due == d("2026-11-15")
    assert found["social_worker"].plan_by == d("2026-11-13")
    assert "entry into custody" in found["social_worker"].explanation


# --- Care experienced: personal advisers --------------------------------------------------------------------


def test_personal_adviser_for_a_16_year_old_in_care_runs_alongside_the_social_worker(sefton, england_calendar) -> None:
    """Care Experienced Team: Allocation; Visiting. PA co-allocated at 16: visit within 4 weeks, then 8-weekly."""
    case = dict(
        episodes=[("cared_for", "2026-06-01", None, "foster_care"), ("care_leaver", "2026-11-02")],
        date_of_birth="2010-01-15",
        visits=[("2026-10-20", "social_worker")],
    )
    first = obligations_on("2026-11-02", sefton, england_calendar, **case)
    assert first["personal_adviser"].due == d("2026-11-30")
    assert first["personal_adviser"].rule == "sefton.care_leaver.16_17"
    assert first["social_worker"].due == d("2026-12-01")  # the cared-for cadence is unchanged
    later = obligations_on(
        "2026-11-21",
        sefton,
        england_calendar,
        **{**case, "visits": [("2026-10-20", "social_worker"), ("2026-11-20", "personal_adviser")]},
    )
    assert later["personal_adviser"].due == d("2027-01-15")


def test_personal_adviser_for_18_plus_every_8_weeks_not_2_months(sefton, england_calendar) -> None:
    """Care Experienced Team: Visiting. 18 plus: 'every 2 months' and 'every 8 weeks'; 8 weeks is used."""
    found = obligations_on(
        "2027-01-04",
        sefton,
        england_calendar,
        episodes=[("care_leaver", "2026-01-01")],
        date_of_birth="2005-01-01",
        visits=[("2026-12-31", "personal_adviser")],
    )
    # 31 Dec + 8 weeks = 25 Feb; 2 months would be 28 Feb.
    assert found["personal_adviser"].due == d("2027-02-25")
    assert found["personal_adviser"].rule == "sefton.care_leaver.18_plus"


def test_personal_adviser_keeps_in_touch_past_21(sefton, england_calendar) -> None:
    """Care Experienced Team: Visiting. 'Keep in touch until 21' is extended to 25 by the 2017 Act."""
    found = obligations_on(
        "2026-11-02",
        sefton,
        england_calendar,
        episodes=[("care_leaver", "2024-01-01")],
        date_of_birth="2003-05-01",
        visits=[("2026-11-01", "personal_adviser")],
    )
    assert found["personal_adviser"].due == d("2026-12-27")
    assert found["personal_adviser"].rule == "sefton.care_leaver.18_plus"


@pytest.mark.parametrize(
    ("moved", "due"),
    [
        ("2026-11-14", "2026-11-20"),  # Saturday move: 5 working days (Fri) is sooner than 7 days
        ("2026-11-11", "2026-11-18"),  # Wednesday: both give the same Wednesday
        ("2027-03-25", "2027-04-01"),  # Thursday before Easter: 5 working days is Mon 5 Apr, 7 days wins
    ],
)
def test_personal_adviser_sees_a_young_person_in_new_accommodation(sefton, england_calendar, moved, due) -> None:
    """Care Experienced Team: Visiting. New accommodation: within 5 working days, never more than 7 days."""
    day_before = (d(moved) - timedelta(days=1)).isoformat()
    found = obligations_on(
        moved,
        sefton,
        england_calendar,
        episodes=[("care_leaver", "2026-01-01")],
        date_of_birth="2005-01-01",
        events=[("accommodation_change", moved)],
        visits=[(day_before, "personal_adviser")],
    )
    assert found["personal_adviser"].due == d(due)
    assert "move to new accommodation" in found["personal_adviser"].explanation


# --- Fostering service -------------------------------------------------------------------------------------------


def test_supervising_social_worker_visits_within_1_working_day_of_a_placement(sefton, england_calendar) -> None:
    """Fostering Service: Visits When New Children Join the Fostering Household. Within 1 working day, then 28 days."""
    episodes = [("cared_for", "2026-12-24", None, "foster_care")]
    first = obligations_on("2026-12-24", sefton, england_calendar, episodes=episodes)
    # Placed Thu 24 Dec: 25 and 28 Dec are bank holidays, so the next working day is Tue 29 Dec.
    assert first["supervising_social_worker"].due == d("2026-12-29")
    assert first["supervising_social_worker"].rule == "sefton.supervising_social_worker"
    visited = [("2026-12-29", "supervising_social_worker")]
    day_28 = obligations_on("2026-12-30", sefton, england_calendar, episodes=episodes, visits=visited)
    assert day_28["supervising_social_worker"].due == d("2027-01-26")


def test_supervising_social_worker_visits_then_at_most_2_months_apart(sefton, england_calendar) -> None:
    """Fostering Service: Supervisory Visits. A minimum of 6 a year, read as at most 2 months apart."""
    found = obligations_on(
        "2027-01-27",
        sefton,
        england_calendar,
        episodes=[("cared_for", "2026-12-24", None, "foster_care")],
        visits=[("2026-12-29", "supervising_social_worker"), ("2027-01-26", "supervising_social_worker")],
    )
    assert found["supervising_social_worker"].due == d("2027-03-26")
    residential = obligations_on(
        "2027-01-27", sefton, england_calendar, episodes=[("cared_for", "2026-12-24", None, "residential")]
    )
    assert "supervising_social_worker" not in residential


def test_a_custody_episode_is_visited_within_5_days(sefton, england_calendar) -> None:
    """Youth Justice: Custody Where the Child/Young Person Is Already Cared For (S:2034). Regression: a
    youth_justice_custody episode gave nothing; the visit is due within 5 days of entering custody."""
    found = obligations_on(
        "2026-11-10",
        sefton,
        england_calendar,
        episodes=[("youth_justice_custody", "2026-11-09")],
    )
    assert found["social_worker"].due == d("2026-11-14")
    assert found["social_worker"].rule == "sefton.youth_justice_custody"


def test_a_first_review_in_an_earlier_placement_of_the_period_of_care_ends_weekly_visits(
    sefton, england_calendar
) -> None:
    """Cared for Children: Visits - Children Placed with Parents. Regression (S-PWP-PRIOR): a first review held
    during an earlier placement of the same period of care was not seen by the next one, so weekly never ended."""
    episodes = [
        ("cared_for", "2026-06-01", "2026-09-01", "foster_care"),
        ("cared_for", "2026-09-01", None, "placed_with_parents"),
    ]
    found = obligations_on(
        "2026-10-10",
        sefton,
        england_calendar,
        episodes=episodes,
        events=[("first_cared_for_review", "2026-06-25")],
        visits=[("2026-10-01",)],
    )
    assert found["social_worker"].due == d("2026-10-29")  # 4 weeks, not 1
    after_a_gap = obligations_on(
        "2026-10-10",
        sefton,
        england_calendar,
        episodes=[("cared_for", "2026-06-01", "2026-08-01", "foster_care"), episodes[1]],
        events=[("first_cared_for_review", "2026-06-25")],
        visits=[("2026-10-01",)],
    )
    assert after_a_gap["social_worker"].due == d("2026-10-08")  # a new period of care: weekly again


def test_the_child_is_seen_within_24_hours_of_the_enquiry_counted_in_hours(sefton, england_calendar) -> None:
    """Child Protection: Section 47 Investigation (S:199): within 24 hours, from the start of the enquiry's day."""
    found = duties_on("2026-11-03", sefton, england_calendar, episodes=[{"type": "section_47", "start": "2026-11-03"}])
    obligation = found[("social_worker", "visit")]
    assert obligation.due == d("2026-11-04")
    assert obligation.due_at is not None and obligation.due_at.isoformat() == "2026-11-04T00:00:00+00:00"
    assert obligation.rule == "sefton.section_47"
    assert "at 00:00" in obligation.explanation


def test_a_phone_call_within_48_hours_of_becoming_cared_for_is_a_contact_duty(sefton, england_calendar) -> None:
    """Cared for Children: First Contact With the Child/Family (S:1173): a call within 48 hours; any contact counts."""
    episodes = [{"type": "cared_for", "start": "2026-11-02", "placement": "foster_care"}]
    found = duties_on("2026-11-02", sefton, england_calendar, episodes=episodes)
    contact = found[("social_worker", "contact")]
    assert (contact.rule, contact.due, contact.duty) == ("sefton.cared_for.phone_contact", d("2026-11-04"), "contact")
    assert contact.due_at is not None and contact.due_at.isoformat() == "2026-11-04T00:00:00+00:00"
    assert found[("social_worker", "visit")].due == d("2026-11-09")  # the visit within 7 days stays
    called = duties_on(
        "2026-11-03",
        sefton,
        england_calendar,
        episodes=episodes,
        visits=[{"date": "2026-11-03", "role": "social_worker", "kind": "phone"}],
    )
    assert ("social_worker", "contact") not in called  # met by the call
    assert called[("social_worker", "visit")].due == d("2026-11-09")  # a call is not a visit
    moved = duties_on(
        "2027-01-05",
        sefton,
        england_calendar,
        episodes=[
            {**episodes[0], "end": "2027-01-04"},
            {"type": "cared_for", "start": "2027-01-04", "placement": "residential"},
        ],
        visits=[{"date": "2026-11-03", "role": "social_worker", "kind": "phone"}],
    )
    assert ("social_worker", "contact") not in moved  # a move is not becoming cared for


def test_an_introductory_contact_is_due_within_2_working_days_of_allocation(sefton, england_calendar) -> None:
    """Allocation: Initial Contact (S:42): any contact within 2 working days of allocation, on any plan."""
    found = duties_on(
        "2026-12-23",
        sefton,
        england_calendar,
        episodes=[{"type": "child_in_need", "start": "2026-12-01"}],
        events=[{"type": "allocated", "date": "2026-12-23", "role": "social_worker"}],
        visits=[{"date": "2026-12-01", "role": "social_worker"}],
    )
    contact = found[("social_worker", "contact")]
    # Wed 23 Dec 2026: Thu 24 (1), 25 and 28 Dec are bank holidays, Tue 29 (2).
    assert (contact.rule, contact.due) == ("sefton.introductory_contact.social_worker", d("2026-12-29"))
    assert "sefton.introductory_contact.key_worker" not in {o.rule for o in found.values()}
    assert "sefton.introductory_contact.personal_adviser" not in {o.rule for o in found.values()}


def test_a_return_interview_is_due_72_hours_after_the_return(sefton, england_calendar) -> None:
    """Cared for Children: Missing (S:1218): a return interview within 72 hours of the return, counted in hours."""
    found = duties_on(
        "2026-10-24",
        sefton,
        england_calendar,
        episodes=[{"type": "child_in_need", "start": "2026-10-01"}],
        events=[{"type": "returned_from_missing", "date": "2026-10-23", "time": "22:15"}],
    )
    interview = found[("return_interview_worker", "visit")]
    # 72 hours from 22:15 BST on Fri 23 Oct spans the clock change on Sun 25 Oct: 21:15 GMT on Mon 26 Oct.
    assert interview.due == d("2026-10-26")
    assert interview.due_at is not None and interview.due_at.isoformat() == "2026-10-26T21:15:00+00:00"
    assert interview.rule == "sefton.return_interview"
    assert "within 72 hours of the return from a missing episode on 23 Oct 2026 at 22:15" in interview.explanation
    assert "so due Mon 26 Oct 2026 at 21:15" in interview.explanation


def test_an_attempted_visit_meets_the_attempt_duty_to_a_young_adult(sefton, england_calendar) -> None:
    """Care Experienced Team: Visiting (S:1599): attempt to visit every 8 weeks; an attempt meets only that duty."""
    found = duties_on(
        "2026-12-01",
        sefton,
        england_calendar,
        date_of_birth="2006-01-01",
        episodes=[{"type": "care_leaver", "start": "2026-06-01"}],
        visits=[
            {"date": "2026-09-01", "role": "personal_adviser"},
            {"date": "2026-11-20", "role": "personal_adviser", "child_seen": False},
        ],
    )
    attempt = found[("personal_adviser", "attempt")]
    assert (attempt.rule, attempt.last_visit, attempt.due) == (
        "sefton.care_leaver.attempt_18_plus",
        d("2026-11-20"),
        d("2027-01-15"),
    )
    assert found[("personal_adviser", "visit")].due == d("2026-10-27")  # the visit duty is still overdue


def test_reduced_visits_end_when_their_basis_goes(sefton, england_calendar) -> None:
    """Cared for Children: Visits - Children in Long Term Stable Homes (S:1212, S:1380). Regression: a reduced
    frequency could begin but never end; after instability or withdrawn consent, 6-weekly visits resume."""
    episodes = [("cared_for", "2025-01-06", None, "long_term_foster_care")]
    events = [("permanence_ratified", "2025-06-01"), ("long_term_visits_agreed", "2025-06-01")]
    reduced = obligations_on(
        "2026-11-02", sefton, england_calendar, episodes=episodes, events=events, visits=[("2026-11-01",)]
    )
    assert reduced["social_worker"].due == d("2027-05-01")  # 26 weeks, held to 6 months
    ended = obligations_on(
        "2026-11-02",
        sefton,
        england_calendar,
        episodes=episodes,
        events=[*events, ("long_term_visits_ended", "2026-11-02")],
        visits=[("2026-11-01",)],
    )
    assert ended["social_worker"].due == d("2026-12-13")  # 6 weeks again
    assert ended["social_worker"].rule in (
        "sefton.cared_for.long_term_foster_care",
        "england.cared_for.long_term_foster_care",
    )


def test_youth_justice_initial_contact_within_5_days_of_allocation(sefton, england_calendar) -> None:
    """Youth Justice: Assessments (S:1994): initial contact within 5 days of the case manager's allocation."""
    found = duties_on(
        "2026-11-03",
        sefton,
        england_calendar,
        episodes=[{"type": "child_in_need", "start": "2026-10-01"}],
        events=[{"type": "allocated", "date": "2026-11-02", "role": "youth_justice_case_manager"}],
    )
    contact = found[("youth_justice_case_manager", "contact")]
    assert (contact.rule, contact.due) == ("sefton.youth_justice.initial_contact", d("2026-11-07"))


def test_personal_adviser_duties_switch_on_the_18th_birthday_during_an_episode(sefton, england_calendar) -> None:
    """Care Experienced Team: Visiting (S:1590, S:1592, S:1599): the age is taken on the day, so a young person
    who turns 18 during the episode moves from the 16-17 duty to the 18-plus duties (and the attempt duty)."""
    case = dict(
        date_of_birth="2008-12-01",
        episodes=[{"type": "care_leaver", "start": "2026-06-01"}],
        visits=[{"date": "2026-11-20", "role": "personal_adviser"}],
    )
    before = duties_on("2026-11-30", sefton, england_calendar, **case)
    assert before[("personal_adviser", "visit")].rule == "sefton.care_leaver.16_17"
    assert ("personal_adviser", "attempt") not in before
    after = duties_on("2026-12-01", sefton, england_calendar, **case)
    assert after[("personal_adviser", "visit")].rule == "sefton.care_leaver.18_plus"
    assert after[("personal_adviser", "attempt")].rule == "sefton.care_leaver.attempt_18_plus"


# --- Every rule is covered ----------------------------------------------------------------------------------------


def test_every_sefton_rule_has_a_test_naming_its_seed_section(sefton) -> None:
    """Each rule's section appears in a test docstring here, and its id in an assertion."""
    module = sys.modules[__name__]
    docstrings = " ".join(
        inspect.getdoc(function) or "" for name, function in vars(module).items() if name.startswith("test_")
    )
    source = inspect.getsource(module)
    for rule in sefton.rules:
        sections = [part.strip() for part in rule.source.section.split(";")]
        area = sections[0].split(":")[0]
        assert any(f"{area}: {part.split(': ')[-1]}" in docstrings for part in sections), rule.id
        assert f'"{rule.id}"' in source, rule.id
