"""Builders for reminder tests: a caseload item with sensible defaults, overridden per test."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from backend.core.reminders import ReminderItem

LONDON = ZoneInfo("Europe/London")


def make_item(**overrides: Any) -> ReminderItem:
    """A child-in-need visit planned by Thu 3 Dec 2026; dates may be given as ISO strings."""
    fields: dict[str, Any] = {
        "child_id": "c0ffee00c0ffee00c0ffee00c0ffee00",
        "initials": "AB",
        "reference": "C-1001",
        "plan_type": "child_in_need",
        "role": "social_worker",
        "due": "2026-12-03",
        "plan_by": None,
    }
    fields.update(overrides)
    fields["due"] = _day(fields["due"])
    fields["plan_by"] = _day(fields["plan_by"]) if fields["plan_by"] else fields["due"]
    return ReminderItem(**fields)


def london(text: str) -> datetime:
    """A London wall-clock time, e.g. london("2026-12-01 08:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("UTC"))


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
