"""Hour-counted windows ("within 24 hours", "within 72 hours of return"): counted from an
event's time, not rounded to days.

An event without a time is taken at the start of its day. The zone (an adapter passes
Europe/London) makes the count real elapsed hours across a clock change; without one the
count is on the wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from .intervals import Interval, WorkingDayAdder


class HourClock:
    def __init__(self, zone: tzinfo | None) -> None:
        self.zone = zone

    def after(
        self, interval: Interval, day: date, at: time | None, calendar: WorkingDayAdder
    ) -> tuple[date, datetime | None]:
        """The due date ``interval`` after ``day`` (at ``at``), and for an hour count the instant too."""
        if interval.unit != "hours":
            return interval.after(day, calendar), None
        start = datetime.combine(day, at or time(0))
        span = timedelta(hours=interval.count)
        if self.zone is None:
            end = start + span
        else:
            end = (start.replace(tzinfo=self.zone).astimezone(UTC) + span).astimezone(self.zone)
        return end.date(), end
