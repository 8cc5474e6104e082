"""Render a ``Feed`` to iCalendar bytes: the same feed always gives the same bytes.

Each due visit is an all-day event on its ``plan_by`` date (the last working day on or
before the statutory deadline), or on today's date once it is overdue, until a visit is
recorded. Nothing here reads a clock: ``today`` comes in with the feed, and DTSTAMP and
SEQUENCE are derived from the data (see ``revision``), so an unchanged caseload renders
unchanged bytes and a strong ETag over them is meaningful.

Built with ``icalendar`` components; the few places where its output is not what a feed
needs are corrected in ``corrections.py``, which says why for each.

No VALARM, ever: Google and Outlook ignore alarms on subscribed calendars and Apple offers
to strip them; reminders are push's job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from icalendar import Calendar, Event, vDatetime, vDuration

from backend.clock import LONDON
from backend.core.vocabulary import VISIT_ROLES
from backend.core.wording import full_date

from .corrections import CRLF, FeedDate, FeedInt, FeedText, serialise, uri, utc
from .model import OVERDUE, Feed, FeedEntry, TimedEvent
from .timezones import LONDON_TZID, LONDON_VTIMEZONE

PRODID = "-//Visit scheduler//Calendar feed 1//EN"
UID_DOMAIN = "visits.feed"
REFRESH = timedelta(hours=1)
ONE_DAY = timedelta(days=1)
CALENDAR_END = "END:VCALENDAR" + CRLF
_VTIMEZONE = "".join(line + CRLF for line in LONDON_VTIMEZONE).encode("utf-8")

# ``memo(key, build)``: the bytes ``build()`` gives, kept under ``key`` (the event's values).
EventMemo = Callable[[Hashable, Callable[[], bytes]], bytes]


def _no_memo(key: Hashable, build: Callable[[], bytes]) -> bytes:
    return build()


def render_feed(feed: Feed, memo: EventMemo = _no_memo) -> bytes:
    """The feed's bytes. ``memo`` may hand back an event's bytes built before from the same values:
    ``icalendar`` takes over 100 us per event, ten times the hand writer it replaced, so a changed
    feed rebuilds only the events that changed (services/rendered_cache.py keeps them)."""
    parts = [_calendar_head(feed.name)]
    # RFC 5545 requires at least one component: an empty feed carries the time zone alone,
    # which keeps it valid (icalendar's validate() rejects an empty calendar) and harmless.
    if feed.timed or not feed.entries:
        parts.append(_VTIMEZONE)
    all_day = sorted(_all_day_events(feed), key=lambda event: (event[0], event[1]))
    parts.extend(memo(("all-day", *values), partial(_all_day_event, *values)) for _, _, values in all_day)
    for timed in sorted(feed.timed, key=lambda event: (event.starts_at, event.key)):
        parts.append(memo(("timed", feed.scope, timed), partial(_timed_event, timed, feed.scope)))
    parts.append(CALENDAR_END.encode("utf-8"))
    return b"".join(parts)


def event_uid(scope: str, child_key: str, role: str, cycle_start: date, kind: str) -> str:
    """Stable for one child, role and cycle: a client updates the event instead of adding another.

    Hashed so that the UID carries no identifier a calendar provider could link back.
    """
    material = "\x1f".join((scope, child_key, role, cycle_start.isoformat(), kind))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32] + "@" + UID_DOMAIN


def shown_on(entry: FeedEntry, today: date) -> date:
    """The day the event sits on: ``plan_by``, or today once that day has passed."""
    return max(entry.plan_by, today)


def revision(cycle_start: date, day: date, today: date) -> tuple[int, datetime]:
    """SEQUENCE and DTSTAMP for an event of one cycle sitting on ``day``, from the data alone.

    SEQUENCE is how many days the event sits after the cycle began, so it rises whenever
    the date moves later within the cycle: every day an overdue event moves onto today, or
    when a rule change pushes ``plan_by`` out. A new cycle (a recorded visit) is a new UID and
    starts again. DTSTAMP is the start of the cycle, or today once the event has moved onto
    today. Deriving both keeps a feed a pure function of the caseload: no write on a read,
    identical bytes from every server. The trade-off is documented in docs/feeds.md.
    """
    sequence = max(0, (day - cycle_start).days)
    stamped = today if day == today and day > cycle_start else cycle_start
    return sequence, datetime.combine(min(stamped, today), time(0), tzinfo=UTC)


def _calendar_head(name: str) -> bytes:
    """The calendar's properties; its events follow, each serialised on its own (see ``render_feed``)."""
    calendar = Calendar()
    calendar["VERSION"] = FeedText("2.0")
    calendar["PRODID"] = FeedText(PRODID)
    calendar["CALSCALE"] = FeedText("GREGORIAN")
    calendar["METHOD"] = FeedText("PUBLISH")
    calendar["NAME"] = FeedText(name)  # RFC 7986
    calendar["X-WR-CALNAME"] = FeedText(name)
    calendar["REFRESH-INTERVAL"] = vDuration(REFRESH, params={"VALUE": "DURATION"})  # RFC 7986 requires VALUE
    calendar["X-PUBLISHED-TTL"] = vDuration(REFRESH)
    calendar["X-WR-TIMEZONE"] = FeedText(LONDON_TZID)
    return serialise(calendar).removesuffix(CALENDAR_END).encode("utf-8")


AllDayValues = tuple[str, datetime, date, str, str, str, int, str]


def _all_day_events(feed: Feed) -> Iterable[tuple[date, str, AllDayValues]]:
    for entry in feed.entries:
        day = shown_on(entry, feed.today)
        # A covered child's event is another event than the worker's own would be: a calendar that
        # kept one never shows the other's title under the same UID and SEQUENCE.
        cover, uid_kind = (f"Cover for {entry.cover_for}: ", "cover-") if entry.cover_for else ("", "")
        uid = event_uid(feed.scope, entry.child_key, entry.role, entry.cycle_start, uid_kind + "due")
        overdue = entry.status == OVERDUE
        title = cover + TITLES[entry.kind, overdue] + _subject(entry)
        sequence, stamp = revision(entry.cycle_start, day, feed.today)
        description = _cover_note(entry) + _due_description(entry, overdue)
        yield day, uid, (uid, stamp, day, title, description, entry.url, sequence, "CONFIRMED")
        for position, projected in enumerate(entry.projected, start=1):
            uid = event_uid(
                feed.scope, entry.child_key, entry.role, entry.cycle_start, f"{uid_kind}projected-{position}"
            )
            sequence, stamp = revision(entry.cycle_start, projected, feed.today)
            title = cover + "Projected visit: " + _subject(entry)
            description = _cover_note(entry) + _projected_description(entry, projected)
            yield projected, uid, (uid, stamp, projected, title, description, entry.url, sequence, "TENTATIVE")


TITLES = {
    ("visit", True): "Overdue visit: ",
    ("visit", False): "Visit due: ",
    ("deadline", True): "Overdue deadline: ",
    ("deadline", False): "Deadline: ",
}


def _subject(entry: FeedEntry) -> str:
    subject = f"{entry.label} ({entry.plan_label})"
    return f"{subject} - {entry.assignee}" if entry.assignee else subject


def _cover_note(entry: FeedEntry) -> str:
    if not entry.cover_for:
        return ""
    return f"Cover for {entry.cover_for}: on the caseload of a colleague you act for while they are away.\n"


def _due_description(entry: FeedEntry, overdue: bool) -> str:
    deadline = full_date(entry.due) + (" (overdue)" if overdue else "")
    if entry.kind == "deadline":
        return "\n".join(
            (
                f"Case reference: {entry.reference}",
                f"Deadline: {deadline}",
                f"What: {entry.plan_label}",
                entry.explanation,
                f"Open in the app: {entry.url}",
            )
        )
    return "\n".join(
        (
            f"Case reference: {entry.reference}",
            f"Statutory deadline: {deadline}",
            f"Plan by: {full_date(entry.plan_by)}",
            f"Visit by: {VISIT_ROLES.get(entry.role, entry.role)}",
            entry.explanation,
            f"Open in the app: {entry.url}",
        )
    )


def _projected_description(entry: FeedEntry, projected: date) -> str:
    return "\n".join(
        (
            f"Case reference: {entry.reference}",
            f"Projected due date: {full_date(projected)}",
            "For planning only: it assumes each visit is made on its due date and the plan stays as it is.",
            f"Visit by: {VISIT_ROLES.get(entry.role, entry.role)}",
            f"Open in the app: {entry.url}",
        )
    )


def _all_day_event(
    uid: str, stamp: datetime, day: date, title: str, description: str, url: str, sequence: int, status: str
) -> bytes:
    event = Event()
    event["UID"] = FeedText(uid)
    event["DTSTAMP"] = utc(stamp)
    event["DTSTART"] = FeedDate(day)
    event["DTEND"] = FeedDate(day + ONE_DAY)
    event["SUMMARY"] = FeedText(title)
    event["DESCRIPTION"] = FeedText(description)
    event["URL"] = uri(url)
    event["SEQUENCE"] = FeedInt(sequence)
    event["STATUS"] = FeedText(status)
    event["CLASS"] = FeedText("PRIVATE")
    event["TRANSP"] = FeedText("TRANSPARENT")
    return serialise(event).encode("utf-8")


def _timed_event(event: TimedEvent, scope: str) -> bytes:
    if event.starts_at.tzinfo is None or event.ends_at.tzinfo is None:
        raise ValueError("a timed event needs aware start and end times")
    if event.ends_at <= event.starts_at:
        raise ValueError("a timed event must end after it starts")
    uid = hashlib.sha256(f"{scope}\x1ftimed\x1f{event.key}".encode()).hexdigest()[:32] + "@" + UID_DOMAIN
    component = Event()
    component["UID"] = FeedText(uid)
    component["DTSTAMP"] = utc(event.revised_at)
    # Local Europe/London times with their TZID, so 14:00 stays 14:00 across a clock change.
    component["DTSTART"] = vDatetime(event.starts_at.astimezone(LONDON))
    component["DTEND"] = vDatetime(event.ends_at.astimezone(LONDON))
    component["SUMMARY"] = FeedText(event.summary)
    component["DESCRIPTION"] = FeedText(event.description)
    component["URL"] = uri(event.url)
    component["SEQUENCE"] = FeedInt(event.sequence)
    component["STATUS"] = FeedText("CONFIRMED")
    component["CLASS"] = FeedText("PRIVATE")
    # A planned visit does take the worker's time, unlike a due date.
    component["TRANSP"] = FeedText("OPAQUE")
    return serialise(component).encode("utf-8")
