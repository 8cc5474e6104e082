"""A supervising social worker's duty is held once: by the carer when the child's placement names
the carers' household, by the child only when it names none (carers not recorded here).

Sefton, "Fostering Service: Visits When New Children Join the Fostering Household" (S:1930-1933)
and "Supervisory Visits" (S:1854); Haringey, "Supervising Social Worker Visits" (H:392-393) and
"Connected Person/Kinship Placements" (H:399-401).
"""

from __future__ import annotations

from datetime import date

import pytest

from backend.core.calendars import WorkingCalendar
from backend.core.carers import Carer, CarerVisit, compute_carer_obligations
from backend.core.cases import Case, Episode
from backend.core.coverage import unscheduled_episodes
from backend.core.errors import ProfileError
from backend.core.profiles import Profile, parse_profile
from backend.core.scheduling import Obligation, compute_obligations
from backend.core.vocabulary import PLAN_TYPES
from tests.builders import d, profile_with_carer_rules

PLACED = d("2027-01-08")  # a Friday: 1 working day is Monday 11 January
SSW = "supervising_social_worker"


def placed_child(number: int, placement: str = "foster_care", household: str | None = "H-1") -> Case:
    episode = Episode("cared_for", PLACED, None, placement, None, household)
    return Case(f"C-{number}", "", d("2018-05-01"), (episode,))


def supervising(case: Case, today: date, profile: Profile, calendar: WorkingCalendar) -> list[Obligation]:
    return [o for o in compute_obligations(case, today, profile, calendar) if o.role == SSW]


def foster_carer(carer_type: str = "short_term_foster_carer", **overrides: object) -> Carer:
    values: dict[str, object] = {
        "reference": "FC-1",
        "name": "Carer",
        "type": carer_type,
        "approved": d("2026-03-01"),
        "household": "H-1",
        "visits": (CarerVisit(d("2027-01-02")),),
        "joinings": (PLACED, PLACED, PLACED),
    }
    values.update(overrides)
    return Carer(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("profile_id", ["sefton", "haringey"])
def test_three_siblings_with_one_carer_make_one_supervisory_duty_on_the_carer(
    profiles, england_calendar, profile_id
) -> None:
    profile = profiles[profile_id]
    for number in (1, 2, 3):
        assert supervising(placed_child(number), PLACED, profile, england_calendar) == []
    found = compute_carer_obligations(foster_carer(), PLACED, profile, england_calendar)
    assert sum(obligation.duty == "visit" for obligation in found) == 1


def test_sefton_siblings_placement_visit_is_the_carers_within_1_working_day(profiles, england_calendar) -> None:
    found = compute_carer_obligations(foster_carer(), PLACED, profiles["sefton"], england_calendar)
    visit = next(obligation for obligation in found if obligation.duty == "visit")
    assert (visit.rule, visit.due) == ("sefton.carer.child_joining", d("2027-01-11"))


def test_the_28_day_visit_is_one_for_the_siblings_and_not_met_by_the_placement_visit(
    profiles, england_calendar
) -> None:
    """'A 28-day visit is also expected' (S:1933): a second visit after the 1-working-day one."""
    carer = foster_carer(visits=(CarerVisit(d("2027-01-11")),))
    found = compute_carer_obligations(carer, d("2027-01-12"), profiles["sefton"], england_calendar)
    visit = next(obligation for obligation in found if obligation.duty == "visit")
    assert (visit.rule, visit.due) == ("sefton.carer.child_joining_28_days", d("2027-02-05"))
    assert "28 days" in visit.explanation


def test_a_second_visit_after_the_placement_meets_the_28_day_visit(profiles, england_calendar) -> None:
    carer = foster_carer(visits=(CarerVisit(d("2027-01-11")), CarerVisit(d("2027-02-01"))))
    found = compute_carer_obligations(carer, d("2027-02-02"), profiles["sefton"], england_calendar)
    visit = next(obligation for obligation in found if obligation.duty == "visit")
    assert (visit.rule, visit.due) == ("sefton.carer.supervisory", d("2027-04-01"))


def test_a_carer_with_no_child_placed_still_has_a_supervisory_visit(profiles, england_calendar) -> None:
    for profile_id, rule in (("sefton", "sefton.carer.supervisory"), ("haringey", "haringey.carer.short_term")):
        carer = foster_carer(joinings=())
        found = compute_carer_obligations(carer, PLACED, profiles[profile_id], england_calendar)
        assert [obligation.rule for obligation in found if obligation.duty == "visit"] == [rule]


def test_a_child_placed_with_carers_not_recorded_here_keeps_the_per_child_visits(profiles, england_calendar) -> None:
    """Carers of another authority or an agency have no record here: the child still gets them."""
    found = supervising(placed_child(1, household=None), PLACED, profiles["sefton"], england_calendar)
    assert [(o.rule, o.due) for o in found] == [("sefton.supervising_social_worker", d("2027-01-11"))]
    found = supervising(placed_child(1, household=None), PLACED, profiles["haringey"], england_calendar)
    assert [o.rule for o in found] == ["haringey.supervising_social_worker.short_term"]


@pytest.mark.parametrize(
    ("placement", "retired"),
    [
        ("long_term_foster_care", "haringey.supervising_social_worker.long_term"),
        ("kinship_care", "haringey.kinship.approved"),
    ],
)
def test_haringey_per_child_visits_to_carers_stop_where_the_household_is_named(
    profiles, england_calendar, placement, retired
) -> None:
    profile = profiles["haringey"]
    without = supervising(placed_child(1, placement, household=None), PLACED, profile, england_calendar)
    assert [o.rule for o in without] == [retired]
    assert supervising(placed_child(1, placement), PLACED, profile, england_calendar) == []


def test_haringey_temporary_approval_stays_on_the_child_with_a_household(profiles, england_calendar) -> None:
    """Monthly until approval (H:399-400): the carers are not approved carers yet, so no carer rule."""
    found = supervising(placed_child(1, "regulation_24"), PLACED, profiles["haringey"], england_calendar)
    assert [o.rule for o in found] == ["haringey.kinship.temporary_approval"]


def test_a_child_placed_with_carers_is_still_seen_by_their_own_social_worker(profiles, england_calendar) -> None:
    for profile_id in ("sefton", "haringey", "england"):
        found = compute_obligations(placed_child(1), PLACED, profiles[profile_id], england_calendar)
        assert any(o.role == "social_worker" for o in found)
        assert unscheduled_episodes(placed_child(1), PLACED, profiles[profile_id]) == ()


def _profile_with(rule: dict[str, object]) -> Profile:
    source = {"document": "D", "section": "S", "quote": "Q"}
    covered = ("child_in_need", "cared_for")
    others = [{"id": "t.cin", "plan_type": "child_in_need", "role": "social_worker", "phases": [{"every": "4 weeks"}]}]
    return parse_profile(
        {
            "id": "t",
            "name": "T",
            "region": "ENG",
            "rules": [{**item, "source": source} for item in [*others, rule]],
            "not_covered": {plan: "out of scope" for plan in PLAN_TYPES if plan not in covered},
        },
        "t.toml",
    )


def test_a_plan_covered_only_without_a_carer_household_is_unscheduled_with_one(england_calendar) -> None:
    """A rule held back where the household is named never counts as covering the plan."""
    profile = _profile_with(
        {
            "id": "t.ssw",
            "plan_type": "cared_for",
            "role": SSW,
            "phases": [{"every": "6 weeks"}],
            "without_carer_household": True,
        }
    )
    with_household = placed_child(1)
    assert compute_obligations(with_household, PLACED, profile, england_calendar) == ()
    assert [gap.plan_type for gap in unscheduled_episodes(with_household, PLACED, profile)] == ["cared_for"]
    assert "cared_for" not in profile.always_covered


def test_a_follow_up_carer_rule_stands_alone() -> None:
    rule = {
        "id": "t.c",
        "label": "L",
        "every": "2 months",
        "after_child_joining": "28 days",
        "source": {"document": "D", "section": "S", "quote": "Q"},
    }
    with pytest.raises(ProfileError) as raised:
        parse_profile(profile_with_carer_rules(rule), "t.toml")
    assert raised.value.field == "after_child_joining"
