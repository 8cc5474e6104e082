"""School age and school days in England, as far as they can be known without term dates.

Planning warns a worker who books a visit in school hours with a school-age child, because
taking a child out of lessons for a visit is avoided where possible. Definitions:

- *School age* runs from the first day of the school year in which the child turns five
  (1 September: the Reception year, which almost every child attends although compulsory
  school age starts a term later, so the warning errs on the side of the child) to the
  school-leaving date: the last Friday in June of the school year in which the child turns
  16 (Education Act 1996, s.8; Education (School Leaving Date) Order 1997). School years run
  1 September to 31 August. A child whose date of birth is not recorded gets no warning:
  guessing an age would mislead either way.
- A *school day* is a weekday that is not a bank holiday of the calendar's region. Term
  dates differ by school and are not known here, so school holidays count as school days
  (the warning can then be wrong, but only towards caution). Local-authority closure days are
  not school holidays and do not change this.
- *School hours* are 09:00 to 15:00 local time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import FR, relativedelta

from .calendars import WorkingCalendar

SCHOOL_OPENS = time(9, 0)
SCHOOL_CLOSES = time(15, 0)
SCHOOL_START_AGE = 5
SCHOOL_LEAVING_AGE = 16
SATURDAY = 5


def school_year_start(day: date) -> date:
    """1 September of the school year that contains ``day``."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def first_school_day_of_life(date_of_birth: date) -> date:
    """The start of the Reception year: the school year in which the child turns five."""
    return school_year_start(date_of_birth + relativedelta(years=SCHOOL_START_AGE))


def school_leaving_date(date_of_birth: date) -> date:
    """The last Friday in June of the school year in which the child turns 16."""
    final_year = school_year_start(date_of_birth + relativedelta(years=SCHOOL_LEAVING_AGE))
    return date(final_year.year + 1, 6, 30) + relativedelta(weekday=FR(-1))


def is_school_age(date_of_birth: date | None, day: date) -> bool:
    if date_of_birth is None:
        return False
    return first_school_day_of_life(date_of_birth) <= day <= school_leaving_date(date_of_birth)


def is_school_day(day: date, calendar: WorkingCalendar) -> bool:
    if day.weekday() >= SATURDAY:
        return False
    return day not in calendar.non_working_names or day in calendar.closure_dates


def overlaps_school_hours(start: datetime, duration: timedelta | None) -> bool:
    """Whether a contact from local wall time ``start`` (for ``duration``, or the starting
    moment alone when none is given) overlaps 09:00-15:00 of its first day."""
    opens = datetime.combine(start.date(), SCHOOL_OPENS, start.tzinfo)
    closes = datetime.combine(start.date(), SCHOOL_CLOSES, start.tzinfo)
    if duration is None or duration <= timedelta(0):
        return opens <= start < closes
    return start < closes and opens < start + duration
