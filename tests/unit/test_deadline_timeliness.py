"""Deadlines in time, replayed from a record: what the record said on a day, and the outcomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from backend.core.cases import Case
from backend.core.deadline_timeliness import case_known_on, deadline_outcomes, sample_days
from backend.core.deadlines import Deadline
from tests.builders import make_case

CASE = make_case(
    episodes=[("child_protection", "2026-09-01", "2026-12-31")],
    events=[("initial_child_protection_conference", "2026-09-01"), ("core_group", "2026-09-20")],
    visits=[("2026-09-10",), ("2026-10-01",)],
)


def test_the_record_on_a_day_holds_nothing_later_and_no_later_write_up() -> None:
    written = replace(CASE, visits=tuple(replace(visit, written_up=date(2026, 9, 12)) for visit in CASE.visits))
    known = case_known_on(written, date(2026, 9, 11))
    assert [event.type for event in known.events] == ["initial_child_protection_conference"]
    assert [(visit.date, visit.written_up) for visit in known.visits] == [(date(2026, 9, 10), None)]
    assert known.episodes[0].end is None  # ends after the day: still running then


def test_the_days_looked_at_are_the_day_before_each_change_and_the_last() -> None:
    days = sample_days(CASE, date(2026, 9, 1), date(2026, 11, 30))
    assert days == [date(2026, 8, 31), date(2026, 9, 19), date(2026, 11, 30)]


def fake_engine(case: Case, day: date) -> tuple[Deadline, ...]:
    """A core group due 14 days after the conference until a core group is recorded."""
    if any(event.type == "core_group" for event in case.events):
        return ()
    conferences = [event.date for event in case.events if event.type == "initial_child_protection_conference"]
    if not conferences:
        return ()
    due = conferences[0] + timedelta(days=14)
    return (Deadline("core_group", due, "overdue" if due < day else "due_soon", "rule", "First core group"),)


def test_a_deadline_met_after_its_day_is_neither_in_time_nor_overdue() -> None:
    [outcome] = deadline_outcomes(CASE, date(2026, 9, 1), date(2026, 11, 30), date(2026, 11, 30), fake_engine)
    assert (outcome.due, outcome.met_in_time, outcome.overdue) == (date(2026, 9, 15), False, False)


def test_a_deadline_never_met_is_overdue_and_one_met_on_time_is_in_time() -> None:
    unmet = replace(CASE, events=CASE.events[:1])
    [outcome] = deadline_outcomes(unmet, date(2026, 9, 1), date(2026, 11, 30), date(2026, 11, 30), fake_engine)
    assert (outcome.met_in_time, outcome.overdue) == (False, True)
    on_time = make_case(
        episodes=[("child_protection", "2026-09-01")],
        events=[("initial_child_protection_conference", "2026-09-01"), ("core_group", "2026-09-10")],
    )
    [outcome] = deadline_outcomes(on_time, date(2026, 9, 1), date(2026, 11, 30), date(2026, 11, 30), fake_engine)
    assert (outcome.met_in_time, outcome.overdue) == (True, False)
