"""Lengths of time as the standards write them: working days, days, weeks, months, years.

Days and weeks are calendar arithmetic; months and years use ``relativedelta``, so
31 January plus one month is the last day of February. Working days go through a
``WorkingCalendar``. The unit is kept as written because "4 weeks" and "a month",
"8 weeks" and "2 months" give different due dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Protocol

from dateutil.relativedelta import relativedelta

UNITS = ("hours", "working_days", "days", "weeks", "months", "years")
_PATTERN = re.compile(r"^\s*(\d+)\s+(hours?|working\s+days?|days?|weeks?|months?|years?)\s*$")
_UNIT_WORDS = {
    "hour": "hours",
    "working day": "working_days",
    "day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
}


class WorkingDayAdder(Protocol):
    def add_working_days(self, day: date, count: int) -> date: ...


@dataclass(frozen=True)
class Interval:
    """A count of one unit, for example 20 working days or 6 weeks."""

    count: int
    unit: str
    # Built once: the scheduler adds intervals for every rule of every case.
    _days: timedelta | None = field(init=False, repr=False, compare=False)
    _months: int = field(init=False, repr=False, compare=False)
    # Worded once: every explanation names its interval.
    _text: str = field(init=False, repr=False, compare=False)
    _every_text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}: expected one of {', '.join(UNITS)}")
        # Hours from a date are hours from its midnight (core/hours.py counts from an event's time).
        days = {
            "hours": timedelta(hours=self.count),
            "days": timedelta(days=self.count),
            "weeks": timedelta(weeks=self.count),
        }.get(self.unit)
        months = {"months": self.count, "years": 12 * self.count}.get(self.unit, 0)
        object.__setattr__(self, "_days", days)
        object.__setattr__(self, "_months", months)
        word = self.unit.replace("_", " ")
        text = f"{self.count} {word[:-1] if self.count == 1 else word}"
        object.__setattr__(self, "_text", text)
        object.__setattr__(self, "_every_text", f"every {word[:-1]}" if self.count == 1 else f"every {text}")

    @property
    def fixed_length(self) -> timedelta | None:
        """The same length wherever it starts (days, weeks, hours), or None (months, working days)."""
        return self._days

    def after(self, day: date, calendar: WorkingDayAdder) -> date:
        """``day`` plus this interval: the latest date a gap of this length allows."""
        if self._days is not None:
            return day + self._days
        if self.unit == "working_days":
            return calendar.add_working_days(day, self.count)
        return plus_months(day, self._months)

    def elapsed_on(self, day: date, calendar: WorkingDayAdder) -> date:
        """The first day on which this much time has fully passed since ``day``: a phase's start.

        Differs from ``after`` only where ``relativedelta`` clamps a month end: one year
        from 29 February 2024 is 1 March 2025, not 28 February, because in English law a
        29 February birthday falls on 1 March in common years (and the child's age from
        ``_age_on`` agrees), and because starting a looser cadence a day later protects
        the child. A due date (``after``) clamps back instead, which is the earlier visit.
        """
        end = self.after(day, calendar)
        if self.unit in ("months", "years") and end.day != day.day:
            return end + timedelta(days=1)
        return end

    def day_bounds(self) -> tuple[float, float]:
        """The shortest and longest this interval can be, in days, wherever it starts: for
        checking that one rule is never looser than another. Working days allow for weekends
        and up to four bank holidays (Christmas and New Year fall in one fortnight)."""
        count = self.count
        if self.unit == "hours":
            return count / 24, count / 24
        if self.unit == "working_days":
            return count + 2 * (count // 5), count + 2 * -(-count // 5) + 4
        if self._days is not None:
            return self._days.days, self._days.days
        return 28 * self._months, 31 * self._months

    def describe(self) -> str:
        """'20 working days', '1 week', '3 months'."""
        return self._text

    def describe_every(self) -> str:
        """'every 20 working days', 'weekly' reads oddly for a rule, so always 'every ...'."""
        return self._every_text


def parse_interval(text: str) -> Interval:
    """Parse '20 working days', '1 week', '3 months'. Raises ValueError with the reason."""
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not a length of time like '20 working days', '6 weeks' or '3 months'")
    count = int(match.group(1))
    if count < 1:
        raise ValueError(f"{text!r}: the count must be at least 1")
    words = " ".join(match.group(2).split())
    singular = words[:-1] if words.endswith("s") else words
    return Interval(count, _UNIT_WORDS[singular])


# relativedelta is exact but general, and slow (several microseconds an addition, more than
# the rest of a case's scheduling); the same few thousand dates recur across a caseload, so
# the answers are memoised. 46 years of days times a handful of month counts fits in the bound.
@lru_cache(maxsize=1 << 17)
def plus_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, ``relativedelta``'s way: 31 Jan + 1 month = 28/29 Feb."""
    return day + relativedelta(months=months)
