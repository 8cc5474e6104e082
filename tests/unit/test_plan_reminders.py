"""Reminders of planned contacts: when each is owed, what it says, and its dedupe key."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from backend.core.errors import CoreError
from backend.core.plan_reminders import PlannedContactItem, day_word, plan_reminders_due
from backend.core.reminders import ReminderPreferences
from backend.push.links import notification_payload
from tests.support.reminder_builders import LONDON, london, make_item

DEFAULTS = ReminderPreferences()  # an hour before; quiet 20:00-07:00


def make_plan(**overrides: Any) -> PlannedContactItem:
    """A home visit to JS on Wednesday 25 November 2026 at 14:00 London time, for an hour."""
    fields: dict[str, Any] = {
        "plan_id": "5f0c2b9e-1d0a-4c1b-9a55-0d2f3e4a5b6c",
        "child_id": "c0ffee00c0ffee00c0ffee00c0ffee00",
        "initials": "JS",
        "reference": "C-1001",
        "kind": "home_visit",
        "starts_at": london("2026-11-25 14:00").astimezone(UTC),
        "duration_minutes": 60,
    }
    fields.update(overrides)
    return PlannedContactItem(**fields)


def owed(now: str, *items: PlannedContactItem, preferences: ReminderPreferences = DEFAULTS) -> list[dict[str, str]]:
    return [
        notification_payload(reminder)
        for reminder in plan_reminders_due("w1", items or (make_plan(),), preferences, london(now))
    ]


def test_a_visit_planned_today_is_told_an_hour_before_with_initials_and_local_time() -> None:
    (payload,) = owed("2026-11-25 13:00")
    assert payload["title"] == "Visit planned today 14:00: JS"
    assert payload["body"] == "14:00-15:00"
    assert payload["url"] == "/#/children/c0ffee00c0ffee00c0ffee00c0ffee00"
    assert payload["tag"] == payload["topic"] and len(payload["topic"]) <= 32


@pytest.mark.parametrize(("now", "count"), [("2026-11-25 12:59", 0), ("2026-11-25 13:59", 1), ("2026-11-25 14:00", 0)])
def test_the_reminder_is_owed_from_the_lead_time_until_the_plan_starts(now: str, count: int) -> None:
    assert len(owed(now)) == count


def test_the_worker_chooses_the_lead_time_or_none() -> None:
    evening_before = ReminderPreferences(plan_lead_minutes=18 * 60, quiet_start=None, quiet_end=None)
    (payload,) = owed("2026-11-24 20:30", preferences=evening_before)
    assert payload["title"] == "Visit planned tomorrow 14:00: JS"
    assert owed("2026-11-25 13:30", preferences=ReminderPreferences(plan_lead_minutes=None)) == []


def test_a_plan_tomorrow_says_so_and_further_ahead_names_its_date() -> None:
    two_days = ReminderPreferences(plan_lead_minutes=24 * 60, quiet_start=None, quiet_end=None)
    plan = make_plan(starts_at=london("2026-11-27 09:00").astimezone(UTC), duration_minutes=None)
    (payload,) = owed("2026-11-26 09:30", plan, preferences=two_days)
    assert payload["title"] == "Visit planned tomorrow 09:00: JS" and payload["body"] == "From 09:00"
    assert day_word(date(2026, 11, 28), date(2026, 11, 26)) == "Sat 28 Nov"


def test_quiet_hours_hold_a_reminder_until_they_end_if_the_plan_has_not_started() -> None:
    early = make_plan(starts_at=london("2026-11-25 07:30").astimezone(UTC))
    assert owed("2026-11-25 06:45", early) == []
    assert len(owed("2026-11-25 07:05", early)) == 1


@pytest.mark.parametrize(
    ("kind", "word"),
    [("home_visit", "Visit"), ("visit_elsewhere", "Visit"), ("phone", "Phone call"), ("video", "Video call")],
)
def test_the_message_says_how_contact_is_planned(kind: str, word: str) -> None:
    (payload,) = owed("2026-11-25 13:30", make_plan(kind=kind))
    assert payload["title"].startswith(f"{word} planned today 14:00")


def test_a_child_without_initials_is_named_by_case_reference() -> None:
    (payload,) = owed("2026-11-25 13:30", make_plan(initials=""))
    assert payload["title"].endswith(": C-1001")


@pytest.mark.parametrize(
    ("starts", "now", "title"),
    [
        ("2027-03-28 14:00", "2027-03-28 13:05", "Visit planned today 14:00: JS"),  # the clocks went forward at 01:00
        ("2027-03-29 14:00", "2027-03-29 13:05", "Visit planned today 14:00: JS"),
        ("2027-10-31 14:00", "2027-10-31 13:05", "Visit planned today 14:00: JS"),  # and back at 02:00
    ],
)
def test_a_plan_stays_at_its_local_time_across_the_clock_changes(starts: str, now: str, title: str) -> None:
    plan = make_plan(starts_at=london(starts).astimezone(UTC))
    (payload,) = owed(now, plan)
    assert payload["title"] == title
    assert len(owed(london(starts).replace(hour=12, minute=55).strftime("%Y-%m-%d %H:%M"), plan)) == 0


def test_the_key_is_stable_for_a_plan_and_changes_when_it_moves() -> None:
    now = london("2026-11-25 13:30")
    (first,) = plan_reminders_due("w1", [make_plan()], DEFAULTS, now)
    (again,) = plan_reminders_due("w1", [make_plan()], DEFAULTS, london("2026-11-25 13:40"))
    moved = make_plan(starts_at=london("2026-11-25 14:15").astimezone(UTC))
    (after_move,) = plan_reminders_due("w1", [moved], DEFAULTS, now)
    (other_worker,) = plan_reminders_due("w2", [make_plan()], DEFAULTS, now)
    assert first.key == again.key
    assert len({first.key, after_move.key, other_worker.key}) == 3
    assert first.expires == make_plan().starts_at and first.urgency == "high"
    assert first.slot_day.isoformat() == "2026-11-25"


def test_several_plans_in_the_window_are_told_soonest_first() -> None:
    later = make_plan(plan_id="b" * 32, starts_at=london("2026-11-25 14:30").astimezone(UTC))
    reminders = plan_reminders_due("w1", [later, make_plan()], DEFAULTS, london("2026-11-25 13:45"))
    assert [reminder.item.starts_at.astimezone(LONDON).time() for reminder in reminders] == [time(14), time(14, 30)]


@pytest.mark.parametrize("lead", [0, -5, 24 * 60 + 1, True])
def test_a_lead_time_out_of_range_is_refused_naming_the_field(lead: int) -> None:
    with pytest.raises(CoreError) as raised:
        ReminderPreferences(plan_lead_minutes=lead)
    assert "plan_lead_minutes" in str(raised.value)


def test_the_preferences_still_default_to_an_hour_and_accept_a_day() -> None:
    assert DEFAULTS.plan_lead_minutes == 60
    assert ReminderPreferences(plan_lead_minutes=24 * 60).plan_lead_minutes == 1440
    assert isinstance(make_plan().starts_at, datetime)


def test_a_plan_reminder_names_the_child_as_due_date_reminders_do() -> None:
    due = make_item(initials="ZQ", reference="C-7")
    assert make_plan(initials="ZQ", reference="C-7").label == due.label == "ZQ"
    assert make_plan(initials="", reference="C-7").label == make_item(initials="", reference="C-7").label == "C-7"
