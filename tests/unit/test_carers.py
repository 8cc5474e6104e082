"""Carers as visited parties: each rule of the carer profiles at its edges.

Sefton: "Fostering Service" (seed 000_*, S:1829, S:1854, S:1909, S:1931); Haringey: "Supervising
Social Worker Visits" (seed 004_*, H:392-393, H:401); england: the National Minimum Standards'
unannounced visit a year. England bank holidays: Christmas Day Fri 25 Dec 2026, Boxing Day
substitute Mon 28 Dec 2026.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.carers import Carer, CarerVisit, compute_carer_obligations, parse_carer
from backend.core.errors import InvalidCase, ProfileError
from backend.core.profiles import Profile, parse_profile
from backend.core.scheduling import Obligation
from tests.builders import d, profile_with_carer_rules


def make_carer(**overrides: object) -> Carer:
    values: dict[str, object] = {
        "reference": "FC-1",
        "name": "Carer",
        "type": "short_term_foster_carer",
        "approved": d("2026-03-01"),
        "transferred": d("2026-03-03"),
    }
    values.update(overrides)
    return Carer(**values)  # type: ignore[arg-type]


def duties(today: str, profile: Profile, calendar: WorkingCalendar, **carer: object) -> dict[str, Obligation]:
    found = compute_carer_obligations(make_carer(**carer), d(today), profile, calendar)
    return {obligation.duty: obligation for obligation in found}


def visits(*days: str, unannounced: bool = False) -> tuple[CarerVisit, ...]:
    return tuple(CarerVisit(d(day), unannounced) for day in days)


def test_first_supervisory_visit_is_within_14_days_of_transfer(profiles, england_calendar) -> None:
    """Fostering Service: First Supervisory Visit Post Approval (S:1829)."""
    found = duties("2026-03-04", profiles["sefton"], england_calendar)
    assert found["visit"].due == d("2026-03-17")
    assert found["visit"].rule == "sefton.carer.supervisory"
    assert "first visit within 14 days" in found["visit"].explanation


def test_first_visit_runs_from_approval_when_no_transfer_is_recorded(profiles, england_calendar) -> None:
    found = duties("2026-03-02", profiles["sefton"], england_calendar, transferred=None)
    assert found["visit"].due == d("2026-03-15")


def test_a_carer_with_no_child_placed_still_has_visits_due(profiles, england_calendar) -> None:
    """Fostering Service: Supervisory Visits (S:1854): 6 a year read as at most 2 months apart."""
    found = duties("2026-04-01", profiles["sefton"], england_calendar, visits=visits("2026-03-16"))
    assert found["visit"].due == d("2026-05-16")
    assert found["visit"].last_visit == d("2026-03-16")


@pytest.mark.parametrize(
    ("last_visit", "due"),
    [
        ("2026-12-31", "2027-02-28"),  # a month end clamps to February's end
        ("2027-12-31", "2028-02-29"),  # ... in a leap year to the 29th
        ("2027-12-29", "2028-02-29"),
        ("2028-02-29", "2028-04-29"),
        ("2026-08-31", "2026-10-31"),
    ],
)
def test_two_months_apart_across_month_ends_and_leap_years(profiles, england_calendar, last_visit, due) -> None:
    found = duties(last_visit, profiles["sefton"], england_calendar, visits=visits(last_visit))
    assert found["visit"].due == d(due)


def test_unannounced_visits_twice_a_year_only_count_unannounced_visits(profiles, england_calendar) -> None:
    """Fostering Service: Unannounced Visits (S:1909)."""
    announced = duties("2026-08-01", profiles["sefton"], england_calendar, visits=visits("2026-07-01"))
    assert announced["unannounced"].due == d("2026-09-03")
    assert announced["unannounced"].last_visit is None
    unannounced = duties(
        "2026-09-01", profiles["sefton"], england_calendar, visits=visits("2026-08-31", unannounced=True)
    )
    assert unannounced["unannounced"].due == d("2027-02-28")
    # An unannounced visit is a supervisory visit too.
    assert unannounced["visit"].due == d("2026-10-31")


def test_a_child_joining_makes_a_visit_due_within_1_working_day_past_christmas(profiles, england_calendar) -> None:
    """Fostering Service: Visits When New Children Join the Fostering Household (S:1931)."""
    found = duties(
        "2026-12-24",
        profiles["sefton"],
        england_calendar,
        visits=visits("2026-12-01"),
        joinings=(d("2026-12-24"),),
    )
    assert found["visit"].due == d("2026-12-29")
    assert found["visit"].rule == "sefton.carer.child_joining"
    assert "25 Dec and 28 Dec are bank holidays" in found["visit"].explanation
    assert "child joining the household" in found["visit"].explanation


def test_three_siblings_placed_together_make_one_visit_due(profiles, england_calendar) -> None:
    sibling_day = d("2027-01-08")  # a Friday: 1 working day is Monday
    found = compute_carer_obligations(
        make_carer(visits=visits("2027-01-02"), joinings=(sibling_day, sibling_day, sibling_day)),
        sibling_day,
        profiles["sefton"],
        england_calendar,
    )
    visit_duties = [obligation for obligation in found if obligation.duty == "visit"]
    assert [(obligation.due, obligation.rule) for obligation in visit_duties] == [
        (d("2027-01-11"), "sefton.carer.child_joining")
    ]
    assert sum(obligation.duty == "visit" for obligation in found) == 1


def test_a_visit_on_the_day_of_the_placement_meets_it(profiles, england_calendar) -> None:
    found = duties(
        "2027-01-09",
        profiles["sefton"],
        england_calendar,
        visits=visits("2027-01-08"),
        joinings=(d("2027-01-08"),) * 3,
    )
    # The next is the placement's 28-day visit (S:1933), once for the three, sooner than 2 months.
    assert found["visit"].rule == "sefton.carer.child_joining_28_days"
    assert found["visit"].due == d("2027-02-05")


def test_a_later_sibling_joining_is_a_new_placement(profiles, england_calendar) -> None:
    found = duties(
        "2027-01-12",
        profiles["sefton"],
        england_calendar,
        visits=visits("2027-01-08"),
        joinings=(d("2027-01-08"), d("2027-01-12")),
    )
    assert found["visit"].due == d("2027-01-13")


def test_haringey_visits_short_term_carers_3_weekly_and_long_term_6_weekly(profiles, england_calendar) -> None:
    """Our Practice Standards, Timescales and Standards: Supervising Social Worker Visits (H:392-393)."""
    haringey = profiles["haringey"]
    short = duties("2027-01-02", haringey, england_calendar, visits=visits("2027-01-01"))
    assert (short["visit"].due, short["visit"].rule) == (d("2027-01-22"), "haringey.carer.short_term")
    long = duties("2027-01-02", haringey, england_calendar, type="long_term_foster_carer", visits=visits("2027-01-01"))
    assert (long["visit"].due, long["visit"].rule) == (d("2027-02-12"), "haringey.carer.long_term")
    kin = duties("2027-01-02", haringey, england_calendar, type="connected_person", visits=visits("2027-01-01"))
    assert kin["visit"].rule == "haringey.carer.connected_person"
    # The statutory floor: at least one unannounced visit a year.
    assert short["unannounced"].rule == "england.carer.unannounced"
    assert short["unannounced"].due == d("2027-03-03")


def test_haringey_has_no_first_visit_or_placement_visit(profiles, england_calendar) -> None:
    found = duties("2026-03-04", profiles["haringey"], england_calendar, joinings=(d("2026-03-04"),))
    assert found["visit"].due == d("2026-03-24")


def test_england_unannounced_visit_a_year_from_29_february(profiles, england_calendar) -> None:
    """National Minimum Standards 21.8: one unannounced visit a year; the only carer rule in england."""
    found = duties("2028-03-01", profiles["england"], england_calendar, approved=d("2028-02-29"), transferred=None)
    assert set(found) == {"unannounced"}
    assert found["unannounced"].due == d("2029-02-28")


def test_no_obligation_before_supervision_starts_or_after_it_ends(profiles, england_calendar) -> None:
    sefton = profiles["sefton"]
    assert duties("2026-03-02", sefton, england_calendar) == {}
    assert duties("2026-06-01", sefton, england_calendar, ended=d("2026-06-01")) == {}
    assert duties("2026-05-31", sefton, england_calendar, ended=d("2026-06-01"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "foster"}, "type"),
        ({"approved": "2026-02-30"}, "approved"),
        ({"approved": None}, "approved"),
        ({"transferred": "2026-02-01"}, "transferred"),
        ({"ended": "2025-01-01"}, "ended"),
        ({"household": ["F-1"]}, "household"),
        ({"visits": [{"date": "2026-04-01", "unannounced": "yes"}]}, "visits[0].unannounced"),
        ({"reference": " "}, "reference"),
    ],
)
def test_a_bad_carer_names_the_field(change: dict[str, object], field: str) -> None:
    data: dict[str, object] = {"reference": "FC-1", "name": "A", "type": "connected_person", "approved": "2026-03-01"}
    data.update(change)
    with pytest.raises(InvalidCase) as raised:
        parse_carer(data)
    assert raised.value.field == field


def test_parse_carer_reads_every_field() -> None:
    carer = parse_carer(
        {
            "reference": "FC-1",
            "name": " A ",
            "type": "connected_person",
            "approved": "2026-03-01",
            "transferred": "2026-03-03",
            "household": "F-1",
            "visits": [{"date": "2026-03-10", "unannounced": True}],
        }
    )
    assert carer.supervised_from == date(2026, 3, 3)
    assert carer.visits == (CarerVisit(date(2026, 3, 10), True),)
    assert (carer.name, carer.household) == ("A", "F-1")


@pytest.mark.parametrize(
    ("carer_rule", "field"),
    [
        ({"id": "t.c", "label": "L", "evry": "2 months"}, "evry"),
        ({"id": "t.c", "label": "L"}, "every"),
        ({"id": "t.c", "label": "L", "every": "2 moons"}, "every"),
        ({"id": "t.c", "label": "L", "every": "2 months", "duty": "phone"}, "duty"),
        ({"id": "t.c", "label": "L", "every": "2 months", "carer_types": ["aunt"]}, "carer_types"),
        ({"id": "t.cin", "label": "L", "every": "2 months"}, "id"),
    ],
)
def test_a_bad_carer_rule_stops_the_load_naming_the_field(carer_rule: dict[str, object], field: str) -> None:
    carer_rule.setdefault("source", {"document": "D", "section": "S", "quote": "Q"})
    with pytest.raises(ProfileError) as raised:
        parse_profile(profile_with_carer_rules(carer_rule), "t.toml")
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("transferred", "due"),
    [
        ("2028-02-20", "2028-03-05"),  # across 29 February
        ("2027-02-20", "2027-03-06"),  # a common year
        ("2026-12-20", "2027-01-03"),  # across Christmas: calendar days, bank holidays count
        ("2026-01-31", "2026-02-14"),
    ],
)
def test_the_14_day_first_visit_counts_calendar_days(profiles, england_calendar, transferred, due) -> None:
    found = duties(
        transferred, profiles["sefton"], england_calendar, approved=d(transferred), transferred=d(transferred)
    )
    assert found["visit"].due == d(due)


@pytest.mark.parametrize(
    ("joined", "due"),
    [
        ("2027-03-25", "2027-03-30"),  # Thursday before Good Friday: Easter Monday skipped too
        ("2027-04-30", "2027-05-04"),  # Friday before the early May bank holiday
        ("2026-12-31", "2027-01-04"),  # New Year's Day, then the weekend
        ("2027-02-26", "2027-03-01"),  # a Friday at a month's end
        ("2028-02-28", "2028-02-29"),  # a leap day is a working day (a Tuesday)
    ],
)
def test_the_placement_visit_is_the_next_working_day(profiles, england_calendar, joined, due) -> None:
    found = duties(
        joined,
        profiles["sefton"],
        england_calendar,
        approved=d("2026-01-05"),
        transferred=None,
        visits=(CarerVisit(d(joined) - timedelta(days=3), True),),
        joinings=(d(joined),) * 3,
    )
    assert (found["visit"].due, found["visit"].rule) == (d(due), "sefton.carer.child_joining")
