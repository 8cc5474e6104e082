"""Adapter: working-day arithmetic on whole numpy arrays of dates, for bulk jobs.

Reports, planning horizons and imports ask for thousands of due dates at once. This
module answers them from the same precomputed tables as ``WorkingCalendar`` (so the two
can never disagree about a bank holiday) with two array lookups instead of a Python
loop. It lives outside ``backend.core`` because the core imports no numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from .core.calendars import WorkingCalendar
from .core.errors import CalendarRangeError

DateArray = npt.NDArray[np.datetime64]
CountArray = npt.NDArray[np.integer]


@dataclass(frozen=True)
class ArrayCalendar:
    """``WorkingCalendar.add_working_days`` for arrays of ``datetime64[D]`` dates."""

    first_day: np.datetime64
    # rank[i] = (number of working days on or before first_day + i) - 1
    rank: npt.NDArray[np.int64]
    working_days: DateArray

    @classmethod
    def from_calendar(cls, calendar: WorkingCalendar) -> ArrayCalendar:
        first, ranks, working_days = calendar.working_day_tables()
        return cls(
            first_day=np.datetime64(first, "D"),
            rank=np.array(ranks, dtype=np.int64),
            working_days=np.array(working_days, dtype="datetime64[D]"),
        )

    def add_working_days(self, days: DateArray, counts: CountArray | int) -> DateArray:
        """Element-wise: the ``count``-th working day after each day, the day itself being day 0.

        Equals ``numpy.busday_offset(days, counts, roll='backward')`` for counts >= 1; a count
        of 0 returns the day unchanged, as the scalar calendar does. Negative counts are refused.
        """
        days = np.asarray(days, dtype="datetime64[D]")
        counts = np.asarray(counts, dtype=np.int64)
        if counts.size and counts.min() < 0:
            raise ValueError("counts must be 0 or more; subtract working days one by one")
        offsets = (days - self.first_day).astype(np.int64)
        if offsets.size and (offsets.min() < 0 or offsets.max() >= self.rank.size):
            raise CalendarRangeError(f"a date is outside the working-day calendar ({self._range_text()})")
        index = self.rank[offsets] + counts
        if index.size and index.max() >= self.working_days.size:
            raise CalendarRangeError(f"a due date falls beyond the working-day calendar ({self._range_text()})")
        added = self.working_days[index]
        # Where the count is 0 the answer is the day itself, even on a weekend or bank holiday.
        return np.where(counts == 0, days, added)

    def _range_text(self) -> str:
        last = self.first_day + np.timedelta64(self.rank.size - 1, "D")
        return f"{self.first_day.astype(date).isoformat()} to {last.astype(date).isoformat()}"
