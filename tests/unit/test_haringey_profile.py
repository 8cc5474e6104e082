"""The haringey profile, rule by rule: each test's docstring names the seed section it encodes.

Seed: Haringey Children and Young People's Service employee handbook, "Our Practice Standards,
Timescales and Standards" (../shared/seeds/004_*.txt). Expected dates are worked by hand in the
comments; 2027 bank holidays in England include Good Friday 26 Mar and Easter Monday 29 Mar.
"""

from __future__ import annotations

import inspect
import sys
from zoneinfo import ZoneInfo

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.cases import parse_case
from backend.core.hours import HourClock
from backend.core.profiles import Profile
from backend.core.scheduling import Obligation, compute_obligations
from tests.builders import d, make_case, make_case_json

TABLE = "Our Practice Standards, Timescales and Standards"


@pytest.fixture
def haringey(profiles: dict[str, Profile]) -> Profile:
    return profiles["haringey"]


@pytest.fixture
def sefton(profiles: dict[str, Profile]) -> Profile:
    return profiles["sefton"]


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


# --- Children in Need (Early Help or CiN) ------------------------------------------------------


def test_early_help_practitioner_visits_3_weekly(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Children in Need (Early Help or CiN), Early Help Visits."""
    found = obligations_on(
        "2026-11-23",
        haringey,
        england_calendar,
        episodes=[("early_help", "2026-11-02")],
        visits=[("2026-11-20", "early_help_practitioner"), ("2026-11-23", "social_worker")],
    )
    assert found["early_help_practitioner"].due == d("2026-12-11")
    assert found["early_help_practitioner"].rule == "haringey.early_help"


@pytest.mark.parametrize(
    ("visited", "due", "four_weeks_later"),
    [
        ("2026-10-01", "2026-11-01", "2026-10-29"),  # a 31-day month: a month is 3 days longer than 4 weeks
        ("2026-03-31", "2026-04-30", "2026-04-28"),  # 31 Mar + 1 month is clamped to 30 Apr
        ("2028-01-31", "2028-02-29", "2028-02-28"),  # leap year: 29 Feb
        ("2027-01-31", "2027-02-28", "2027-02-28"),  # February in a common year: the two agree
    ],
)
def test_cin_visits_are_calendar_monthly_not_4_weekly(
    haringey, england_calendar, visited, due, four_weeks_later
) -> None:
    """Our Practice Standards, Timescales and Standards: Children in Need (Early Help or CiN), CIN Visits."""
    found = obligations_on(
        visited, haringey, england_calendar, episodes=[("child_in_need", "2026-01-01")], visits=[(visited,)]
    )
    assert found["social_worker"].due == d(due)
    assert found["social_worker"].rule == "haringey.child_in_need"
    assert (d(due) - d(visited)).days >= (d(four_weeks_later) - d(visited)).days


def test_cin_visit_due_on_a_sunday_is_planned_for_the_friday(haringey, sefton, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Children in Need (Early Help or CiN), CIN Visits."""
    case = dict(episodes=[("child_in_need", "2026-01-01")], visits=[("2026-10-01",)])
    found = obligations_on("2026-10-02", haringey, england_calendar, **case)
    assert found["social_worker"].due == d("2026-11-01")
    assert found["social_worker"].plan_by == d("2026-10-30")
    # Sefton's 20 working days from Thu 1 Oct 2026 fall on Thu 29 Oct.
    assert obligations_on("2026-10-02", sefton, england_calendar, **case)["social_worker"].due == d("2026-10-29")


# --- Child Protection ----------------------------------------------------------------------------


def test_cp_statutory_visits_every_10_working_days_over_easter(haringey, sefton, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Child Protection, Child Protection Statutory Visits."""
    case = dict(episodes=[("child_protection", "2027-01-04")], visits=[("2027-03-18",)])
    found = obligations_on("2027-03-19", haringey, england_calendar, **case)
    # Fri 19 (1), 22-25 (5), Good Friday and Easter Monday skipped, 30 Mar-2 Apr (9), Mon 5 Apr (10).
    assert found["social_worker"].due == d("2027-04-05")
    assert found["social_worker"].rule == "haringey.child_protection"
    assert "26 Mar and 29 Mar are bank holidays" in found["social_worker"].explanation
    # Sefton keeps its own 20 working days for the same child.
    assert obligations_on("2027-03-19", sefton, england_calendar, **case)["social_worker"].due == d("2027-04-19")


def test_section_47_child_seen_within_24_hours_then_every_10_working_days(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Child Protection. Seen within 24 hours of the referral."""
    first = obligations_on("2026-11-27", haringey, england_calendar, episodes=[("section_47", "2026-11-27")])
    assert first["social_worker"].due == d("2026-11-28")
    assert first["social_worker"].plan_by == d("2026-11-27")
    assert first["social_worker"].rule == "haringey.section_47"
    later = obligations_on(
        "2026-11-30", haringey, england_calendar, episodes=[("section_47", "2026-11-27")], visits=[("2026-11-28",)]
    )
    assert later["social_worker"].due == d("2026-12-11")


# --- Looked After Children -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visited", "due"),
    [
        ("2026-11-05", "2026-11-12"),  # day 3: weekly
        ("2026-11-19", "2026-11-26"),  # day 17: weekly, still inside the first 4 weeks
        ("2026-11-26", "2027-01-07"),  # day 24: a week later is past 4 weeks, so 6 weeks applies
    ],
)
def test_looked_after_children_are_visited_weekly_for_the_first_4_weeks(
    haringey, england_calendar, visited, due
) -> None:
    """Our Practice Standards, Timescales and Standards: Looked After Children, Looked After Children Visits."""
    found = obligations_on(
        visited,
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-11-02", None, "foster_care")],
        visits=[(visited,)],
    )
    assert found["social_worker"].due == d(due)
    assert found["social_worker"].rule == "haringey.cared_for"


def test_looked_after_first_visit_within_7_days_of_every_placement(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Looked After Children, Looked After Children Visits."""
    found = obligations_on(
        "2026-11-20",
        haringey,
        england_calendar,
        episodes=[
            ("cared_for", "2026-06-01", "2026-11-16", "foster_care"),
            ("cared_for", "2026-11-16", None, "residential"),
        ],
        visits=[("2026-11-13",)],
    )
    assert found["social_worker"].due == d("2026-11-23")


def test_looked_after_3_monthly_once_permanent_but_not_inside_the_first_year(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Looked After Children, Looked After Children Visits."""
    permanent = obligations_on(
        "2026-05-21",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2025-06-10", None, "foster_care")],
        events=[("permanence_ratified", "2026-01-15")],
        visits=[("2026-05-20",)],
    )
    assert permanent["social_worker"].due == d("2026-08-20")
    # Permanence confirmed three months in: 6-weekly still binds for the rest of the first year (reg 28(2)).
    early = obligations_on(
        "2026-10-02",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-06-01", None, "foster_care")],
        events=[("permanence_ratified", "2026-09-01")],
        visits=[("2026-10-01",)],
    )
    assert early["social_worker"].due == d("2026-11-12")


def test_regulation_24_stays_weekly_for_4_weeks_even_after_an_early_first_review(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Looked After Children, Visits - Regulation 24."""
    found = obligations_on(
        "2026-11-20",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-11-02", None, "regulation_24")],
        events=[("first_cared_for_review", "2026-11-16")],
        visits=[("2026-11-19",)],
    )
    assert found["social_worker"].due == d("2026-11-26")


def test_regulation_24_after_the_first_review_is_4_weekly_not_6_weekly(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Looked After Children, Visits - Regulation 24. Statute wins."""
    found = obligations_on(
        "2026-11-27",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-11-02", None, "regulation_24")],
        events=[("first_cared_for_review", "2026-11-16")],
        visits=[("2026-11-26",)],
    )
    # Haringey's 'minimum Looked After Child standards' would allow 6 weeks (7 Jan); reg 28(4) allows 4.
    assert found["social_worker"].due == d("2026-12-24")
    assert found["social_worker"].rule == "haringey.cared_for.regulation_24"


@pytest.mark.parametrize("placement", ["placed_with_parents", "placed_for_adoption"])
def test_placed_with_parents_or_for_adoption_weekly_until_a_late_first_review(
    haringey, england_calendar, placement
) -> None:
    """Our Practice Standards, Timescales and Standards: Looked After Children, P W P visits. Statute fills the gap."""
    episodes = [("cared_for", "2026-11-02", None, placement)]
    before_review = obligations_on(
        "2026-12-02", haringey, england_calendar, episodes=episodes, visits=[("2026-12-01",)]
    )
    # Day 29: past Haringey's 4 weekly weeks, but the first review has not happened, so still weekly.
    assert before_review["social_worker"].due == d("2026-12-08")
    assert before_review["social_worker"].rule == "haringey.cared_for.weekly_until_first_review"
    after_review = obligations_on(
        "2026-12-08",
        haringey,
        england_calendar,
        episodes=episodes,
        events=[("first_cared_for_review", "2026-12-07")],
        visits=[("2026-12-07",)],
    )
    # Placed with parents: the statutory floor's 4 weeks (reg 28(4)(b), a child at home under an
    # interim care order), not 6. Placed for adoption: 6 weeks (Adoption Agencies Regulations reg 36).
    expected = {"placed_with_parents": "2027-01-04", "placed_for_adoption": "2027-01-18"}[placement]
    assert after_review["social_worker"].due == d(expected)


def test_placed_with_parents_is_4_weekly_after_the_first_review_under_reg_28_4_b(haringey, england_calendar) -> None:
    """Regression: Haringey's placed-with-parents rule gave 6 weeks after the first review; a child at
    home under an interim care order must be seen at most every 4 weeks (reg 28(4)(b)). H:359."""
    found = obligations_on(
        "2026-12-20",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-11-02", None, "placed_with_parents")],
        events=[("first_cared_for_review", "2026-11-20")],
        visits=[("2026-11-27",)],
    )
    assert found["social_worker"].due == d("2026-12-25")
    assert found["social_worker"].rule == "england.cared_for.regulation_24_or_with_parents"


@pytest.mark.parametrize("date_of_birth", ["2005-01-01", "2009-06-01"])
def test_care_leavers_are_seen_every_8_weeks_not_2_months(haringey, england_calendar, date_of_birth) -> None:
    """Our Practice Standards, Timescales and Standards: Looked After Children, Visits - Care leavers 18+."""
    found = obligations_on(
        "2027-01-04",
        haringey,
        england_calendar,
        episodes=[("care_leaver", "2026-06-01")],
        date_of_birth=date_of_birth,
        visits=[("2026-12-31", "personal_adviser")],
    )
    # 31 Dec + 8 weeks = 25 Feb; 2 months would be 28 Feb. A 17-year-old care leaver is not left out.
    assert found["personal_adviser"].due == d("2027-02-25")
    assert found["personal_adviser"].rule == "haringey.care_leaver"


def test_personal_adviser_visits_within_7_days_of_a_care_leavers_move(haringey, england_calendar) -> None:
    """Regression: no personal-adviser visit after a move in haringey. The statutory floor
    (Care Leavers (England) Regulations 2010 reg 8) makes one due within 7 days of the move."""
    found = obligations_on(
        "2026-12-01",
        haringey,
        england_calendar,
        episodes=[("care_leaver", "2026-06-01")],
        date_of_birth="2008-01-01",
        events=[("accommodation_change", "2026-11-30")],
        visits=[("2026-11-20", "personal_adviser")],
    )
    assert found["personal_adviser"].due == d("2026-12-07")
    assert found["personal_adviser"].rule == "england.care_leaver"


# --- Assessment and the statutory floor -------------------------------------------------------------------------


def test_assessment_child_seen_within_10_working_days_and_every_10_working_days_after(
    haringey, england_calendar
) -> None:
    """Our Practice Standards, Timescales and Standards: Children's Statutory Services Child and Family Assessments.

    H:282 'Within 10 working days', read as the longest gap while the assessment runs."""
    found = obligations_on("2026-12-21", haringey, england_calendar, episodes=[("assessment", "2026-12-21")])
    # 10 working days from Mon 21 Dec 2026 skip 25, 28 Dec and 1 Jan: Thu 7 Jan 2027.
    assert found["social_worker"].due == d("2027-01-07")
    assert found["social_worker"].rule == "haringey.assessment"


def test_private_fostering_follows_the_statute(haringey, england_calendar) -> None:
    """Regression: Haringey private fostering gave nothing. Private Fostering Regulations 2005 regs 4, 7, 8:
    within 7 working days of notification (the episode's start)."""
    found = obligations_on("2026-12-21", haringey, england_calendar, episodes=[("private_fostering", "2026-12-21")])
    assert found["social_worker"].due == d("2027-01-04")
    assert found["social_worker"].rule == "england.private_fostering"


def test_short_breaks_under_regulation_48_follow_the_statute(haringey, england_calendar) -> None:
    """Regression: Haringey short breaks under reg 48 gave nothing. Reg 48(3)(c): within 3 months of the start."""
    found = obligations_on(
        "2026-11-02", haringey, england_calendar, episodes=[("short_breaks", "2026-11-02", None, "regulation_48")]
    )
    assert found["social_worker"].due == d("2027-02-02")
    assert found["social_worker"].rule == "england.short_breaks.regulation_48"


def test_a_child_in_custody_is_visited_within_10_working_days(haringey, england_calendar) -> None:
    """Regression: youth_justice_custody gave nothing. Visits to Former Looked After Children in
    Detention (England) Regulations 2010 reg 4: within ten working days of first being detained."""
    found = obligations_on("2026-11-02", haringey, england_calendar, episodes=[("youth_justice_custody", "2026-11-02")])
    assert found["social_worker"].due == d("2026-11-16")
    assert found["social_worker"].rule == "england.youth_justice_custody"
    seen = obligations_on(
        "2026-11-20",
        haringey,
        england_calendar,
        episodes=[("youth_justice_custody", "2026-11-02")],
        visits=[("2026-11-10",)],
    )
    assert "social_worker" not in seen  # thereafter only when requested


# --- Fostering and Adoption / Connected Person (Kinship) placements ----------------------------------------------


def test_supervising_social_worker_visits_short_term_carers_3_weekly(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Fostering and Adoption, Supervising Social Worker Visits."""
    found = obligations_on(
        "2026-11-05",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-11-02", None, "foster_care")],
        visits=[("2026-11-04", "supervising_social_worker"), ("2026-11-04",)],
    )
    assert found["supervising_social_worker"].due == d("2026-11-25")
    assert found["supervising_social_worker"].rule == "haringey.supervising_social_worker.short_term"
    assert found["social_worker"].due == d("2026-11-11")


def test_supervising_social_worker_visits_long_term_carers_6_weekly(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Fostering and Adoption, Supervising Social Worker Visits."""
    found = obligations_on(
        "2026-11-05",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-11-02", None, "long_term_foster_care")],
        visits=[("2026-11-04", "supervising_social_worker")],
    )
    assert found["supervising_social_worker"].due == d("2026-12-16")
    assert found["supervising_social_worker"].rule == "haringey.supervising_social_worker.long_term"
    residential = obligations_on(
        "2026-11-05", haringey, england_calendar, episodes=[("cared_for", "2026-11-02", None, "residential")]
    )
    assert "supervising_social_worker" not in residential


def test_temporarily_approved_connected_carers_are_visited_monthly(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Connected Person/Kinship Placements, visiting frequency."""
    found = obligations_on(
        "2027-02-01",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-12-15", None, "regulation_24")],
        visits=[("2027-01-31", "supervising_social_worker")],
    )
    # A calendar month from 31 Jan is Sun 28 Feb: plan by Fri 26 Feb.
    assert found["supervising_social_worker"].due == d("2027-02-28")
    assert found["supervising_social_worker"].plan_by == d("2027-02-26")
    assert found["supervising_social_worker"].rule == "haringey.kinship.temporary_approval"


def test_connected_carers_are_visited_6_weekly_once_approved(haringey, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Connected Person/Kinship Placements, visiting frequency."""
    approved_in_placement = obligations_on(
        "2027-02-16",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-12-15", None, "regulation_24")],
        events=[("connected_carer_approved", "2027-02-15")],
        visits=[("2027-01-20", "supervising_social_worker")],
    )
    # Monthly would give 20 Feb, after approval; 6 weeks from 20 Jan is 3 Mar.
    assert approved_in_placement["supervising_social_worker"].due == d("2027-03-03")
    kinship = obligations_on(
        "2026-11-05",
        haringey,
        england_calendar,
        episodes=[("cared_for", "2026-06-01", None, "kinship_care")],
        visits=[("2026-11-04", "supervising_social_worker")],
    )
    assert kinship["supervising_social_worker"].due == d("2026-12-16")
    assert kinship["supervising_social_worker"].rule == "haringey.kinship.approved"


# --- Every rule is covered ------------------------------------------------------------------------------------------


def test_every_haringey_rule_has_a_test_naming_its_seed_section(haringey) -> None:
    """Each rule's section appears in a test docstring here, and its id in an assertion."""
    module = sys.modules[__name__]
    docstrings = " ".join(
        inspect.getdoc(function) or "" for name, function in vars(module).items() if name.startswith("test_")
    )
    source = inspect.getsource(module)
    for rule in haringey.rules:
        assert rule.source.section.startswith(TABLE), rule.id
        sections = [part.strip() for part in rule.source.section.split(";")]
        assert any(part.split(";")[0] in docstrings or f"{TABLE}: {part}" in docstrings for part in sections), rule.id
        assert f'"{rule.id}"' in source, rule.id
