"""Engine features the england profile does not use: triggers, birthday phases, age
conditions, and projections. A small profile built in the test exercises each one."""

from __future__ import annotations

from typing import Any

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.profiles import Profile, parse_profile
from backend.core.scheduling import Obligation, compute_obligations, project_due_dates
from tests.builders import d, make_case

SOURCE = {"document": "Test standards", "section": "Section 1", "quote": "as the test says"}


def rule(rule_id: str, plan_type: str, phases: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": rule_id, "plan_type": plan_type, "role": "social_worker", "phases": phases, "source": SOURCE, **extra}


@pytest.fixture(scope="module")
def profile() -> Profile:
    return parse_profile(
        {
            "id": "test",
            "name": "Test",
            "region": "ENG",
            "rules": [
                rule(
                    "test.moves",
                    "cared_for",
                    [{"every": "6 weeks"}],
                    label="Cared for",
                    triggers=[{"event": "accommodation_change", "within": "5 working days"}],
                ),
                rule(
                    "test.leaving_care",
                    "child_in_need",
                    [{"every": "4 weeks"}, {"every": "8 weeks", "from": "birthday:18"}],
                ),
                rule(
                    "test.assessment.under_5",
                    "assessment",
                    [{"every": "4 weeks"}],
                    max_age_at_start=4,
                    first_visit="3 working days",
                ),
                rule(
                    "test.assessment.5_and_over",
                    "assessment",
                    [{"every": "4 weeks"}],
                    min_age_at_start=5,
                    first_visit="5 working days",
                ),
            ],
        },
        "test.toml",
    )


@pytest.fixture
def due_on(profile: Profile, england_calendar: WorkingCalendar):
    def compute(today: str, **case: Any) -> Obligation:
        (obligation,) = compute_obligations(make_case(**case), d(today), profile, england_calendar)
        return obligation

    return compute


# --- triggers: a visit within a window of each event ------------------------------------------------

PLACED = [("cared_for", "2026-01-05", None, "foster_care")]


def test_a_move_makes_a_visit_due_within_5_working_days(due_on) -> None:
    found = due_on(
        "2026-11-23", episodes=PLACED, events=[("accommodation_change", "2026-11-20")], visits=[("2026-11-02",)]
    )
    assert found.due == d("2026-11-27")
    assert found.explanation.startswith(
        "Cared for: a visit within 5 working days of the move to new accommodation on 20 Nov 2026, "
        "so due Fri 27 Nov 2026."
    )


def test_a_move_over_christmas_names_the_bank_holidays(due_on) -> None:
    found = due_on(
        "2026-12-23", episodes=PLACED, events=[("accommodation_change", "2026-12-23")], visits=[("2026-12-01",)]
    )
    assert found.due == d("2027-01-04")
    assert "25 Dec, 28 Dec and 1 Jan are bank holidays" in found.explanation


def test_a_visit_on_the_day_of_the_move_meets_the_trigger(due_on) -> None:
    found = due_on(
        "2026-11-23", episodes=PLACED, events=[("accommodation_change", "2026-11-20")], visits=[("2026-11-20",)]
    )
    assert found.due == d("2027-01-01")


@pytest.mark.parametrize("moved", ["2025-12-01", "2026-11-24"])  # before the episode; after today
def test_moves_outside_the_episode_or_after_today_are_ignored(due_on, moved: str) -> None:
    found = due_on("2026-11-23", episodes=PLACED, events=[("accommodation_change", moved)], visits=[("2026-11-02",)])
    assert found.due == d("2026-12-14")


def test_the_earliest_open_trigger_of_several_wins(due_on) -> None:
    found = due_on(
        "2026-11-23",
        episodes=PLACED,
        visits=[("2026-11-02",)],
        events=[("accommodation_change", "2026-11-20"), ("accommodation_change", "2026-11-03")],
    )
    # The move on 3 Nov was never visited after: 5 working days from it is 10 Nov.
    assert (found.due, found.status) == (d("2026-11-10"), "overdue")


# --- birthday phases --------------------------------------------------------------------------------

YOUNG_PERSON = [("child_in_need", "2026-01-05")]


@pytest.mark.parametrize(
    ("visit", "due"),
    [
        ("2026-05-15", "2026-06-12"),  # 4 weeks ends before the 18th birthday on 15 Jun
        ("2026-05-20", "2026-07-15"),  # 4 weeks would end after it: 8 weeks from the visit
    ],
)
def test_a_birthday_phase_starts_on_the_birthday(due_on, visit: str, due: str) -> None:
    found = due_on(visit, episodes=YOUNG_PERSON, visits=[(visit,)], date_of_birth="2008-06-15")
    assert found.due == d(due)


@pytest.mark.parametrize(
    ("visit", "due"),
    [
        ("2026-01-31", "2026-02-28"),  # born 29 Feb 2008: still 17 on 28 Feb 2026
        ("2026-02-01", "2026-03-29"),  # 18 on 1 Mar 2026, when 8 weeks applies
    ],
)
def test_a_29_february_birthday_falls_on_1_march_in_a_common_year(due_on, visit: str, due: str) -> None:
    found = due_on(visit, episodes=YOUNG_PERSON, visits=[(visit,)], date_of_birth="2008-02-29")
    assert found.due == d(due)


def test_without_a_date_of_birth_a_birthday_phase_never_starts(due_on) -> None:
    found = due_on("2026-05-20", episodes=YOUNG_PERSON, visits=[("2026-05-20",)], date_of_birth=None)
    assert found.due == d("2026-06-17")


# --- age conditions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_of_birth", "rule_id", "due"),
    [
        ("2021-11-20", "test.assessment.under_5", "2026-11-24"),  # 5 the day after the start
        ("2021-11-19", "test.assessment.5_and_over", "2026-11-26"),  # 5 on the start day itself
        (None, "test.assessment.under_5", "2026-11-24"),  # unknown age: every rule applies, the earliest wins
    ],
)
def test_age_at_the_start_picks_the_rule(due_on, date_of_birth: str | None, rule_id: str, due: str) -> None:
    found = due_on("2026-11-19", episodes=[("assessment", "2026-11-19")], date_of_birth=date_of_birth)
    assert (found.rule, found.due) == (rule_id, d(due))


# --- projections ------------------------------------------------------------------------------------


def test_projection_assumes_each_visit_is_made_on_its_due_date(
    profiles: dict[str, Profile], england_calendar: WorkingCalendar
) -> None:
    case = make_case(episodes=[("child_protection", "2026-10-01")], visits=[("2026-12-18",)])
    projected = project_due_dates(case, d("2026-12-20"), profiles["england"], england_calendar, "social_worker", 3)
    assert projected == [d("2027-01-06"), d("2027-01-20"), d("2027-02-03")]


def test_an_overdue_projection_starts_today_and_counts_on_from_a_visit_made_today(
    profiles: dict[str, Profile], england_calendar: WorkingCalendar
) -> None:
    today = d("2026-12-21")
    overdue = make_case(episodes=[("child_protection", "2026-10-01")], visits=[("2026-11-02",)])
    projected = project_due_dates(overdue, today, profiles["england"], england_calendar, "social_worker", 3)
    visited_today = make_case(episodes=[("child_protection", "2026-10-01")], visits=[("2026-11-02",), ("2026-12-21",)])
    after_today = project_due_dates(visited_today, today, profiles["england"], england_calendar, "social_worker", 2)
    assert projected == [today, *after_today] and after_today[0] > today


def test_projection_for_a_role_with_no_obligation_is_empty(
    profiles: dict[str, Profile], england_calendar: WorkingCalendar
) -> None:
    case = make_case(episodes=[("child_protection", "2026-10-01")])
    assert project_due_dates(case, d("2026-12-20"), profiles["england"], england_calendar, "personal_adviser", 3) == []
