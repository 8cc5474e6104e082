"""The only place that reads the wall clock; everything else is handed a date."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now_in_london() -> datetime:
    return datetime.now(tz=LONDON)


def today_in_london() -> date:
    return now_in_london().date()
