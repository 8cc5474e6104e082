"""Working-day calendars: weekends, a UK region's bank holidays and local closure days.

A calendar is built once for an explicit range of years and never changes. Every
question about a date outside that range raises ``CalendarRangeError`` rather than
answering "working day": the ``holidays`` package answers so silently outside its
years, and a missed bank holiday puts a child's due date on a day nobody works.

Working-day arithmetic is one dictionary lookup and one list index, because the
scheduler adds working days for every rule of every case on every request.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

import holidays

from .errors import CalendarRangeError, CoreError

REGIONS = ("ENG", "WLS", "SCT", "NIR")
SATURDAY = 5


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days in one region, for the years ``first_year..last_year``.

    ``non_working_names`` maps each weekday that is not worked (bank holidays and local
    closures) to its name, for explanations. Weekends are implied.
    """

    region: str
    first_year: int
    last_year: int
    non_working_names: Mapping[date, str]
    closure_dates: frozenset[date]
    # rank[d] = (number of working days on or before d) - 1, for every day in range.
    _rank: dict[date, int] = field(repr=False, compare=False)
    # working_days[i] is the (i+1)-th working day of the range.
    _working_days: list[date] = field(repr=False, compare=False)
    _holiday_dates: list[date] = field(repr=False, compare=False)

    @property
    def first_day(self) -> date:
        return date(self.first_year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.last_year, 12, 31)

    def is_working_day(self, day: date) -> bool:
        rank = self._rank_of(day)
        return self._working_days[rank] == day if rank >= 0 else False

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day``, counting from the day after it.

        ``day`` itself is day 0 whether or not it is a working day, so this equals
        ``numpy.busday_offset(day, count, roll='backward')`` for ``count >= 1``.
        """
        if count <= 0:
            if count == 0:
                return day
            return self.subtract_working_days(day, -count)
        try:
            return self._working_days[self._rank[day] + count]
        except KeyError:
            raise self._out_of_range(day) from None
        except IndexError:
            raise CalendarRangeError(
                f"{count} working days after {day.isoformat()} is beyond {self.last_day.isoformat()}, "
                "the end of the working-day calendar"
            ) from None

    def subtract_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day before ``day`` (``count >= 1``)."""
        rank = self._rank_of(day)
        # rank indexes the latest working day on or before day; day itself is not counted.
        on_working_day = rank >= 0 and self._working_days[rank] == day
        index = rank - count if on_working_day else rank - count + 1
        if index < 0:
            raise CalendarRangeError(
                f"{count} working days before {day.isoformat()} is before {self.first_day.isoformat()}, "
                "the start of the working-day calendar"
            )
        return self._working_days[index]

    def working_day_on_or_before(self, day: date) -> date:
        """The latest working day on or before ``day`` (a due date's ``plan_by``)."""
        rank = self._rank_of(day)
        if rank < 0:
            raise CalendarRangeError(f"no working day on or before {day.isoformat()} in the calendar")
        return self._working_days[rank]

    def holidays_between(self, after: date, until: date) -> list[tuple[date, str]]:
        """Bank holidays and closures on weekdays in ``(after, until]``, in date order."""
        self._rank_of(after)
        self._rank_of(until)
        low = bisect_right(self._holiday_dates, after)
        high = bisect_right(self._holiday_dates, until)
        return [(day, self.non_working_names[day]) for day in self._holiday_dates[low:high]]

    def next_holiday_on_or_after(self, day: date) -> date | None:
        index = bisect_left(self._holiday_dates, day)
        return self._holiday_dates[index] if index < len(self._holiday_dates) else None

    def working_day_tables(self) -> tuple[date, list[int], list[date]]:
        """The lookup tables, for vectorised adapters: (first day, rank by day offset, working days)."""
        first = self.first_day
        ranks = [self._rank[first + timedelta(days=offset)] for offset in range(len(self._rank))]
        return first, ranks, list(self._working_days)

    def _rank_of(self, day: date) -> int:
        try:
            return self._rank[day]
        except KeyError:
            raise self._out_of_range(day) from None

    def _out_of_range(self, day: object) -> CoreError:
        if not isinstance(day, date):
            return CoreError(f"expected a date, got {type(day).__name__}")
        return CalendarRangeError(
            f"{day.isoformat()} is outside the working-day calendar "
            f"({self.first_day.isoformat()} to {self.last_day.isoformat()}); "
            "widen the calendar's years rather than guess at bank holidays"
        )


def build_calendar(
    region: str,
    first_year: int,
    last_year: int,
    closures: Iterable[tuple[date, str]] = (),
) -> WorkingCalendar:
    """Build the calendar for ``region`` (``ENG``, ``WLS``, ``SCT`` or ``NIR``).

    ``closures`` are local non-working days (a council's Christmas closure) with names.
    Substitute ("observed") bank holidays come from the ``holidays`` package.
    """
    if region not in REGIONS:
        raise CoreError(f"unknown region {region!r}: expected one of {', '.join(REGIONS)}")
    if first_year > last_year:
        raise CoreError(f"calendar years run backwards: {first_year} > {last_year}")
    years = range(first_year, last_year + 1)
    bank_holidays = holidays.country_holidays("GB", subdiv=region, years=years)
    names: dict[date, str] = {}
    for day, name in sorted(bank_holidays.items()):
        if first_year <= day.year <= last_year and day.weekday() < SATURDAY:
            names[day] = name
    closure_dates = set()
    for day, name in closures:
        if first_year <= day.year <= last_year and day.weekday() < SATURDAY and day not in names:
            names[day] = name
            closure_dates.add(day)
    return _index(region, first_year, last_year, names, frozenset(closure_dates))


def _index(
    region: str, first_year: int, last_year: int, names: dict[date, str], closure_dates: frozenset[date]
) -> WorkingCalendar:
    rank: dict[date, int] = {}
    working_days: list[date] = []
    day, last = date(first_year, 1, 1), date(last_year, 12, 31)
    one_day = timedelta(days=1)
    while day <= last:
        if day.weekday() < SATURDAY and day not in names:
            working_days.append(day)
        rank[day] = len(working_days) - 1
        day += one_day
    return WorkingCalendar(
        region=region,
        first_year=first_year,
        last_year=last_year,
        non_working_names=MappingProxyType(dict(names)),
        closure_dates=closure_dates,
        _rank=rank,
        _working_days=working_days,
        _holiday_dates=sorted(names),
    )
