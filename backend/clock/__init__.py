"""The only place that reads the wall clock; everything else is handed a date or an instant.

Social workers work to the London calendar: between 23:00 and midnight UTC in summer
(BST) it is already tomorrow in London, and a visit due "today" must say so. The zone is
defined once, in ``core/zones.py``; adapters pass ``LONDON`` to the core functions that take a zone.
(Durations measured with ``time.monotonic`` are not readings of the wall clock.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from ..core.zones import LONDON, LONDON_TZID

__all__ = ["LONDON", "LONDON_TZID", "now_in_london", "today_in_london", "utc_now"]


def utc_now() -> datetime:
    """Now, as an aware UTC instant: what rows record (``created_at``, ``last_seen_at``...)."""
    return datetime.now(tz=UTC)


def now_in_london(instant: datetime | None = None) -> datetime:
    """``instant`` (timezone-aware; default: now) as London wall-clock time."""
    if instant is None:
        return utc_now().astimezone(LONDON)
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a naive datetime is ambiguous; pass one with a time zone")
    return instant.astimezone(LONDON)


def today_in_london(instant: datetime | None = None) -> date:
    """The calendar date in Europe/London at ``instant`` (default: now)."""
    return now_in_london(instant).date()
