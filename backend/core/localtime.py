"""Wall-clock times in one time zone, parsed strictly and resolved deliberately at the clock changes.

A worker plans "Tuesday 14:00", not an instant, so the API takes ``starts_at`` as local time
(Europe/London in this service) unless the text carries its own UTC offset. Twice a year the
local clock does something a naive parser gets wrong:

- Spring forward (last Sunday of March, 01:00 GMT becomes 02:00 BST): 01:00-01:59 never
  happens. Such a time is refused (``InvalidPlan`` on the field), not shifted: moving a
  worker's appointment by an hour without saying so is a guess.
- Fall back (last Sunday of October, 02:00 BST becomes 01:00 GMT): 01:00-01:59 happens
  twice. The first occurrence (BST, +01:00) is taken. That is what RFC 5545 section 3.3.5
  says a calendar reading ``DTSTART;TZID=Europe/London:...T013000`` means, so the API, the
  calendar feed and the worker's calendar app agree on one instant. The second occurrence
  is had by sending the offset explicitly (``...T01:30+00:00``).

The zone is passed in (``core/zones.py`` defines the service's one), so the same rules hold
for any zone the tests try.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from .errors import InvalidPlan
from .wording import short_date

# Minutes (and optional whole seconds) only: a plan is not timed to the microsecond, and
# the looser forms fromisoformat accepts ("20261124T1400", week dates) are not wanted.
LOCAL_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?P<offset>Z|[+-]\d{2}:\d{2})?"
)


def parse_local_start(text: object, zone: tzinfo, field: str = "starts_at") -> datetime:
    """The instant ``text`` names: local wall time in ``zone`` unless it carries an offset.

    Returns the instant in UTC: an aware datetime in ``zone`` inside the repeated hour never
    compares equal to any datetime of another zone (PEP 495), so a replayed plan would look
    changed. Wall time is ``astimezone(zone)`` wherever it is shown. Raises ``InvalidPlan`` naming ``field`` for text
    that is not of the form ``YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]``, for impossible dates and
    times, and for a local time in the spring-forward gap.
    """
    if not isinstance(text, str):
        raise InvalidPlan(field, "Expected local date and time text such as 2026-11-24T14:00.")
    match = LOCAL_DATE_TIME.fullmatch(text)
    if match is None:
        raise InvalidPlan(field, f"{text!r} is not a date and time of the form 2026-11-24T14:00.")
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{match['hour']}:{match['minute']}:{match['second'] or '00'}")
    except ValueError:
        raise InvalidPlan(field, f"{text!r} is not a real date and time.") from None
    if match["offset"] is None:
        return resolve_wall_time(naive, zone, field).astimezone(UTC)
    return naive.replace(tzinfo=fixed_offset(match["offset"], text, field)).astimezone(UTC)


def resolve_wall_time(naive: datetime, zone: tzinfo, field: str = "starts_at") -> datetime:
    """``naive`` read on the clocks of ``zone``: the first occurrence when the clocks go back,
    and ``InvalidPlan`` when the clocks went forward past it."""
    first = naive.replace(tzinfo=zone, fold=0)
    if not _exists(first, zone):
        raise InvalidPlan(
            field,
            f"{naive:%H:%M} does not happen on {short_date(naive.date())} in this time zone: the clocks go forward "
            "at that time. Choose a time an hour later or earlier.",
        )
    return first


def is_ambiguous(naive: datetime, zone: tzinfo) -> bool:
    """Whether ``naive`` happens twice on the clocks of ``zone`` (the hour the clocks go back)."""
    return naive.replace(tzinfo=zone, fold=0).utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset()


def as_local_text(moment: datetime, zone: tzinfo) -> str:
    """``moment`` as local ISO 8601 with its offset ("2026-11-24T14:00:00+00:00"): round-trips
    through ``parse_local_start`` to the same instant, even in the repeated hour."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


def fixed_offset(text: str, original: str, field: str) -> tzinfo:
    if text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        raise InvalidPlan(field, f"{original!r} has an impossible UTC offset {text}.")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _exists(local: datetime, zone: tzinfo) -> bool:
    # A wall time in the gap comes back from UTC as a different wall time (zoneinfo's rule).
    round_trip = local.astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)
