"""Phases worked out at load (all starting a fixed time after the episode's start) are those the
general resolution gives, for every order, tie and unit of offset."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from backend.core.calendars import build_calendar
from backend.core.cases import Case, Episode
from backend.core.intervals import parse_interval
from backend.core.phases import _stacked, _starts, phases_in_force
from backend.core.profiles import Anchor, Phase, Source, VisitRule

CALENDAR = build_calendar("ENG", 2025, 2028, ())
OFFSETS = [None, "7 days", "1 week", "12 hours", "48 hours", "4 weeks", "1 month", "5 working days"]


def _rule(offsets: tuple[str | None, ...]) -> VisitRule:
    phases = tuple(
        Phase(parse_interval(f"{index + 1} weeks"), (Anchor("start", offset=parse_interval(o) if o else None),))
        for index, o in enumerate(offsets)
    )
    return VisitRule("t", "cared_for", "social_worker", "Test", phases, Source("doc", "s", "q"))


@pytest.mark.parametrize("offsets", list(itertools.permutations(OFFSETS, 2)) + [(None, "12 hours", "7 days", "1 week")])
def test_fixed_phases_match_the_general_resolution(offsets: tuple[str | None, ...]) -> None:
    rule = _rule(offsets)
    episode = Episode("cared_for", date(2026, 1, 30))
    case = Case("C", "", None, (episode,))
    general = _stacked(_starts(rule, episode, case, date(2026, 11, 23), CALENDAR))
    assert phases_in_force(rule, episode, case, date(2026, 11, 23), CALENDAR) == general
    if all(o is None or parse_interval(o).fixed_length is not None for o in offsets):
        assert rule.fixed_phases is not None  # the shortcut is taken where it can be
    assert all(shift == timedelta(days=shift.days) for shift, _ in rule.fixed_phases or ())
