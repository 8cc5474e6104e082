"""How dates are written for people: one formatter for explanations, reminders and feeds.

English names whatever the process locale (strftime's %a, %b, %A and %B follow LC_TIME), and a
table lookup is several times faster than strftime on the scheduler's hot path. The same few
thousand dates recur across a caseload, so the dates every explanation names are memoised.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FULL_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FULL_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day_month(day: date) -> str:
    """'25 Dec'."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def weekday_day_month(day: date) -> str:
    """'Wed 6 Jan': a date inside a short message."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


@lru_cache(maxsize=1 << 14)
def short_date(day: date) -> str:
    """'18 Dec 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@lru_cache(maxsize=1 << 14)
def long_date(day: date) -> str:
    """'Wed 6 Jan 2027'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def full_date(day: date) -> str:
    """'Wednesday 6 January 2027': a calendar event's description, read at leisure."""
    return f"{FULL_WEEKDAYS[day.weekday()]} {day.day} {FULL_MONTHS[day.month - 1]} {day.year}"
