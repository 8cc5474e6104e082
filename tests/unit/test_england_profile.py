"""The england profile, row by row, at its edges.

Every expected date below was counted by hand against the England bank holidays
(gov.uk): 2020-21 Christmas on a Friday (Boxing Day observed Mon 28 Dec), 2022-23
(Christmas observed Tue 27 Dec, New Year observed Mon 2 Jan), 2026-27 (Boxing Day observed
Mon 28 Dec), 2027-28 (both observed, 27 and 28 Dec; New Year observed Mon 3 Jan 2028),
Easter 2026 (Good Friday 3 Apr, Easter Monday 6 Apr).
"""

from __future__ import annotations

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.profiles import Profile
from backend.core.scheduling import Obligation, compute_obligations
from tests.builders import d, make_case


@pytest.fixture
def england(profiles: dict[str, Profile]) -> Profile:
    return profiles["england"]


@pytest.fixture
def due_on(england: Profile, england_calendar: WorkingCalendar):
    """due_on(today, **case) -> {role: Obligation} for a case built by make_case."""

    def compute(today: str, **case: object) -> dict[str, Obligation]:
        found = compute_obligations(make_case(**case), d(today), england, england_calendar)  # type: ignore[arg-type]
        return {obligation.role: obligation for obligation in found}

    return compute


def social_worker(found: dict[str, Obligation]) -> Obligation:
    assert set(found) == {"social_worker"}, found
    return found["social_worker"]


CP = [("child_protection", "2026-01-05")]
CIN = [("child_in_need", "2026-01-05")]


# --- child_protection: every 10 working days -------------------------------------------------


def test_cp_visit_skips_christmas_boxing_day_observed_and_new_year(due_on) -> None:
    cp = social_worker(due_on("2026-12-20", episodes=CP, visits=[("2026-12-18",)]))
    assert cp.due == d("2027-01-06")
    assert cp.plan_by == d("2027-01-06")
    assert cp.rule == "england.child_protection"
    assert cp.last_visit == d("2026-12-18")
    assert cp.explanation.startswith(
        "Child protection plan: every 10 working days since the visit on 18 Dec 2026; "
        "25 Dec, 28 Dec and 1 Jan are bank holidays, so due Wed 6 Jan 2027."
    )
    assert cp.explanation.endswith(
        "Source: Working Together to Safeguard Children 2023 (local standard), Chapter 4: Child protection plans."
    )


@pytest.mark.parametrize(
    ("visit", "due", "named"),
    [
        # Both Christmas Day and Boxing Day fall at a weekend: Mon 27 and Tue 28 Dec are observed,
        # and New Year's Day (a Saturday) is observed on Mon 3 Jan 2028.
        ("2027-12-17", "2028-01-05", "27 Dec, 28 Dec and 3 Jan are bank holidays"),
        # Christmas on a Sunday: Boxing Day Mon 26, Christmas observed Tue 27, New Year observed Mon 2 Jan.
        ("2022-12-16", "2023-01-04", "26 Dec, 27 Dec and 2 Jan are bank holidays"),
        # Easter 2026: Good Friday 3 Apr and Easter Monday 6 Apr.
        ("2026-04-02", "2026-04-20", "3 Apr and 6 Apr are bank holidays"),
        # The early May bank holiday alone.
        ("2026-04-24", "2026-05-11", "4 May is a bank holiday"),
    ],
)
def test_cp_visits_skip_substitute_days_and_easter(due_on, visit: str, due: str, named: str) -> None:
    cp = social_worker(due_on(visit, episodes=[("child_protection", "2020-01-06")], visits=[(visit,)]))
    assert cp.due == d(due)
    assert named in cp.explanation


def test_cp_visit_made_on_a_saturday_counts_from_the_saturday(due_on) -> None:
    # Day 0 is Sat 21 Nov 2026; Mon 23 Nov is working day 1, Fri 4 Dec is day 10.
    cp = social_worker(due_on("2026-11-23", episodes=CP, visits=[("2026-11-21",)]))
    assert cp.due == d("2026-12-04")
    assert cp.last_visit == d("2026-11-21")


def test_cp_visit_made_on_a_bank_holiday_counts_from_that_day(due_on) -> None:
    # A visit on Good Friday 3 Apr 2026: Tue 7 Apr is working day 1, Mon 20 Apr is day 10.
    cp = social_worker(due_on("2026-04-07", episodes=CP, visits=[("2026-04-03",)]))
    assert cp.due == d("2026-04-20")


def test_no_access_visit_does_not_count(due_on) -> None:
    cp = social_worker(
        due_on("2026-11-10", episodes=CP, visits=[("2026-10-20",), ("2026-11-02", "social_worker", False)])
    )
    assert cp.last_visit == d("2026-10-20")
    assert cp.due == d("2026-11-03")
    assert cp.status == "overdue"


def test_visits_after_the_evaluation_date_are_ignored(due_on) -> None:
    cp = social_worker(due_on("2026-12-20", episodes=CP, visits=[("2026-12-18",), ("2026-12-22",)]))
    assert cp.last_visit == d("2026-12-18")
    assert cp.due == d("2027-01-06")


def test_a_visit_on_the_evaluation_date_counts(due_on) -> None:
    cp = social_worker(due_on("2026-12-18", episodes=CP, visits=[("2026-12-04",), ("2026-12-18",)]))
    assert cp.last_visit == d("2026-12-18")
    assert cp.due == d("2027-01-06")


def test_another_roles_visit_does_not_count_for_the_social_worker(due_on) -> None:
    cp = social_worker(due_on("2026-11-10", episodes=CP, visits=[("2026-10-20",), ("2026-11-06", "personal_adviser")]))
    assert cp.last_visit == d("2026-10-20")


# --- child_in_need: every 20 working days -----------------------------------------------------


def test_cin_counts_20_working_days_over_easter(due_on) -> None:
    # From Fri 20 Mar 2026, skipping Good Friday 3 Apr and Easter Monday 6 Apr.
    cin = social_worker(due_on("2026-03-20", episodes=CIN, visits=[("2026-03-20",)]))
    assert cin.due == d("2026-04-21")
    assert cin.rule == "england.child_in_need"


def test_cin_over_christmas_2020_skips_boxing_day_observed_and_new_year(due_on) -> None:
    cin = social_worker(due_on("2020-12-14", episodes=[("child_in_need", "2020-06-01")], visits=[("2020-12-11",)]))
    assert cin.due == d("2021-01-13")
    assert "25 Dec, 28 Dec and 1 Jan are bank holidays" in cin.explanation


def test_cin_from_a_saturday_month_end_counts_whole_february(due_on) -> None:
    # Day 0 Sat 31 Jan 2026; February 2026 has exactly 20 working days, the last on Fri 27 Feb.
    cin = social_worker(due_on("2026-02-02", episodes=CIN, visits=[("2026-01-31",)]))
    assert cin.due == d("2026-02-27")


def test_cin_from_29_february_of_a_leap_year(due_on) -> None:
    # 20 working days from Thu 29 Feb 2024 end on Thu 28 Mar, the day before Good Friday.
    cin = social_worker(due_on("2024-03-01", episodes=[("child_in_need", "2024-01-08")], visits=[("2024-02-29",)]))
    assert cin.due == d("2024-03-28")


def test_cin_without_visits_counts_from_the_plan_start(due_on) -> None:
    cin = social_worker(due_on("2026-10-05", episodes=[("child_in_need", "2026-10-01")]))
    assert cin.due == d("2026-10-29")
    assert cin.last_visit is None
    assert "every 20 working days from the start on 1 Oct 2026, with no visit since" in cin.explanation


# --- step-up CIN -> CP and episode boundaries ---------------------------------------------------


def test_step_up_from_cin_to_cp_counts_from_the_last_cin_visit(due_on) -> None:
    cp = social_worker(
        due_on(
            "2026-11-05",
            episodes=[("child_in_need", "2026-09-01", "2026-11-02"), ("child_protection", "2026-11-02")],
            visits=[("2026-10-28",)],
        )
    )
    assert cp.rule == "england.child_protection"
    assert cp.due == d("2026-11-11")


def test_step_up_long_after_the_last_visit_is_due_on_the_cp_start(due_on) -> None:
    # 10 working days from 1 Sep ran out before the plan began; the clock never runs from before it.
    cp = social_worker(
        due_on(
            "2026-11-05",
            episodes=[("child_in_need", "2026-08-03", "2026-11-02"), ("child_protection", "2026-11-02")],
            visits=[("2026-09-01",)],
        )
    )
    assert cp.due == d("2026-11-02")
    assert cp.status == "overdue"
    assert "from the start on 2 Nov 2026, and the visit on 1 Sep 2026 was already more than 10 working days" in (
        cp.explanation
    )


def test_on_the_step_down_day_itself_only_the_new_cin_plan_is_active(due_on) -> None:
    # The CP plan ends on 2 Nov (end > today is false) and would be overdue since 30 Oct;
    # the CIN plan starting that day counts 20 working days from the same visit.
    cin = social_worker(
        due_on(
            "2026-11-02",
            episodes=[("child_protection", "2026-09-01", "2026-11-02"), ("child_in_need", "2026-11-02")],
            visits=[("2026-10-16",)],
        )
    )
    assert cin.rule == "england.child_in_need"
    assert cin.due == d("2026-11-13")
    # The day before, the CP plan was still in force.
    cp = social_worker(
        due_on(
            "2026-11-01",
            episodes=[("child_protection", "2026-09-01", "2026-11-02"), ("child_in_need", "2026-11-02")],
            visits=[("2026-10-16",)],
        )
    )
    assert (cp.rule, cp.due, cp.status) == ("england.child_protection", d("2026-10-30"), "overdue")


def test_overlapping_cin_and_cp_give_one_social_worker_obligation_the_earlier(due_on) -> None:
    cp = social_worker(
        due_on(
            "2026-11-05",
            episodes=[("child_in_need", "2026-09-01"), ("child_protection", "2026-11-02")],
            visits=[("2026-10-28",)],
        )
    )
    assert cp.rule == "england.child_protection"
    assert cp.due == d("2026-11-11")


def test_ended_and_future_episodes_create_no_obligation(due_on) -> None:
    found = due_on(
        "2026-11-23", episodes=[("child_in_need", "2026-01-01", "2026-11-23"), ("child_protection", "2026-12-01")]
    )
    assert found == {}


def test_an_episode_is_active_on_its_start_day(due_on) -> None:
    cp = social_worker(due_on("2026-12-01", episodes=[("child_protection", "2026-12-01")]))
    assert cp.due == d("2026-12-15")


# --- cared_for, Regulation 24 or placed with parents: weekly until the first review, then 4 weeks -------

REG24 = [("cared_for", "2026-11-02", None, "regulation_24")]


def test_regulation_24_is_weekly_before_the_first_review(due_on) -> None:
    found = social_worker(due_on("2026-11-10", episodes=REG24, visits=[("2026-11-05",)]))
    assert found.due == d("2026-11-12")
    assert found.rule == "england.cared_for.regulation_24_or_with_parents"


def test_regulation_24_is_four_weekly_after_the_first_review(due_on) -> None:
    found = social_worker(
        due_on(
            "2026-11-23", episodes=REG24, events=[("first_cared_for_review", "2026-11-20")], visits=[("2026-11-19",)]
        )
    )
    assert found.due == d("2026-12-17")


@pytest.mark.parametrize(
    ("visit", "due"),
    [
        # A week from Thu 12 Nov is Thu 19 Nov, still before the review on Fri 20 Nov: weekly binds.
        ("2026-11-12", "2026-11-19"),
        # A week from Fri 13 Nov lands on the review day itself, when 4-weekly is already in force.
        ("2026-11-13", "2026-12-11"),
    ],
)
def test_regulation_24_on_the_review_day_itself(due_on, visit: str, due: str) -> None:
    found = social_worker(
        due_on("2026-11-23", episodes=REG24, events=[("first_cared_for_review", "2026-11-20")], visits=[(visit,)])
    )
    assert found.due == d(due)


def test_a_review_before_any_visit_still_leaves_the_7_day_first_visit(due_on) -> None:
    found = social_worker(due_on("2026-11-07", episodes=REG24, events=[("first_cared_for_review", "2026-11-06")]))
    assert found.due == d("2026-11-09")
    assert "first visit within 7 days of the start on 2 Nov 2026" in found.explanation


def test_a_review_after_the_evaluation_date_is_ignored(due_on) -> None:
    found = social_worker(
        due_on(
            "2026-11-10", episodes=REG24, events=[("first_cared_for_review", "2026-11-12")], visits=[("2026-11-05",)]
        )
    )
    assert found.due == d("2026-11-12")


def test_a_review_of_an_earlier_placement_does_not_end_the_weekly_phase(due_on) -> None:
    found = social_worker(
        due_on(
            "2026-11-10", episodes=REG24, events=[("first_cared_for_review", "2026-10-01")], visits=[("2026-11-05",)]
        )
    )
    assert found.due == d("2026-11-12")


def test_placed_with_parents_follows_the_same_rule(due_on) -> None:
    found = social_worker(
        due_on(
            "2026-11-23",
            episodes=[("cared_for", "2026-11-02", None, "placed_with_parents")],
            events=[("first_cared_for_review", "2026-11-20")],
            visits=[("2026-11-19",)],
        )
    )
    assert found.rule == "england.cared_for.regulation_24_or_with_parents"
    assert found.due == d("2026-12-17")


# --- cared_for, placed for adoption: weekly until the first review, then 6 weeks --------------------

ADOPTION = [("cared_for", "2026-11-02", None, "placed_for_adoption")]


def test_placed_for_adoption_is_weekly_then_six_weekly_after_the_review(due_on) -> None:
    before = social_worker(due_on("2026-11-17", episodes=ADOPTION, visits=[("2026-11-12",)]))
    assert before.due == d("2026-11-19")
    assert before.rule == "england.cared_for.placed_for_adoption"
    after = social_worker(
        due_on(
            "2026-11-23", episodes=ADOPTION, events=[("first_cared_for_review", "2026-11-20")], visits=[("2026-11-19",)]
        )
    )
    assert after.due == d("2026-12-31")


def test_placed_for_adoption_first_visit_within_7_days(due_on) -> None:
    found = social_worker(due_on("2026-11-02", episodes=ADOPTION))
    assert found.due == d("2026-11-09")


# --- cared_for, any other placement: 7 days, 6 weeks, 3 months once permanent and a year in -------------

FOSTER = [("cared_for", "2025-06-10", None, "foster_care")]
PERMANENT = [("permanence_ratified", "2026-01-15")]


def test_foster_care_first_visit_within_7_days_then_six_weekly(due_on) -> None:
    first = social_worker(due_on("2026-11-03", episodes=[("cared_for", "2026-11-02", None, "foster_care")]))
    assert first.due == d("2026-11-09")
    assert first.rule == "england.cared_for"
    assert "first visit within 7 days" in first.explanation
    later = social_worker(
        due_on("2026-11-20", episodes=[("cared_for", "2026-11-02", None, "foster_care")], visits=[("2026-11-06",)])
    )
    assert later.due == d("2026-12-18")


def test_first_visit_due_on_christmas_day_is_planned_for_christmas_eve(due_on) -> None:
    # 7 calendar days from Fri 18 Dec 2026 is Christmas Day; the deadline stands, the plan moves earlier.
    found = social_worker(due_on("2026-12-18", episodes=[("cared_for", "2026-12-18", None, "residential")]))
    assert found.due == d("2026-12-25")
    assert found.plan_by == d("2026-12-24")
    assert "so due Fri 25 Dec 2026 (plan by Thu 24 Dec 2026, the last working day before)" in found.explanation


def test_a_visit_on_the_placement_day_is_the_first_visit(due_on) -> None:
    found = social_worker(
        due_on("2026-11-17", episodes=[("cared_for", "2026-11-16", None, "foster_care")], visits=[("2026-11-16",)])
    )
    assert found.due == d("2026-12-28")


def test_a_no_access_visit_is_not_the_first_visit(due_on) -> None:
    found = social_worker(
        due_on(
            "2026-11-05",
            episodes=[("cared_for", "2026-11-02", None, "foster_care")],
            visits=[("2026-11-04", "social_worker", False)],
        )
    )
    assert found.due == d("2026-11-09")
    assert found.last_visit is None


def test_a_new_placement_needs_its_own_first_visit(due_on) -> None:
    found = social_worker(
        due_on(
            "2026-11-20",
            episodes=[
                ("cared_for", "2026-06-01", "2026-11-16", "foster_care"),
                ("cared_for", "2026-11-16", None, "residential"),
            ],
            visits=[("2026-11-10",)],
        )
    )
    assert found.due == d("2026-11-23")
    assert found.last_visit == d("2026-11-10")


def test_a_move_to_regulation_24_switches_rule_and_restarts_the_first_visit(due_on) -> None:
    found = social_worker(
        due_on(
            "2026-11-17",
            episodes=[
                ("cared_for", "2026-06-01", "2026-11-16", "foster_care"),
                ("cared_for", "2026-11-16", None, "regulation_24"),
            ],
            events=[("first_cared_for_review", "2026-06-20")],
            visits=[("2026-11-13",)],
        )
    )
    # The first review belongs to the period of care (the placements are consecutive), so this placement
    # is 4-weekly after its own first visit within 7 days of the move: 23 Nov.
    assert found.rule == "england.cared_for.regulation_24_or_with_parents"
    assert found.due == d("2026-11-23")


def test_a_first_review_before_a_gap_in_care_does_not_count_for_the_new_period(due_on) -> None:
    found = social_worker(
        due_on(
            "2026-11-17",
            episodes=[
                ("cared_for", "2026-06-01", "2026-10-01", "foster_care"),
                ("cared_for", "2026-11-16", None, "regulation_24"),
            ],
            events=[("first_cared_for_review", "2026-06-20")],
            visits=[("2026-11-13",)],
        )
    )
    # Out of care from 1 Oct to 16 Nov: a new period, weekly until its own first review.
    assert found.due == d("2026-11-20")


def test_personal_adviser_visits_within_7_days_of_a_move(due_on) -> None:
    """Regression: no personal-adviser visit after a move (Care Leavers (England) Regulations 2010 reg 8)."""
    found = due_on(
        "2026-12-01",
        episodes=[("care_leaver", "2026-06-01")],
        events=[("accommodation_change", "2026-11-30")],
        visits=[("2026-11-20", "personal_adviser")],
    )
    assert found["personal_adviser"].due == d("2026-12-07")
    assert found["personal_adviser"].rule == "england.care_leaver"


def test_without_permanence_foster_care_stays_six_weekly_after_the_anniversary(due_on) -> None:
    found = social_worker(due_on("2026-08-01", episodes=FOSTER, visits=[("2026-07-25",)]))
    assert found.due == d("2026-09-05")


@pytest.mark.parametrize(
    ("visit", "due"),
    [
        # Six weeks from 1 Apr is 13 May, before the 10 Jun 2026 anniversary: six-weekly binds.
        ("2026-04-01", "2026-05-13"),
        # Six weeks from 28 Apr is 9 Jun, the last day of the first year: still six-weekly.
        ("2026-04-28", "2026-06-09"),
        # Six weeks from 29 Apr is the anniversary itself, when 3-monthly is in force.
        ("2026-04-29", "2026-07-29"),
        # Six weeks from 20 May is after the anniversary: 3 months.
        ("2026-05-20", "2026-08-20"),
    ],
)
def test_permanence_before_the_anniversary_moves_to_three_monthly_from_the_anniversary(due_on, visit, due) -> None:
    found = social_worker(due_on(visit, episodes=FOSTER, events=PERMANENT, visits=[(visit,)]))
    assert found.due == d(due)


def test_permanence_after_the_anniversary_moves_to_three_monthly_from_the_ratification(due_on) -> None:
    events = [("permanence_ratified", "2026-08-01")]
    # Before the ratification has happened it is not known: six weeks from 25 Jul.
    assert social_worker(due_on("2026-07-30", episodes=FOSTER, events=events, visits=[("2026-07-25",)])).due == d(
        "2026-09-05"
    )
    # After it: six weeks would end on 5 Sep, after 1 Aug, so 3 months from 25 Jul.
    assert social_worker(due_on("2026-08-03", episodes=FOSTER, events=events, visits=[("2026-07-25",)])).due == d(
        "2026-10-25"
    )


def test_a_six_week_gap_missed_in_the_first_year_stays_overdue_after_permanence(due_on) -> None:
    found = social_worker(due_on("2026-06-20", episodes=FOSTER, events=PERMANENT, visits=[("2026-03-01",)]))
    assert found.due == d("2026-04-12")
    assert found.status == "overdue"


@pytest.mark.parametrize(
    ("visit", "due", "plan_by"),
    [
        # 30 Nov + 3 months has no 30 Feb: relativedelta gives Sun 28 Feb 2027, planned for Fri 26 Feb.
        ("2026-11-30", "2027-02-28", "2027-02-26"),
        # In a leap year the same visit a year later is due on Tue 29 Feb 2028.
        ("2027-11-30", "2028-02-29", "2028-02-29"),
    ],
)
def test_three_monthly_visits_at_a_month_end_clamp_to_the_end_of_february(due_on, visit, due, plan_by) -> None:
    found = social_worker(due_on(visit, episodes=FOSTER, events=PERMANENT, visits=[(visit,)]))
    assert found.due == d(due)
    assert found.plan_by == d(plan_by)


@pytest.mark.parametrize(
    ("visit", "due"),
    [
        # The first year from 29 Feb 2024 runs to 28 Feb 2025; its anniversary is 1 Mar 2025 (as for a
        # 29 February birthday), so six weeks from 17 Jan landing on 28 Feb is still six-weekly.
        ("2025-01-17", "2025-02-28"),
        # Six weeks from 18 Jan lands on 1 Mar, the anniversary: 3-monthly from then.
        ("2025-01-18", "2025-04-18"),
    ],
)
def test_the_cared_for_anniversary_of_a_29_february_placement_is_1_march(due_on, visit, due) -> None:
    found = social_worker(
        due_on(
            visit,
            episodes=[("cared_for", "2024-02-29", None, "foster_care")],
            events=[("permanence_ratified", "2024-09-02")],
            visits=[(visit,)],
        )
    )
    assert found.due == d(due)


# --- care_leaver: personal adviser every 8 weeks ---------------------------------------------------


def test_care_leaver_is_seen_by_the_personal_adviser_every_8_weeks(due_on) -> None:
    found = due_on(
        "2026-11-23",
        episodes=[("care_leaver", "2026-01-01")],
        visits=[("2026-11-01", "personal_adviser"), ("2026-11-20", "social_worker")],
    )
    assert set(found) == {"personal_adviser"}
    adviser = found["personal_adviser"]
    assert adviser.due == d("2026-12-27")
    assert adviser.plan_by == d("2026-12-24")
    assert adviser.rule == "england.care_leaver"
    assert "plan by Thu 24 Dec 2026" in adviser.explanation


def test_care_leaver_eight_weeks_can_land_on_29_february(due_on) -> None:
    found = due_on("2028-01-05", episodes=[("care_leaver", "2027-06-01")], visits=[("2028-01-04", "personal_adviser")])
    assert found["personal_adviser"].due == d("2028-02-29")


def test_care_leaver_without_visits_counts_from_the_start(due_on) -> None:
    found = due_on("2026-11-23", episodes=[("care_leaver", "2026-11-02")])
    assert found["personal_adviser"].due == d("2026-12-28")
    assert found["personal_adviser"].last_visit is None


# --- private_fostering: 7 working days, 6-weekly in the first year, 12-weekly after --------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2026-12-21", "2027-01-04"),  # over Christmas, Boxing Day observed and New Year
        ("2026-04-01", "2026-04-14"),  # over Good Friday and Easter Monday
        ("2026-11-21", "2026-12-01"),  # notified on a Saturday: day 0 is the Saturday
    ],
)
def test_private_fostering_first_visit_in_7_working_days(due_on, start: str, due: str) -> None:
    found = social_worker(due_on(start, episodes=[("private_fostering", start)]))
    assert found.due == d(due)
    assert found.rule == "england.private_fostering"
    assert "first visit within 7 working days" in found.explanation


def test_private_fostering_is_six_weekly_in_the_first_year(due_on) -> None:
    found = social_worker(
        due_on("2026-03-03", episodes=[("private_fostering", "2026-01-05")], visits=[("2026-03-02",)])
    )
    assert found.due == d("2026-04-13")


def test_private_fostering_is_twelve_weekly_after_the_first_year(due_on) -> None:
    found = social_worker(
        due_on("2026-02-03", episodes=[("private_fostering", "2025-01-06")], visits=[("2026-02-02",)])
    )
    assert found.due == d("2026-04-27")


@pytest.mark.parametrize(
    ("visit", "due"),
    [
        ("2025-11-24", "2026-01-05"),  # six weeks lands on the day before the anniversary: still six-weekly
        ("2025-11-25", "2026-02-17"),  # six weeks lands on the anniversary: twelve weeks from the visit
    ],
)
def test_private_fostering_on_the_anniversary_itself(due_on, visit: str, due: str) -> None:
    found = social_worker(due_on(visit, episodes=[("private_fostering", "2025-01-06")], visits=[(visit,)]))
    assert found.due == d(due)


@pytest.mark.parametrize(
    ("visit", "due"),
    [
        ("2025-01-17", "2025-02-28"),  # the first year from 29 Feb 2024 includes 28 Feb 2025
        ("2025-01-18", "2025-04-12"),  # from 1 Mar 2025 the gap allowed is twelve weeks
    ],
)
def test_private_fostering_started_on_29_february_turns_a_year_on_1_march(due_on, visit: str, due: str) -> None:
    found = social_worker(due_on(visit, episodes=[("private_fostering", "2024-02-29")], visits=[(visit,)]))
    assert found.due == d(due)


# --- several episodes and roles, ordering, statuses ---------------------------------------------------


def test_overlapping_episodes_with_two_roles_give_one_obligation_each(england, england_calendar) -> None:
    case = make_case(
        episodes=[("care_leaver", "2026-01-01"), ("child_in_need", "2026-11-02")],
        visits=[("2026-11-10", "personal_adviser"), ("2026-11-03", "social_worker")],
    )
    found = compute_obligations(case, d("2026-11-23"), england, england_calendar)
    assert [(obligation.role, obligation.due) for obligation in found] == [
        ("social_worker", d("2026-12-01")),
        ("personal_adviser", d("2027-01-05")),
    ]
    assert [obligation.last_visit for obligation in found] == [d("2026-11-03"), d("2026-11-10")]


def test_obligations_due_the_same_day_are_ordered_by_role(england, england_calendar) -> None:
    # Fri 2 Oct + 8 weeks and Fri 13 Nov + 10 working days are both Fri 27 Nov 2026.
    case = make_case(
        episodes=[("child_protection", "2026-09-01"), ("care_leaver", "2026-01-01")],
        visits=[("2026-11-13", "social_worker"), ("2026-10-02", "personal_adviser")],
    )
    found = compute_obligations(case, d("2026-11-16"), england, england_calendar)
    assert [(obligation.role, obligation.due) for obligation in found] == [
        ("personal_adviser", d("2026-11-27")),
        ("social_worker", d("2026-11-27")),
    ]


@pytest.mark.parametrize(
    ("today", "status"),
    [
        ("2026-11-13", "ok"),  # due Mon 23 Nov is the 6th working day after Fri 13 Nov
        ("2026-11-16", "due_soon"),  # the 5th working day after Mon 16 Nov is Mon 23 Nov
        ("2026-11-22", "due_soon"),
        ("2026-11-23", "due_today"),
        ("2026-11-24", "overdue"),
    ],
)
def test_status_bands(due_on, today: str, status: str) -> None:
    found = social_worker(due_on(today, episodes=[("child_protection", "2026-10-01")], visits=[("2026-11-09",)]))
    assert found.due == d("2026-11-23")
    assert found.status == status


@pytest.mark.parametrize(
    ("visit", "due", "status"),
    [
        ("2026-12-10", "2026-12-24", "due_soon"),  # Thu 24 Dec is the 5th working day after Thu 17 Dec
        ("2026-12-11", "2026-12-29", "ok"),  # Tue 29 Dec is the 6th: 25 and 28 Dec do not count
    ],
)
def test_due_soon_counts_working_days_across_christmas(due_on, visit: str, due: str, status: str) -> None:
    found = social_worker(due_on("2026-12-17", episodes=[("child_protection", "2026-10-01")], visits=[(visit,)]))
    assert (found.due, found.status) == (d(due), status)


def test_an_obligation_serialises_to_exactly_the_promised_fields(due_on) -> None:
    cp = social_worker(due_on("2026-12-20", episodes=CP, visits=[("2026-12-18",)]))
    assert cp.as_dict() == {
        "role": "social_worker",
        "due": "2027-01-06",
        "plan_by": "2027-01-06",
        "status": "ok",
        "last_visit": "2026-12-18",
        "rule": "england.child_protection",
        "explanation": cp.explanation,
        "duty": "visit",
        "due_at": None,
    }


def test_a_working_day_first_visit_names_the_bank_holidays_it_skipped(due_on) -> None:
    found = social_worker(due_on("2026-12-21", episodes=[("private_fostering", "2026-12-21")]))
    assert found.explanation.startswith(
        "Private fostering: first visit within 7 working days of the start on 21 Dec 2026; "
        "25 Dec, 28 Dec and 1 Jan are bank holidays, so due Mon 4 Jan 2027."
    )
