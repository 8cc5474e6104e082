"""Visits in timescale replayed once per child (core/timescale.py, core/replay.py) give exactly
the answers of the first replay, which evaluated every period on its own with full obligations
(tests/support/timescale_reference.py): on varied seeded cases of every profile, with calls and
no-access attempts, several roles, moves and closed plans, events, overrides and dates at the
calendar's edges, where both raise alike."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, time, timedelta

import pytest

from backend.core.calendars import WorkingCalendar, build_calendar
from backend.core.cases import Case, Episode, Event, Override, Visit
from backend.core.errors import CalendarRangeError
from backend.core.hours import HourClock
from backend.core.intervals import parse_interval
from backend.core.profiles import Profile
from backend.core.replay import Replay
from backend.core.scheduling import compute_obligations
from backend.core.timescale import ChildTimescale, Period, child_timescale, month_periods
from backend.core.vocabulary import CONTACT_KINDS, EVENT_TYPES, LEGAL_STATUSES, PLACEMENTS, PLAN_TYPES
from backend.core.zones import LONDON
from tests.support.timescale_reference import Obligations, reference_timescale

CLOCK = HourClock(LONDON)
ROLES = ("social_worker", "social_worker", "personal_adviser", "return_interview_worker")
# Ordinary days, and days whose year of months reaches before the calendar (2000-2045) or whose
# due dates reach past it.
AS_OF_DAYS = (date(2027, 8, 31), date(2026, 12, 24), date(2028, 2, 29), date(2000, 7, 31), date(2045, 12, 22))


def random_episodes(rng: random.Random, as_of: date) -> tuple[Episode, ...]:
    episodes, start = [], as_of - timedelta(days=rng.randint(20, 800))
    for _ in range(rng.choice((1, 1, 2, 3))):
        plan_type = rng.choice(sorted(PLAN_TYPES))
        cared_for = plan_type == "cared_for"
        end = start + timedelta(days=rng.randint(10, 400)) if rng.random() < 0.4 else None
        placement = rng.choice(sorted(PLACEMENTS)) if cared_for else None
        legal_status = rng.choice([None, *sorted(LEGAL_STATUSES)]) if cared_for else None
        episodes.append(Episode(plan_type, start, end, placement, legal_status))
        if end is None:
            break
        start = end if rng.random() < 0.7 else end + timedelta(days=rng.randint(1, 60))
    return tuple(episodes)


def random_visits(rng: random.Random, first: date, as_of: date) -> tuple[Visit, ...]:
    visits, day = [], first - timedelta(days=rng.randint(0, 90))
    while (day := day + timedelta(days=rng.choice((0, 3, 7, 10, 14, 15, 21, 30, 45)))) <= as_of:
        kind = rng.choice(("home_visit", "home_visit", "home_visit", *sorted(CONTACT_KINDS)))
        visits.append(Visit(day, rng.choice(ROLES), rng.random() > 0.15, kind))
    rng.shuffle(visits)  # the record's order is not the visits' order
    return tuple(visits)


def random_events(rng: random.Random, first: date, as_of: date) -> tuple[Event, ...]:
    span = (as_of - first).days
    return tuple(
        Event(
            rng.choice(sorted(EVENT_TYPES)),
            first + timedelta(days=rng.randint(0, span)),
            time(rng.randint(0, 23), 30) if rng.random() < 0.3 else None,
            rng.choice(ROLES) if rng.random() < 0.5 else None,
        )
        for _ in range(rng.choice((0, 0, 1, 3)))
    )


def random_case(rng: random.Random, as_of: date) -> Case:
    episodes = random_episodes(rng, as_of)
    first = episodes[0].start
    overrides = ()
    if rng.random() < 0.2:
        start = first + timedelta(days=rng.randint(0, 200))
        until = start + timedelta(days=rng.randint(10, 200)) if rng.random() < 0.5 else None
        every = parse_interval(rng.choice(("5 working days", "1 week", "10 days")))
        overrides = (Override(rng.choice(ROLES), every, start, until, "strategy meeting"),)
    born = rng.choice((None, first - timedelta(days=rng.randint(-100, 6500))))
    visits, events = random_visits(rng, first, as_of), random_events(rng, first, as_of)
    return Case("C-1", "", born, episodes, events, visits, overrides)


def random_periods(rng: random.Random, as_of: date) -> list[Period]:
    start = as_of - timedelta(days=rng.choice((0, 30, 91, 200, 700)))
    end = start + timedelta(days=rng.randint(0, (as_of - start).days))
    return [Period(start, end), *month_periods(as_of)]


def outcome(timescale: Callable[..., ChildTimescale], *arguments: object) -> ChildTimescale | str:
    try:
        return timescale(*arguments)
    except (CalendarRangeError, OverflowError, ValueError) as error:
        return f"{type(error).__name__}: {error}"


def engine_obligations(profile: Profile, calendar: WorkingCalendar) -> Obligations:
    return lambda case, day: compute_obligations(case, day, profile, calendar, CLOCK)


@pytest.fixture(scope="module")
def calendars(profiles: dict[str, Profile]) -> dict[str, WorkingCalendar]:
    return {name: build_calendar(profile.region, 2000, 2045, profile.closures) for name, profile in profiles.items()}


@pytest.mark.parametrize("profile_name", ["england", "haringey", "sefton"])
def test_the_year_replayed_once_gives_the_first_replays_answers(
    profile_name: str, profiles: dict[str, Profile], calendars: dict[str, WorkingCalendar]
) -> None:
    profile, calendar = profiles[profile_name], calendars[profile_name]
    rng = random.Random(f"timescale-{profile_name}")
    compared = {"answers": 0, "raised": 0, "due dates": 0, "attempts": 0}
    obligations = engine_obligations(profile, calendar)
    for number in range(120):
        as_of = AS_OF_DAYS[number % len(AS_OF_DAYS)]
        case, periods = random_case(rng, as_of), random_periods(rng, as_of)
        expected = outcome(reference_timescale, obligations, "c", case, periods, as_of)
        replay = Replay(case, profile, calendar, CLOCK)
        assert outcome(child_timescale, replay, "c", periods, as_of) == expected, (number, case)
        if isinstance(expected, str):
            compared["raised"] += 1
        else:
            compared["answers"] += 1
            compared["due dates"] += sum(map(len, expected.due_dates))
            compared["attempts"] += len(expected.attempts)
    # The seeds reach every branch: answers with due dates and attempts, and cases that raise.
    assert all(compared.values()), compared
