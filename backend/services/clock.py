"""The only place that reads the wall clock; everything else is handed a date.

Social workers work to the London calendar: between 23:00 and midnight UTC in summer
(BST) it is already tomorrow in London, and a visit due "today" must say so.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now_in_london(instant: datetime | None = None) -> datetime:
    """``instant`` (timezone-aware; default: now) as London wall-clock time."""
    if instant is None:
        return datetime.now(tz=LONDON)
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a naive datetime is ambiguous; pass one with a time zone")
    return instant.astimezone(LONDON)


def today_in_london(instant: datetime | None = None) -> date:
    """The calendar date in Europe/London at ``instant`` (default: now)."""
    return now_in_london(instant).date()
