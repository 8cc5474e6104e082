"""Practice checks: the conditions of the last visits, per profile rule, never a due date."""

from __future__ import annotations

from typing import Any

import pytest

from backend.core.errors import ProfileError
from backend.core.practice_checks import VisitConditions, practice_flags
from backend.core.profiles import Profile, parse_profile
from backend.core.scheduling import compute_obligations
from tests.builders import d, make_case

CP = [("child_protection", "2026-10-01")]


def seen(
    day: str, alone: bool | None = None, bedroom: bool | None = None, awake: bool | None = None
) -> VisitConditions:
    return VisitConditions(d(day), "social_worker", alone, bedroom, awake)


def raised(profile: Profile, visits: list[VisitConditions], today: str = "2026-11-30", **case: Any) -> list[str]:
    case.setdefault("episodes", CP)
    flags = practice_flags(profile.practice_checks, make_case(**case), visits, d(today))
    return [flag.check for flag in flags]


@pytest.fixture
def england(profiles: dict[str, Profile]) -> Profile:
    return profiles["england"]


def test_a_child_protection_child_not_seen_alone_at_the_last_two_visits_raises_the_check(england: Profile) -> None:
    visits = [seen("2026-11-02", alone=False, bedroom=True), seen("2026-11-16", alone=False, bedroom=True)]
    assert raised(england, visits) == ["england.child_protection.seen_alone"]


def test_seen_alone_at_alternate_visits_raises_nothing(england: Profile) -> None:
    visits = [
        seen("2026-10-19", alone=False, bedroom=False),
        seen("2026-11-02", alone=True, bedroom=True),
        seen("2026-11-16", alone=False, bedroom=False),
    ]
    assert raised(england, visits) == []


def test_bedroom_not_seen_at_the_last_two_visits_raises_the_check(england: Profile) -> None:
    visits = [
        seen("2026-11-02", alone=True, bedroom=True),
        seen("2026-11-09", alone=True),
        seen("2026-11-16", alone=True, bedroom=False),
    ]
    flags = practice_flags(england.practice_checks, make_case(episodes=CP), visits, d("2026-11-30"))
    assert [(flag.check, flag.visits) for flag in flags] == [
        ("england.child_protection.bedroom_seen", (d("2026-11-16"), d("2026-11-09")))
    ]
    assert flags[0].message == "Bedroom not seen at the last 2 visits."


def test_one_visit_is_not_yet_enough_to_miss_alternate_occasions(england: Profile) -> None:
    assert raised(england, [seen("2026-11-16", alone=False, bedroom=False)]) == []


def test_a_baby_not_seen_awake_at_the_last_visit_raises_the_check_and_an_older_child_does_not(
    england: Profile,
) -> None:
    visits = [seen("2026-11-02", alone=True, bedroom=True, awake=True), seen("2026-11-16", alone=True, bedroom=True)]
    assert raised(england, visits, date_of_birth="2026-03-01") == ["england.child_protection.seen_awake"]
    assert raised(england, visits, date_of_birth="2024-11-30") == []  # two today: no longer a baby
    assert raised(england, visits[:1], date_of_birth="2026-03-01") == []


def test_a_child_under_four_is_not_checked_for_being_seen_alone(england: Profile) -> None:
    visits = [
        seen("2026-11-02", alone=False, bedroom=True, awake=True),
        seen("2026-11-16", alone=False, bedroom=True, awake=True),
    ]
    assert raised(england, visits, date_of_birth="2023-06-01") == []


def test_visits_before_the_plan_and_of_other_roles_are_not_looked_at(england: Profile) -> None:
    before_the_plan = seen("2026-09-20", alone=False, bedroom=False)
    adviser = VisitConditions(d("2026-11-20"), "personal_adviser", False, False, None)
    assert raised(england, [before_the_plan, seen("2026-11-16", alone=False, bedroom=False), adviser]) == []


def test_no_check_without_an_active_plan_of_its_type(england: Profile) -> None:
    visits = [seen("2026-11-02"), seen("2026-11-16")]
    assert raised(england, visits, episodes=[("child_in_need", "2026-10-01")]) == []
    assert raised(england, visits, episodes=[("child_protection", "2026-10-01", "2026-11-20")]) == []


def test_unrecorded_conditions_are_not_met(england: Profile) -> None:
    assert raised(england, [seen("2026-11-02"), seen("2026-11-16")]) == [
        "england.child_protection.seen_alone",
        "england.child_protection.bedroom_seen",
    ]


def test_checks_never_move_a_due_date(england: Profile, england_calendar) -> None:  # noqa: ANN001
    case = make_case(episodes=CP, visits=[("2026-11-16", "social_worker", True)])
    (obligation,) = compute_obligations(case, d("2026-11-20"), england, england_calendar)
    assert obligation.last_visit == d("2026-11-16")


def test_a_local_check_stands_in_for_the_bases_of_the_same_condition_and_plan(profiles: dict[str, Profile]) -> None:
    haringey = profiles["haringey"]
    assert [check.id for check in haringey.practice_checks if check.condition == "seen_alone"] == [
        "haringey.child_protection.seen_alone"
    ]
    visits = [seen("2026-11-02", alone=True, bedroom=True), seen("2026-11-16", alone=False, bedroom=True)]
    assert raised(haringey, visits) == ["haringey.child_protection.seen_alone"]  # every visit there


def profile_with(check: dict[str, Any]) -> dict[str, Any]:
    rule = {"id": "t.cin", "plan_type": "child_in_need", "role": "social_worker", "phases": [{"every": "4 weeks"}]}
    rule["source"] = {"document": "Doc", "section": "S", "quote": "Q"}
    return {"id": "t", "name": "T", "region": "ENG", "rules": [rule], "practice_checks": [check]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"condition": "seen_smiling"}, "condition"),
        ({"visits": 0}, "visits"),
        ({"plan_type": "nope"}, "plan_type"),
        ({"source": None}, "source"),
        ({"max_age": -1}, "max_age"),
    ],
)
def test_a_malformed_check_stops_the_load_naming_its_field(change: dict[str, Any], field: str) -> None:
    check = {
        "id": "t.check",
        "condition": "seen_alone",
        "plan_type": "child_protection",
        "role": "social_worker",
        "visits": 2,
        "source": {"document": "Doc", "section": "S", "quote": "Q"},
    }
    with pytest.raises(ProfileError, match=rf"practice_checks\[0\]\.{field}"):
        parse_profile(profile_with({**check, **change}), "t.toml")


def test_a_household_visit_meets_only_the_due_date_of_each_sibling_seen(england: Profile, england_calendar) -> None:  # noqa: ANN001
    # One household visit is one visit per child: the engine sees each child's own, seen or not.
    seen = make_case(episodes=CP, visits=[("2026-11-16", "social_worker", True)])
    not_seen = make_case(episodes=CP, visits=[("2026-11-16", "social_worker", False)])
    (met,) = compute_obligations(seen, d("2026-11-20"), england, england_calendar)
    (unmet,) = compute_obligations(not_seen, d("2026-11-20"), england, england_calendar)
    assert met.last_visit == d("2026-11-16") and unmet.last_visit is None
    assert unmet.due < met.due and unmet.status == "overdue"
