"""Lengths of time as the standards write them: working days, days, weeks, months, years.

Days and weeks are calendar arithmetic; months and years use ``relativedelta``, so
31 January plus one month is the last day of February. Working days go through a
``WorkingCalendar``. The unit is kept as written because "4 weeks" and "a month",
"8 weeks" and "2 months" give different due dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from dateutil.relativedelta import relativedelta

UNITS = ("working_days", "days", "weeks", "months", "years")
_PATTERN = re.compile(r"^\s*(\d+)\s+(working\s+days?|days?|weeks?|months?|years?)\s*$")
_UNIT_WORDS = {"working day": "working_days", "day": "days", "week": "weeks", "month": "months", "year": "years"}


class WorkingDayAdder(Protocol):
    def add_working_days(self, day: date, count: int) -> date: ...


@dataclass(frozen=True)
class Interval:
    """A count of one unit, for example 20 working days or 6 weeks."""

    count: int
    unit: str

    def after(self, day: date, calendar: WorkingDayAdder) -> date:
        if self.unit == "working_days":
            return calendar.add_working_days(day, self.count)
        if self.unit == "days":
            return day + timedelta(days=self.count)
        if self.unit == "weeks":
            return day + timedelta(weeks=self.count)
        if self.unit == "months":
            return day + relativedelta(months=self.count)
        return day + relativedelta(years=self.count)

    def describe(self) -> str:
        """'20 working days', '1 week', '3 months'."""
        word = self.unit.replace("_", " ")
        return f"{self.count} {word[:-1] if self.count == 1 else word}"

    def describe_every(self) -> str:
        """'every 20 working days', 'weekly' reads oddly for a rule, so always 'every ...'."""
        if self.count == 1:
            return f"every {self.unit.replace('_', ' ')[:-1]}"
        return f"every {self.describe()}"


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
