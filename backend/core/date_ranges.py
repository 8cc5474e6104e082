"""Which dates may be stored, given the years the working-day calendar was built for.

The engine asks the calendar about days *after* the stored ones (a due date is a visit or an
episode start plus up to 26 weeks in today's profiles, a phase may start a year after an episode,
"due soon" looks five working days ahead) and a little *before* them (a plan-by date is the working
day on or before a due date; reminders count working days back from it). A stored date therefore
keeps a year's margin inside the calendar at each end: with the default years 2000-2045, visits,
episodes, events, allocations and plans lie in 2001-2044, and every date the engine derives
from them stays inside the calendar.

A date of birth is only counted from (ages, birthdays, school years), never looked up in the
calendar, so it may precede the calendar: a personal adviser supports a care leaver until 25, so
a child may be born up to 26 years before the earliest stored date. It may also be in the future
(an expected date of birth for a pre-birth plan), up to the latest stored date.

One function answers for every adapter (the API's schemas, case imports): a field name and a
message in, nothing raised, so each adapter reports the problem its own way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MARGIN_YEARS = 1
# Leaving care support runs to the 25th birthday; a young person is 25 until the day before their 26th.
CARE_LEAVER_YEARS = 26

STORED = "stored"
BIRTH = "birth"


@dataclass(frozen=True)
class DateRange:
    earliest: date
    latest: date

    def problem(self, day: date) -> str | None:
        """None for a day inside the range, else a message saying which days are allowed."""
        if self.earliest <= day <= self.latest:
            return None
        return f"Must be between {self.earliest.isoformat()} and {self.latest.isoformat()}."


def date_range(kind: str, first_year: int, last_year: int) -> DateRange:
    """The days a date of ``kind`` (STORED or BIRTH) may take for a calendar of these years."""
    earliest = date(first_year + MARGIN_YEARS, 1, 1)
    latest = date(last_year - MARGIN_YEARS, 12, 31)
    if kind == BIRTH:
        return DateRange(date(earliest.year - CARE_LEAVER_YEARS, 1, 1), latest)
    if kind == STORED:
        return DateRange(earliest, latest)
    raise ValueError(f"unknown kind of date {kind!r}")
