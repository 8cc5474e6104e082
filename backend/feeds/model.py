"""What a calendar feed shows, as plain values: the renderer's whole input.

The service that builds these decides what may be shown (initials or case reference by
default, names only when an admin allows it); the renderer never sees a child's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

OVERDUE = "overdue"


@dataclass(frozen=True)
class FeedEntry:
    """One visit that is due for one child and one role.

    ``child_key`` is an opaque, stable id (never shown); ``label`` is what the title shows
    (initials, or a name when allowed); the case reference goes in the description so two
    children with the same initials can be told apart. ``cycle_start`` is the date the
    current cycle began: the last counting visit, or the start of the episode when the
    child has not been seen yet. A recorded visit starts a new cycle, so the old event's
    UID disappears from the feed and a new one appears.
    """

    child_key: str
    label: str
    reference: str
    plan_label: str
    role: str
    due: date
    plan_by: date
    status: str
    explanation: str
    url: str
    cycle_start: date
    projected: tuple[date, ...] = ()
    assignee: str | None = None  # the worker's name, on a team feed
    # "visit", or "deadline" for one that is not a visit (a write-up, a core group): the title and
    # description say which, so a calendar never shows a conference as a visit.
    kind: str = "visit"
    # The initials of the absent colleague whose child (or carer) this is, while the worker covers
    # them: the title says "Cover for SP: ", and the event is another than the worker's own.
    cover_for: str | None = None


@dataclass(frozen=True)
class TimedEvent:
    """An event at a time of day in Europe/London (a planned contact).

    ``starts_at`` and ``ends_at`` must be aware datetimes; they are written as local
    Europe/London times with a TZID, so a 14:00 plan stays at 14:00 across the clock change.
    ``revised_at`` is when the plan was last changed (its DTSTAMP), ``sequence`` how many
    times it moved.
    """

    key: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    description: str
    url: str
    revised_at: datetime
    sequence: int = 0


@dataclass(frozen=True)
class Feed:
    """A whole calendar: its name, the day it is rendered for, and its events."""

    name: str
    today: date
    entries: tuple[FeedEntry, ...] = ()
    timed: tuple[TimedEvent, ...] = ()
    # A worker's feed and a team feed are different calendars: their UIDs must not collide
    # in a client that holds both.
    scope: str = "worker"
